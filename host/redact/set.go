package redact

import (
	"encoding/base64"
	"mime"
	"net/url"
	"strings"
	"sync"
)

// Bounds on what a Set learns: past them new values are counted in
// Skipped and not learned (they are still hidden where their name shows
// them).
const (
	// MinValueLen is the shortest value learned: shorter ones ("1", "true",
	// "en-US") would be scrubbed from everything they happen to be part of.
	MinValueLen = window
	// MaxValueLen is the longest value learned.
	MaxValueLen = 4096
	// MaxValues bounds how many values a Set holds.
	MaxValues = 8192
)

// commonValues are never learned: placeholders and words, not secrets.
var commonValues = map[string]bool{
	"undefined": true, "null": true, "true": true, "false": true, "anonymous": true, "password": true,
	"bearer": true, "basic": true, "deleted": true, "redacted": true, "localhost": true,
}

// Set holds the values a capture learned as secrets. It is safe for
// concurrent use. The nil Set learns nothing; its Scrubber applies the
// rules by name only.
type Set struct {
	mu      sync.Mutex
	seen    map[string]bool
	values  []string
	skipped int
	sc      *Scrubber // cached until a value is learned
}

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
// percent-encoded forms. Values too short, too long, common, holding
// spaces, or holding '[', ']' or '*' (which masks are made of) are not
// learned.
func (s *Set) Learn(v string) { s.learn(v, strong, false) }

// learnable reports whether a value of strength st is worth learning.
func learnable(v string, st strength) bool {
	if len(v) < MinValueLen || len(v) > MaxValueLen || commonValues[strings.ToLower(v)] {
		return false
	}
	distinct := map[byte]bool{}
	letters, digits := false, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c <= ' ' || c == '[' || c == ']' || c == '*' || c == 0x7f:
			return false
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			letters = true
		case '0' <= c && c <= '9':
			digits = true
		}
		if len(distinct) < 6 {
			distinct[c] = true
		}
	}
	if len(distinct) < 4 {
		return false
	}
	if st == strong {
		return true
	}
	// A weak name or a cookie: only what looks like a token (letters and
	// digits, base64 or hex, no URL, no words).
	if len(v) < 10 || !letters || !digits || strings.Contains(v, "://") {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._~+/=-%:|", c) >= 0) {
			return false
		}
	}
	return true
}

func (s *Set) learn(v string, st strength, urlEncoded bool) {
	if s == nil || !learnable(v, st) {
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
	for _, f := range forms {
		if s.seen[f] || !learnable(f, strong) {
			continue
		}
		if len(s.values) >= MaxValues {
			s.skipped++
			continue
		}
		if s.seen == nil {
			s.seen = map[string]bool{}
		}
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

// LearnURL learns the secret parameters and password of a URL.
func (s *Set) LearnURL(u string) {
	if s == nil || u == "" {
		return
	}
	s.learnSpans(u, urlSpans(u, nil))
}

// LearnHeaders learns the secrets of a header map: the values of secret
// headers, the credentials of Authorization, cookie values that look like
// tokens, and secret parameters of URL-valued headers.
func (s *Set) LearnHeaders(h map[string]string) {
	if s == nil {
		return
	}
	for k, v := range h {
		s.LearnHeader(k, v)
	}
}

// LearnHeader learns the secrets of one header, as LearnHeaders does.
func (s *Set) LearnHeader(name, v string) {
	if s == nil || v == "" || v == Redacted {
		return
	}
	switch {
	case equalFold(name, "cookie"):
		s.learnSpans(v, cookieSpans(v, false, nil))
	case equalFold(name, "set-cookie"):
		s.learnSpans(v, cookieSpans(v, true, nil))
	case equalFold(name, "authorization") || equalFold(name, "proxy-authorization"):
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
	default:
		if st := headerStrength(name); st != notSecret {
			for _, line := range strings.Split(v, "\n") {
				s.learn(strings.TrimSpace(line), st, false)
			}
			return
		}
		s.learnSpans(v, paramSpans(v, false, nil))
	}
}

// LearnBody learns the secret fields of a text body (request or
// response, frame payload, stream data). contentType may be empty.
func (s *Set) LearnBody(contentType, body string) {
	if s == nil || body == "" {
		return
	}
	s.learnSpans(body, textSpans(body, isForm(contentType, body), nil))
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
		s.sc = &Scrubber{m: newMatcher(s.values), cache: &contentCache{entries: map[contentKey]string{}}}
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
