package redact

import (
	"encoding/base64"
	"mime"
	"net/url"
	"strings"
	"sync"
)

// Set holds the values a capture learned as secrets. It is safe for
// concurrent use. The nil Set learns nothing; its Scrubber applies the
// rules by name only.
//
// A Set learns only where credentials live: credential and cookie headers
// (Set-Cookie too), secret URL parameters, and secret fields of request
// bodies and of API responses (JSON, forms, text, frames) — never from
// scripts, styles or HTML pages, whose names say nothing of their values.
// A value is learned only when it looks like a secret (see learnable).
type Set struct {
	mu      sync.Mutex
	seen    map[string]bool
	values  []string
	skipped int
	sc      *Scrubber // cached until a value is learned
	// headers remembers how each header name is learned from, so that the
	// headers of every event cost a lookup.
	headers sync.Map // name → headerClass
	named   int      // entries in headers, bounded by maxHeaderNames
}

// maxHeaderNames bounds the header names a Set remembers.
const maxHeaderNames = 1024

// NewSet returns an empty Set.
func NewSet() *Set { return &Set{seen: map[string]bool{}} }

// Len is how many values the Set holds.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.values)
}

// Skipped counts values not learned because the Set was full.
func (s *Set) Skipped() int {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.skipped
}

// Contains reports whether v was learned as a secret.
func (s *Set) Contains(v string) bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[v]
}

// Values returns the learned values, in the order they were learned.
func (s *Set) Values() []string {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.values...)
}

// Learn adds a value known to be a secret, with its percent-decoded and
// percent-encoded forms, when it looks like one (see learnable).
func (s *Set) Learn(v string) { s.learn(v, strong, false) }

