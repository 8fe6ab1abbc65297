package redact

import (
	"sort"
	"strconv"

	"github.com/tabtap/tabtap/host/api"
)

// maxPlaces bounds the places a record names; past it the last entry is
// "more:N".
const maxPlaces = 64

// places collects the places of a record's hidden values, each once, in
// the order they are found (docs/records.md, "What was hidden").
type places struct {
	list []string
	more map[string]bool // places past maxPlaces
}

// newPlaces starts from what a record already says was hidden (a saved
// capture's records were scrubbed before).
func newPlaces(had []string) places {
	var p places
	for _, pl := range had {
		p.add(pl)
	}
	return p
}

func (p *places) add(place string) {
	for _, q := range p.list {
		if q == place {
			return
		}
	}
	if len(p.list) < maxPlaces {
		p.list = append(p.list, place)
		return
	}
	if p.more == nil {
		p.more = map[string]bool{}
	}
	p.more[place] = true
}

// done is the record's redacted list, nil when nothing was hidden.
func (p *places) done() []string {
	if len(p.more) > 0 {
		return append(p.list, "more:"+strconv.Itoa(len(p.more)))
	}
	return p.list
}

// url adds the places of a record's own URL and returns its text: the
// parameters by name, the password, and "url" for the rest.
func (p *places) url(s scrubbed) string {
	for _, h := range s.hits {
		switch h.kind {
		case spanParam:
			p.add("query:" + h.name)
		case spanPassword:
			p.add("url:password")
		default:
			p.add("url")
		}
	}
	return s.text
}

// field adds the place of another field of the record, by its JSON name.
func (p *places) field(name string, s scrubbed) string {
	if len(s.hits) > 0 {
		p.add("field:" + name)
	}
	return s.text
}

// in adds the places of a body or a payload: "body:$.path",
// "body:name", or "body" for what has no name.
func (p *places) in(where string, s scrubbed) string {
	for _, h := range s.hits {
		if h.name == "" {
			p.add(where)
		} else {
			p.add(where + ":" + h.name)
		}
	}
	return s.text
}

// header adds the places of one header: its cookies by name, or the
// header itself.
func (p *places) header(name string, hits []hit) {
	for _, h := range hits {
		switch {
		case h.kind == spanCookie && equalFold(name, "set-cookie"):
			p.add("set-cookie:" + h.name)
		case h.kind == spanCookie:
			p.add("cookie:" + h.name)
		default:
			p.add("header:" + name)
		}
	}
}

// blockedCookies scrubs the lines of the cookies the browser blocked.
func (sc *Scrubber) blockedCookies(bcs []api.BlockedCookie, setCookie bool, p *places) []api.BlockedCookie {
	if len(bcs) == 0 {
		return bcs
	}
	name := "cookie"
	if setCookie {
		name = "set-cookie"
	}
	out := make([]api.BlockedCookie, len(bcs))
	for i, bc := range bcs {
		out[i] = bc
		out[i].Reasons = append([]string(nil), bc.Reasons...)
		if bc.Line != "" {
			s := sc.header(name, bc.Line)
			p.header(name, s.hits)
			out[i].Line = s.text
		}
	}
	return out
}

// Request scrubs a copy of a request in place.
func (sc *Scrubber) Request(r *api.Request) {
	if sc == nil || r == nil {
		return
	}
	p := newPlaces(r.Redacted)
	ct := headerValue(r.Headers, "content-type")
	r.URL = p.url(sc.url(r.URL))
	r.Headers = sc.headers(r.Headers, &p)
	r.BlockedCookies = sc.blockedCookies(r.BlockedCookies, false, &p)
	r.PostData = p.in("body", sc.body(ct, kindOf(ct, ""), r.PostData))
	r.PostDataBase64 = p.in("body", sc.binary(r.PostDataBase64))
	r.DocumentURL = p.field("documentURL", sc.url(r.DocumentURL))
	r.RedirectedFrom = p.field("redirectedFrom", sc.url(r.RedirectedFrom))
	if r.Initiator != nil {
		if u := sc.url(r.Initiator.URL); u.text != r.Initiator.URL {
			in := *r.Initiator
			in.URL = p.field("initiator.url", u)
			r.Initiator = &in
		}
	}
	r.Redacted = p.done()
}

// Response scrubs a copy of a response in place.
func (sc *Scrubber) Response(r *api.Response) { sc.response(r, "") }

