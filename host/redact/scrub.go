package redact

import (
	"encoding/base64"
	"sync"
	"unsafe"

	"github.com/tabtap/tabtap/host/api"
)

// Scrubber hides secrets in records: by the rules of names and places, and
// every value its Set had learned when it was made. What it hides never
// changes (it only remembers what it already scrubbed). The nil Scrubber
// changes nothing (redaction is off).
//
// Its record methods scrub a copy in place. They replace, never write
// through, the copy's maps, pointers and slices (Headers, Initiator,
// BlockedCookies, Messages, Chunks), so a shallow copy of a record the
// engine still holds is safe to scrub.
type Scrubber struct {
	m     *matcher
	cache *contentCache // nil for Pattern
}

// contentCache remembers the scrubbed form of large contents, so that a
// body read again (a second page, another stop, a download) is scrubbed
// once for each set of learned values: the cache goes with its Scrubber
// when the Set learns a value. Keys are the contents' own bytes, which a
// capture never changes; entries are bounded.
type contentCache struct {
	mu      sync.Mutex
	entries map[contentKey]string
	copies  int // bytes of scrubbed copies held (unchanged contents cost none)
}

type contentKey struct {
	p    *byte
	n    int
	kind string
}

// Bounds of a contentCache.
const (
	cacheMinLen  = 4 << 10   // smaller contents are scrubbed each time
	cacheEntries = 1 << 16   // most contents remembered
	cacheCopies  = 256 << 20 // most bytes of changed contents held
)

// cached returns f(s), remembered under kind for large s.
func (sc *Scrubber) cached(kind, s string, f func(string) string) string {
	c := sc.cache
	if c == nil || len(s) < cacheMinLen {
		return f(s)
	}
	key := contentKey{unsafe.StringData(s), len(s), kind}
	c.mu.Lock()
	v, ok := c.entries[key]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = f(s)
	c.mu.Lock()
	defer c.mu.Unlock()
	changed := 0
	if v != s {
		changed = len(v)
	}
	if len(c.entries) < cacheEntries && c.copies+changed <= cacheCopies {
		c.entries[key] = v
		c.copies += changed
	}
	return v
}

// Pattern is the Scrubber of the rules by name only, for text outside any
// capture (a tab's URL, say).
var Pattern = &Scrubber{}

// URL hides the secret parameters (query, fragment, and URLs encoded in
// them) and the password of a URL, and the learned values in it.
func URL(u string) string { return Pattern.URL(u) }

// URL hides the secrets of a URL.
func (sc *Scrubber) URL(u string) string {
	if sc == nil || u == "" {
		return u
	}
	return sc.m.replace(replaceSpans(u, urlSpans(u, nil)), false)
}

// Text hides the learned values in a text that has no structure to go by
// (an error message, an event's name).
func (sc *Scrubber) Text(s string) string {
	if sc == nil {
		return s
	}
	return sc.m.replace(s, false)
}

// Body hides the secrets of a text body: secret fields of a form (when
// contentType says form, or the body looks like one), of JSON and
// JavaScript objects, of HTML inputs and of multipart parts, secret
// parameters of the URLs in it, and the learned values. contentType may be
// empty.
func (sc *Scrubber) Body(contentType, body string) string {
	if sc == nil || body == "" {
		return body
	}
	return sc.cached(contentType, body, func(body string) string {
		return sc.m.replace(replaceSpans(body, textSpans(body, isForm(contentType, body), nil)), false)
	})
}

// Base64 hides the learned values in binary content given as base64:
// each is overwritten in the decoded bytes with a mask of its length, so
// that the binary format stays intact. Content that is not valid base64 is
// left as it is.
func (sc *Scrubber) Base64(b64 string) string {
	if sc == nil || sc.m == nil || b64 == "" {
		return b64
	}
	return sc.cached("\x00base64", b64, sc.base64)
}

func (sc *Scrubber) base64(b64 string) string {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return b64
	}
	s := stringOf(raw) // raw is ours and never changes
	out := sc.m.replace(s, true)
	if out == s {
		return b64
	}
	return base64.StdEncoding.EncodeToString([]byte(out))
}

// Header hides the secret of one header value: the whole value of a
// secret header, the credentials of Authorization (its scheme stays), the
// values of cookies (their names and attributes stay), secret parameters
// of URLs in any other header, and the learned values.
func (sc *Scrubber) Header(name, v string) string {
	if sc == nil || v == "" {
		return v
	}
	var spans []span
	switch {
	case equalFold(name, "cookie"):
		spans = cookieSpans(v, false, nil)
	case equalFold(name, "set-cookie"):
		spans = cookieSpans(v, true, nil)
	case equalFold(name, "authorization") || equalFold(name, "proxy-authorization"):
		spans = credentialSpan(v, nil)
	case headerStrength(name) != notSecret:
		return Redacted
	default:
		spans = paramSpans(v, false, nil)
	}
	return sc.m.replace(replaceSpans(v, spans), false)
}

