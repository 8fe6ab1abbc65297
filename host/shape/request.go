package shape

import (
	"encoding/base64"
	"strings"

	"github.com/tabtap/tabtap/host/api"
)

// Found is one request's records, found in a capture by id.
type Found struct {
	api.Exchange
	hops   []api.Exchange // earlier hops of its redirect chain, oldest first
	frames []api.WSFrame
	stream *api.StreamingResponse
}

// Find looks a request up by the id of any of its records: a request, a
// redirect hop (id:redirected.N), a response, a frame or a stream.
func Find(d *api.Data, id string) (*Found, bool) {
	ix := newIndex(d)
	base := api.BaseID(id)
	f := &Found{}
	if i, ok := ix.byID[base]; ok {
		f.Exchange = ix.exchanges[i]
	}
	for _, x := range ix.exchanges {
		if xid := x.ID(); xid != base && api.BaseID(xid) == base {
			f.hops = append(f.hops, x)
		}
	}
	if f.Request == nil && f.Response == nil && len(f.hops) > 0 {
		// The chain has not reached its last hop yet.
		f.Exchange, f.hops = f.hops[len(f.hops)-1], f.hops[:len(f.hops)-1]
	}
	for _, i := range ix.frames[base] {
		f.frames = append(f.frames, d.WSFrames[i])
	}
	if i, ok := ix.streams[base]; ok {
		f.stream = &d.StreamingResponses[i]
	}
	if f.Request == nil && f.Response == nil && f.frames == nil && f.stream == nil {
		return nil, false
	}
	return f, true
}

// Hop narrows f to one hop of its redirect chain, named by its id
// (id:redirected.N): that hop becomes f's request and response, the hops
// before it its redirects, and what came after it is left out. It
// reports whether f holds that hop; f is unchanged when it does not.
// wait_for_request answers with the hop it matched this way.
func (f *Found) Hop(id string) bool {
	if f.Exchange.Request == nil && f.Exchange.Response == nil {
		return false
	}
	if f.ID() == id {
		return true
	}
	for i, h := range f.hops {
		if h.ID() == id {
			f.Exchange, f.hops = h, f.hops[:i:i]
			f.frames, f.stream = nil, nil
			return true
		}
	}
	return false
}

// Body returns the whole body the arguments name ("response" or
// "request"), decoded, with its MIME type.
func (f *Found) Body(of string) (body []byte, mime string, err error) {
	switch of {
	case "", "response":
		if f.Response == nil {
			return nil, "", Invalid("this request has no response (yet), so no response body")
		}
		b, _ := decodedBody(f.Response)
		return b, f.Response.MimeType, nil
	case "request":
		if f.Request == nil {
			return nil, "", Invalid("this request was not recorded, only its response")
		}
		b, _ := decodedPostData(f.Request)
		ct := ""
		for k, v := range f.Request.Headers {
			if strings.EqualFold(k, "content-type") {
				ct = v
			}
		}
		return b, ct, nil
	}
	return nil, "", Invalid(sprintf("body must be response or request, not %q", of))
}

// requestQuery is what GetRequestArgs ask for, checked.
type requestQuery struct {
	of    string // the paged body: "response" or "request"
	limit int    // most frames or stream items
}

// CheckRequest checks the arguments of get_request that shape the
// result, so that a call with a wrong one is refused before it saves
// anything.
func CheckRequest(a api.GetRequestArgs) error {
	_, err := newRequestQuery(a)
	return err
}

func newRequestQuery(a api.GetRequestArgs) (requestQuery, error) {
	q := requestQuery{of: a.Body}
	switch q.of {
	case "":
		q.of = "response"
	case "response", "request":
	default:
		return q, Invalid(sprintf("body must be response or request, not %q", a.Body))
	}
	if a.BodyOffset < 0 {
		return q, Invalid("bodyOffset must not be negative")
	}
	if a.BodyLength != nil && *a.BodyLength < 1 {
		return q, Invalid("bodyLength must be at least 1")
	}
	var err error
	if q.limit, err = api.Items.Or(a.Limit); err != nil {
		return q, Invalid(err.Error())
	}
	if a.Offset < 0 {
		return q, Invalid("offset must not be negative")
	}
	return q, nil
}

// Request shapes one request for get_request within budget bytes of JSON:
// the records whole but for the paged body, whose part bodyOffset and
// bodyLength choose, and a page of frames or stream items.
func Request(f *Found, a api.GetRequestArgs, budget int) (api.RequestDetail, error) {
	q, err := newRequestQuery(a)
	if err != nil {
		return api.RequestDetail{}, err
	}
	out := api.RequestDetail{SessionID: a.SessionID}
	// The paged body is taken out first and put back, in part, last.
	paged, text := records(&out, f, q.of)
	if int64(len(paged)) < a.BodyOffset {
		return out, Invalid(sprintf("bodyOffset %d is past the end of the %s body (%d bytes)", a.BodyOffset, q.of, len(paged)))
	}
	// Items take what they need first (up to limit), the body the rest.
	room := budget - Size(out) - 200
	out.Items, _ = items(&out, f, a.Offset, q.limit, room/2+max(0, room/2-len(paged)))
	room = budget - Size(out) - 200
	if a.BodyOffset > 0 || len(paged) > 0 {
		page(&out, q.of, paged, text, a.BodyOffset, a.BodyLength, room, budget)
	}
	for _, n := range []int{squeezeBytes, 100, 0} {
		if Size(out) <= budget {
			break
		}
		squeezeDetail(&out, n)
	}
	return out, nil
}

