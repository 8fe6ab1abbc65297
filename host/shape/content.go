package shape

import (
	"encoding/base64"

	"github.com/tabtap/tabtap/host/api"
)

// Each record's content (a body, a payload, a stream's data) can be left
// out of a result, the record marked contentOmitted; get_request pages
// through it. These work on copies: the records they get are the result's
// own.

func requestContent(r *api.Request) int { return len(r.PostData) + len(r.PostDataBase64) }

func omitRequest(r *api.Request) bool {
	if requestContent(r) == 0 {
		return false
	}
	r.PostData, r.PostDataBase64, r.ContentOmitted = "", "", true
	return true
}

func responseContent(r *api.Response) int { return len(r.Body) + len(r.BodyBase64) }

func omitResponse(r *api.Response) bool {
	if responseContent(r) == 0 {
		return false
	}
	if r.BodySize == 0 {
		r.BodySize = int64(len(r.Body))
		if r.BodyBase64 != "" {
			r.BodySize = int64(base64.StdEncoding.DecodedLen(len(r.BodyBase64)))
		}
	}
	r.Body, r.BodyBase64, r.ContentOmitted = "", "", true
	return true
}

func omitFrame(f *api.WSFrame) bool {
	if f.Payload == "" {
		return false
	}
	f.Payload, f.ContentOmitted = "", true
	return true
}

func streamContent(s *api.StreamingResponse) int {
	n := 0
	for _, m := range s.Messages {
		n += len(m.Data)
	}
	for _, c := range s.Chunks {
		n += len(c.Data) + len(c.DataBase64)
	}
	return n
}

func omitStream(s *api.StreamingResponse) bool {
	if streamContent(s) == 0 {
		return false
	}
	msgs := append([]api.StreamMessage(nil), s.Messages...)
	for i := range msgs {
		msgs[i].Data = ""
	}
	chunks := append([]api.StreamChunk(nil), s.Chunks...)
	for i := range chunks {
		chunks[i].Data, chunks[i].DataBase64 = "", ""
	}
	s.Messages, s.Chunks, s.ContentOmitted = msgs, chunks, true
	return true
}

// exchangeCopy copies an exchange's records for a result, keeping their
// content only when it is at most keep bytes.
func exchangeCopy(x api.Exchange, keep int) (req *api.Request, resp *api.Response) {
	if x.Request != nil {
		r := *x.Request
		if requestContent(&r) > keep {
			omitRequest(&r)
		}
		req = &r
	}
	if x.Response != nil {
		r := *x.Response
		if responseContent(&r) > keep {
			omitResponse(&r)
		}
		resp = &r
	}
	return req, resp
}

// squeezeRequest cuts every string of a request to at most n bytes, and
// with n zero leaves its headers out: the last resorts when even one
// record would not fit a result otherwise. The record is marked
// contentOmitted either way; get_request has it whole.
func squeezeRequest(r *api.Request, n int) {
	r.URL = Cut(r.URL, max(n, 200))
	r.DocumentURL = Cut(r.DocumentURL, n)
	r.RedirectedFrom = Cut(r.RedirectedFrom, n)
	r.Headers = squeezeHeaders(r.Headers, n)
	if r.Initiator != nil {
		in := *r.Initiator
		in.URL = Cut(in.URL, n)
		r.Initiator = &in
	}
	r.BlockedCookies = nil
	r.ContentOmitted = true
}

func squeezeResponse(r *api.Response, n int) {
	r.URL = Cut(r.URL, max(n, 200))
	r.RedirectURL = Cut(r.RedirectURL, n)
	r.Headers = squeezeHeaders(r.Headers, n)
	r.BlockedCookies = nil
	r.ContentOmitted = true
}

func squeezeHeaders(h map[string]string, n int) map[string]string {
	if n == 0 {
		return map[string]string{}
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[Cut(k, n)] = Cut(v, n)
	}
	return out
}

// decodedBody returns a response's body as bytes, and whether it is text.
func decodedBody(r *api.Response) ([]byte, bool) {
	if r.BodyBase64 != "" {
		b, err := base64.StdEncoding.DecodeString(r.BodyBase64)
		if err != nil {
			return nil, false
		}
		return b, false
	}
	return []byte(r.Body), true
}

// decodedPostData returns a request's body as bytes, and whether it is text.
func decodedPostData(r *api.Request) ([]byte, bool) {
	if r.PostDataBase64 != "" {
		b, err := base64.StdEncoding.DecodeString(r.PostDataBase64)
		if err != nil {
			return nil, false
		}
		return b, false
	}
	return []byte(r.PostData), true
}