// Headers returns a header map with every value scrubbed; names stay. It
// is h itself when nothing had to be hidden, else a new map.
func (sc *Scrubber) Headers(h map[string]string) map[string]string {
	if sc == nil || h == nil {
		return h
	}
	var out map[string]string
	for k, v := range h {
		s := sc.Header(k, v)
		if s == v {
			continue
		}
		if out == nil {
			out = make(map[string]string, len(h))
			for k2, v2 := range h {
				out[k2] = v2
			}
		}
		out[k] = s
	}
	if out == nil {
		return h
	}
	return out
}

func (sc *Scrubber) blockedCookies(bcs []api.BlockedCookie, setCookie bool) []api.BlockedCookie {
	if len(bcs) == 0 {
		return bcs
	}
	out := make([]api.BlockedCookie, len(bcs))
	for i, bc := range bcs {
		out[i] = bc
		out[i].Reasons = append([]string(nil), bc.Reasons...)
		if bc.Line != "" {
			name := "cookie"
			if setCookie {
				name = "set-cookie"
			}
			out[i].Line = sc.Header(name, bc.Line)
		}
	}
	return out
}

// headerValue finds a header by name, whatever its case.
func headerValue(h map[string]string, name string) string {
	for k, v := range h {
		if equalFold(k, name) {
			return v
		}
	}
	return ""
}

// Request scrubs a copy of a request in place.
func (sc *Scrubber) Request(r *api.Request) {
	if sc == nil || r == nil {
		return
	}
	ct := headerValue(r.Headers, "content-type")
	r.URL = sc.URL(r.URL)
	r.DocumentURL = sc.URL(r.DocumentURL)
	r.RedirectedFrom = sc.URL(r.RedirectedFrom)
	r.Headers = sc.Headers(r.Headers)
	r.PostData = sc.Body(ct, r.PostData)
	r.PostDataBase64 = sc.Base64(r.PostDataBase64)
	if r.Initiator != nil {
		if u := sc.URL(r.Initiator.URL); u != r.Initiator.URL {
			in := *r.Initiator
			in.URL = u
			r.Initiator = &in
		}
	}
	r.BlockedCookies = sc.blockedCookies(r.BlockedCookies, false)
}

// Response scrubs a copy of a response in place.
func (sc *Scrubber) Response(r *api.Response) {
	if sc == nil || r == nil {
		return
	}
	ct := headerValue(r.Headers, "content-type")
	if ct == "" {
		ct = r.MimeType
	}
	r.URL = sc.URL(r.URL)
	r.RedirectURL = sc.URL(r.RedirectURL)
	r.Headers = sc.Headers(r.Headers)
	r.Body = sc.Body(ct, r.Body)
	r.BodyBase64 = sc.Base64(r.BodyBase64)
	r.ErrorText = sc.Text(r.ErrorText)
	r.BodyError = sc.Text(r.BodyError)
	r.BlockedCookies = sc.blockedCookies(r.BlockedCookies, true)
	if r.WebSocket != nil && len(r.WebSocket.Errors) > 0 {
		ws := *r.WebSocket
		ws.Errors = append([]api.WebSocketError(nil), ws.Errors...)
		for i := range ws.Errors {
			ws.Errors[i].Message = sc.Text(ws.Errors[i].Message)
		}
		r.WebSocket = &ws
	}
}

// Frame scrubs a copy of a WebSocket frame in place.
func (sc *Scrubber) Frame(f *api.WSFrame) {
	if sc == nil || f == nil {
		return
	}
	f.URL = sc.URL(f.URL)
	if f.Binary {
		f.Payload = sc.Base64(f.Payload)
	} else {
		f.Payload = sc.Body("", f.Payload)
	}
}

// Stream scrubs a copy of a streaming response in place.
func (sc *Scrubber) Stream(s *api.StreamingResponse) {
	if sc == nil || s == nil {
		return
	}
	s.URL = sc.URL(s.URL)
	if len(s.Messages) > 0 {
		ms := make([]api.StreamMessage, len(s.Messages))
		for i, m := range s.Messages {
			m.Data = sc.Body("", m.Data)
			m.EventName = sc.Text(m.EventName)
			m.EventID = sc.Text(m.EventID)
			ms[i] = m
		}
		s.Messages = ms
	}
	if len(s.Chunks) > 0 {
		cs := make([]api.StreamChunk, len(s.Chunks))
		for i, c := range s.Chunks {
			c.Data = sc.Body("", c.Data)
			c.DataBase64 = sc.Base64(c.DataBase64)
			cs[i] = c
		}
		s.Chunks = cs
	}
}

// Data scrubs every record of d in place.
func (sc *Scrubber) Data(d *api.Data) {
	if sc == nil || d == nil {
		return
	}
	for i := range d.Requests {
		sc.Request(&d.Requests[i])
	}
	for i := range d.Responses {
		sc.Response(&d.Responses[i])
	}
	for i := range d.WSFrames {
		sc.Frame(&d.WSFrames[i])
	}
	for i := range d.StreamingResponses {
		sc.Stream(&d.StreamingResponses[i])
	}
}