func (s *Set) learn(v string, st strength, urlEncoded bool) {
	if s == nil || len(v) < MinValueLen || len(v) > MaxValueLen {
		return
	}
	// Most values come again (a session's cookie and token are on every
	// request): those cost a lookup.
	s.mu.Lock()
	known := s.seen[v]
	s.mu.Unlock()
	if known || !learnable(v, st) {
		return
	}
	forms := []string{v}
	if urlEncoded || strings.Contains(v, "%") {
		if d, err := url.QueryUnescape(v); err == nil && d != v {
			forms = append(forms, d)
		}
	}
	if strings.Contains(v, `\/`) {
		forms = append(forms, strings.ReplaceAll(v, `\/`, `/`))
	}
	if e := url.QueryEscape(forms[len(forms)-1]); e != forms[len(forms)-1] && e != v {
		forms = append(forms, e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range forms {
		if s.seen[f] || i > 0 && !learnable(f, strong) {
			continue
		}
		if len(s.values) >= MaxValues {
			s.skipped++
			continue
		}
		if s.seen == nil {
			s.seen = map[string]bool{}
		}
		f = strings.Clone(f) // a value of the text it was learned from, which may be a view of bytes that change later
		s.seen[f] = true
		s.values = append(s.values, f)
		s.sc = nil
	}
}

func (s *Set) learnSpans(text string, spans []span) {
	for _, sp := range spans {
		s.learn(text[sp.start:sp.end], sp.s, sp.urlEncoded)
	}
}

// LearnURL learns the secret parameters and the password of a URL.
func (s *Set) LearnURL(u string) {
	if s == nil || u == "" {
		return
	}
	s.learnSpans(u, urlSpans(u, nil))
}

// LearnHeaders learns the secrets of a header map, as LearnHeader does.
func (s *Set) LearnHeaders(h map[string]string) {
	if s == nil {
		return
	}
	for k, v := range h {
		s.LearnHeader(k, v)
	}
}

// headerClass says what a header teaches.
type headerClass uint8

const (
	// nothing: an ordinary header, which holds no credential.
	learnsNothing headerClass = iota
	learnsCookie
	learnsSetCookie
	learnsCredentials // Authorization
	learnsWeakValue   // a header named like a weak secret (…-Signature)
	learnsValue       // a header named like a secret (X-Api-Key, X-CSRF-Token)
	learnsParams      // any other: the secret parameters of the URLs it holds
)

// knownHeaders are the classes of the headers every request and response
// has, as browsers and servers spell them.
var knownHeaders = map[string]headerClass{}

func init() {
	for name := range ordinaryNames {
		knownHeaders[name] = learnsNothing
		knownHeaders[canonical(name)] = learnsNothing
	}
	for _, name := range []string{
		"accept", "accept-encoding", "accept-language", "accept-ranges", "content-type", "content-length",
		"content-encoding", "content-language", "content-security-policy", "content-disposition",
		"sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest", "sec-fetch-user", "sec-ch-ua", "sec-ch-ua-mobile",
		"sec-ch-ua-platform", "access-control-allow-origin", "access-control-allow-methods",
		"access-control-allow-headers", "access-control-allow-credentials", "access-control-expose-headers",
		"access-control-max-age", "access-control-request-method", "access-control-request-headers",
		"cross-origin-opener-policy", "cross-origin-embedder-policy", "cross-origin-resource-policy",
	} {
		knownHeaders[name] = learnsNothing
		knownHeaders[canonical(name)] = learnsNothing
	}
	for name, c := range map[string]headerClass{"cookie": learnsCookie, "set-cookie": learnsSetCookie, "authorization": learnsCredentials} {
		knownHeaders[name] = c
		knownHeaders[canonical(name)] = c
	}
}

// canonical spells a header name as HTTP/1.1 servers do: Sec-Fetch-Site.
func canonical(name string) string {
	b := []byte(name)
	up := true
	for i, c := range b {
		if up && 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '-'
	}
	return string(b)
}

// classOf says what a header of this name teaches, remembered per name.
func (s *Set) classOf(name string) headerClass {
	if c, ok := knownHeaders[name]; ok {
		return c
	}
	if c, ok := s.headers.Load(name); ok {
		return c.(headerClass)
	}
	var c headerClass
	switch {
	case equalFold(name, "cookie"):
		c = learnsCookie
	case equalFold(name, "set-cookie"):
		c = learnsSetCookie
	case isAuthorization(name):
		c = learnsCredentials
	case ordinaryHeader(name):
		c = learnsNothing
	default:
		switch headerStrength(name) {
		case notSecret:
			c = learnsParams
		case weak:
			c = learnsWeakValue
		default:
			c = learnsValue
		}
	}
	s.mu.Lock()
	if s.named < maxHeaderNames {
		s.named++
		s.headers.Store(name, c)
	}
	s.mu.Unlock()
	return c
}

// LearnHeader learns the secrets of one header: the credentials of
// Authorization (and a Basic password), cookie values that look like
// secrets (in Cookie and Set-Cookie), the value of a header named like a
// secret, and the secret parameters of a URL in any other header but the
// ordinary ones.
func (s *Set) LearnHeader(name, v string) {
	if s == nil || v == "" || v == Redacted {
		return
	}
	switch c := s.classOf(name); c {
	case learnsNothing:
	case learnsCookie:
		s.learnSpans(v, cookieSpans(v, false, nil))
	case learnsSetCookie:
		s.learnSpans(v, cookieSpans(v, true, nil))
	case learnsCredentials:
		for _, sp := range credentialSpan(v, nil) {
			cred := v[sp.start:sp.end]
			s.learn(cred, strong, false)
			if scheme, _, _ := strings.Cut(v, " "); equalFold(scheme, "basic") {
				if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
					s.learn(string(dec), strong, false)
					if _, pass, ok := strings.Cut(string(dec), ":"); ok {
						s.learn(pass, strong, false)
					}
				}
			}
		}
	case learnsValue, learnsWeakValue:
		st := strong
		if c == learnsWeakValue {
			st = weak
		}
		for _, line := range strings.Split(v, "\n") {
			s.learn(strings.TrimSpace(line), st, false)
		}
	case learnsParams:
		if strings.ContainsAny(v, "?#&%") {
			s.learnSpans(v, paramSpans(v, false, nil))
		}
	}
}

// LearnBody learns the secret fields of a text body (a request's, a
// response's, a frame's payload, a stream's data) served as contentType,
// which may be empty: the fields of a form, a JSON document, a multipart
// body or key: "value" text, and the secret parameters of the URLs in it.
// Scripts, styles and HTML teach nothing. The Set keeps no reference to
// body: a view of bytes that change once LearnBody returns will do.
func (s *Set) LearnBody(contentType, body string) {
	if s == nil || body == "" || !kindOf(contentType, "").learnsFrom() {
		return
	}
	spans, _ := dataSpans(contentType, body, nil)
	s.learnSpans(body, spans)
}

// Scrubber returns the scrubber for what the Set knows now, built once
// and cached until the Set learns a new value.
func (s *Set) Scrubber() *Scrubber {
	if s == nil {
		return &Scrubber{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sc == nil {
		s.sc = &Scrubber{m: newMatcher(s.values), cache: &contentCache{entries: map[contentKey]scrubbed{}}}
	}
	return s.sc
}

// isForm reports whether a body is a URL-encoded form: by its content
// type, or, without one, by its look (one line of name=value pairs).
func isForm(contentType, body string) bool {
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err == nil {
			return mt == "application/x-www-form-urlencoded"
		}
	}
	if len(body) > 64<<10 || !strings.Contains(body, "=") {
		return false
	}
	for i := 0; i < len(body); i++ {
		switch c := body[i]; c {
		case ' ', '\n', '\r', '\t', '{', '[', '<', '"':
			return false
		}
	}
	return true
}

// dataSpans finds the secret fields of a data body: a form's, a JSON
// document's (named by their paths; json is then true), or else those of
// multipart parts and key: "value" text; and the secret parameters of the
// URLs in it (in JSON, named by the path of the string that holds them).
func dataSpans(contentType, text string, out []span) (spans []span, json bool) {
	if isForm(contentType, text) {
		return paramSpans(text, true, out), false
	}
	if strings.Contains(text, "form-data;") {
		out = multipartSpans(text, out)
	}
	if js, ok := jsonSpans(text, out); ok {
		out, json = js, true
	} else {
		out = fieldSpans(text, out)
	}
	before := len(out)
	out = paramSpans(text, false, out)
	if json {
		for i := before; i < len(out); i++ {
			out[i].name = ""
		}
	}
	return out, json
}