// records copies f's request, response and redirect hops into out, the
// body of paged out of its record (returned, decoded) and the other one
// left out when large.
func records(out *api.RequestDetail, f *Found, of string) (paged []byte, text bool) {
	if f.Request != nil {
		r := *f.Request
		if of == "request" {
			paged, text = decodedPostData(&r)
			r.PostData, r.PostDataBase64 = "", ""
		} else if requestContent(&r) > StopContentBytes {
			omitRequest(&r)
		}
		out.Request = &r
	}
	if f.Response != nil {
		r := *f.Response
		if of == "response" {
			paged, text = decodedBody(&r)
			r.Body, r.BodyBase64 = "", ""
		} else if responseContent(&r) > StopContentBytes {
			omitResponse(&r)
		}
		out.Response = &r
	}
	for _, h := range f.hops {
		req, resp := exchangeCopy(h, StopContentBytes)
		hop := api.RedirectHop{Response: resp}
		if req != nil {
			hop.Request = *req
		} else {
			hop.Request = api.Request{RequestID: resp.RequestID, URL: resp.URL, Headers: map[string]string{}}
		}
		out.Redirects = append(out.Redirects, hop)
	}
	return paged, text
}

// squeezeDetail cuts the strings of every record of out (see
// squeezeRequest).
func squeezeDetail(out *api.RequestDetail, n int) {
	if out.Request != nil {
		squeezeRequest(out.Request, n)
	}
	if out.Response != nil {
		squeezeResponse(out.Response, n)
	}
	for i := range out.Redirects {
		squeezeRequest(&out.Redirects[i].Request, n)
		if out.Redirects[i].Response != nil {
			squeezeResponse(out.Redirects[i].Response, n)
		}
	}
}

// items pages a socket's frames or a stream's items into out within room
// bytes, and returns the page and the room left.
func items(out *api.RequestDetail, f *Found, offset, limit, room int) (*api.ItemPage, int) {
	switch {
	case len(f.frames) > 0:
		p := &api.ItemPage{Offset: offset, Total: len(f.frames)}
		out.WSFrames = pageItems(f.frames, p, limit, &room, omitFrame)
		return withNext(p), room
	case f.stream != nil:
		s := *f.stream
		s.Messages, s.Chunks = nil, nil
		room -= Size(s)
		var p *api.ItemPage
		if len(f.stream.Messages) > 0 {
			p = &api.ItemPage{Offset: offset, Total: len(f.stream.Messages)}
			s.Messages = pageItems(f.stream.Messages, p, limit, &room, func(m *api.StreamMessage) bool {
				had := m.Data != ""
				m.Data = ""
				return had
			})
		} else {
			p = &api.ItemPage{Offset: offset, Total: len(f.stream.Chunks)}
			s.Chunks = pageItems(f.stream.Chunks, p, limit, &room, func(c *api.StreamChunk) bool {
				had := c.Data+c.DataBase64 != ""
				c.Data, c.DataBase64 = "", ""
				return had
			})
		}
		s.ContentOmitted = p.ContentsOmitted > 0
		out.Stream = &s
		return withNext(p), room
	}
	return nil, room
}

// pageItems takes all[p.Offset:], at most limit, while they fit *room; an
// item too large on its own comes without its content (omit leaves it
// out and reports whether there was any). The first item always comes.
func pageItems[T any](all []T, p *api.ItemPage, limit int, room *int, omit func(*T) bool) []T {
	var out []T
	for i := p.Offset; i < len(all) && i < p.Offset+limit; i++ {
		it := all[i]
		n := Size(it) + 1
		if n > *room && omit(&it) {
			p.ContentsOmitted++
			n = Size(it) + 1
		}
		if n > *room && p.Returned > 0 {
			break
		}
		out = append(out, it)
		*room -= n
		p.Returned++
	}
	return out
}

func withNext(p *api.ItemPage) *api.ItemPage {
	if end := p.Offset + p.Returned; end < p.Total {
		p.NextOffset = &end
	}
	return p
}

// page puts the part of body from offset into out's request or response,
// as long as asked and as fits the room left.
func page(out *api.RequestDetail, of string, body []byte, text bool, offset int64, length *int64, room, budget int) {
	rest := body[offset:]
	n := int64(len(rest))
	if length != nil && *length < n {
		n = *length
	}
	// A first guess from the room, then shrink until the JSON fits: by
	// what each byte of this part costs once escaped, so that a body of
	// quotes or control characters still fills the result.
	guess := int64(room)
	if !text {
		guess = int64(room) * 3 / 4
	}
	n = min(n, max(guess, 0))
	bare := pageOf(out, of, body, nil, text, offset)
	for {
		part := cutBytes(rest, int(n), text)
		size := pageOf(out, of, body, part, text, offset)
		if size <= budget || len(part) == 0 {
			return
		}
		each := float64(size-bare) / float64(len(part))
		n = min(int64(float64(budget-bare)/each), int64(len(part))-1)
	}
}

// pageOf puts part, from offset of body, into out and returns out's size.
func pageOf(out *api.RequestDetail, of string, body, part []byte, text bool, offset int64) int {
	set(out, of, part, text)
	bp := &api.BodyPage{Of: of, Offset: offset, Length: int64(len(part)), Total: int64(len(body))}
	if end := offset + int64(len(part)); end < int64(len(body)) {
		bp.NextOffset = &end
	}
	out.BodyPage = bp
	return Size(*out)
}

func set(out *api.RequestDetail, of string, part []byte, text bool) {
	str, b64 := "", ""
	if text {
		str = string(part)
	} else {
		b64 = base64.StdEncoding.EncodeToString(part)
	}
	if of == "request" {
		out.Request.PostData, out.Request.PostDataBase64 = str, b64
		return
	}
	out.Response.Body, out.Response.BodyBase64 = str, b64
}