// response scrubs a response whose request's resource type is known
// ("Script", …) or empty.
func (sc *Scrubber) response(r *api.Response, resourceType string) {
	if sc == nil || r == nil {
		return
	}
	p := newPlaces(r.Redacted)
	ct := headerValue(r.Headers, "content-type")
	mt := r.MimeType
	if mt == "" {
		mt = ct
	}
	if ct == "" {
		ct = r.MimeType
	}
	r.URL = p.url(sc.url(r.URL))
	r.Headers = sc.headers(r.Headers, &p)
	if r.Revalidated != nil {
		cached := *r.Revalidated
		cached.Headers = sc.headers(cached.Headers, &p)
		r.Revalidated = &cached
	}
	r.BlockedCookies = sc.blockedCookies(r.BlockedCookies, true, &p)
	r.Body = p.in("body", sc.body(ct, kindOf(mt, resourceType), r.Body))
	r.BodyBase64 = p.in("body", sc.binary(r.BodyBase64))
	r.RedirectURL = p.field("redirectURL", sc.url(r.RedirectURL))
	r.ErrorText = p.field("errorText", sc.text(r.ErrorText))
	r.BodyError = p.field("bodyError", sc.text(r.BodyError))
	if r.WebSocket != nil && len(r.WebSocket.Errors) > 0 {
		ws := *r.WebSocket
		ws.Errors = append([]api.WebSocketError(nil), ws.Errors...)
		for i := range ws.Errors {
			ws.Errors[i].Message = p.field("webSocket.errors", sc.text(ws.Errors[i].Message))
		}
		r.WebSocket = &ws
	}
	r.Redacted = p.done()
}

// Frame scrubs a copy of a WebSocket frame in place.
func (sc *Scrubber) Frame(f *api.WSFrame) {
	if sc == nil || f == nil {
		return
	}
	p := newPlaces(f.Redacted)
	f.URL = p.url(sc.url(f.URL))
	if f.Binary {
		f.Payload = p.in("payload", sc.binary(f.Payload))
	} else {
		f.Payload = p.in("payload", sc.body("", data, f.Payload))
	}
	f.Redacted = p.done()
}

// Stream scrubs a copy of a streaming response in place.
func (sc *Scrubber) Stream(s *api.StreamingResponse) {
	if sc == nil || s == nil {
		return
	}
	p := newPlaces(s.Redacted)
	s.URL = p.url(sc.url(s.URL))
	if len(s.Messages) > 0 {
		ms := make([]api.StreamMessage, len(s.Messages))
		for i, m := range s.Messages {
			m.Data = p.in("body", sc.body("", data, m.Data))
			m.EventName = p.field("messages.eventName", sc.text(m.EventName))
			m.EventID = p.field("messages.eventId", sc.text(m.EventID))
			ms[i] = m
		}
		s.Messages = ms
	}
	if len(s.Chunks) > 0 {
		cs := make([]api.StreamChunk, len(s.Chunks))
		for i, c := range s.Chunks {
			c.Data = p.in("body", sc.body("", data, c.Data))
			c.DataBase64 = p.in("body", sc.binary(c.DataBase64))
			cs[i] = c
		}
		s.Chunks = cs
	}
	s.Redacted = p.done()
}

// Data scrubs every record of d in place. A response is read as its
// request's resource type says (a Script is code whatever its MIME type).
func (sc *Scrubber) Data(d *api.Data) {
	if sc == nil || d == nil {
		return
	}
	types := make(map[string]string, len(d.Requests))
	for i := range d.Requests {
		types[d.Requests[i].RequestID] = d.Requests[i].ResourceType
		sc.Request(&d.Requests[i])
	}
	for i := range d.Responses {
		sc.response(&d.Responses[i], types[d.Responses[i].RequestID])
	}
	for i := range d.WSFrames {
		sc.Frame(&d.WSFrames[i])
	}
	for i := range d.StreamingResponses {
		sc.Stream(&d.StreamingResponses[i])
	}
}

// Tally counts what was hidden in scrubbed records: how many records had
// something hidden, and in how many records each place was, the most
// frequent places first up to maxPlaces (the rest counted apart). It is
// nil when nothing was hidden.
func Tally(d *api.Data) *api.Redactions {
	if d == nil {
		return nil
	}
	count := map[string]int{}
	records := 0
	add := func(places []string) {
		if len(places) == 0 {
			return
		}
		records++
		for _, pl := range places {
			count[pl]++
		}
	}
	for i := range d.Requests {
		add(d.Requests[i].Redacted)
	}
	for i := range d.Responses {
		add(d.Responses[i].Redacted)
	}
	for i := range d.WSFrames {
		add(d.WSFrames[i].Redacted)
	}
	for i := range d.StreamingResponses {
		add(d.StreamingResponses[i].Redacted)
	}
	if records == 0 {
		return nil
	}
	names := make([]string, 0, len(count))
	for pl := range count {
		names = append(names, pl)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := count[names[i]], count[names[j]]
		return a > b || a == b && names[i] < names[j]
	})
	t := &api.Redactions{Records: records, Places: map[string]int{}}
	for i, pl := range names {
		if i < maxPlaces {
			t.Places[pl] = count[pl]
		} else {
			t.OtherPlaces += count[pl]
		}
	}
	return t
}
