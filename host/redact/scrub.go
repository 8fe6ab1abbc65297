package redact

import (
	"cmp"
	"encoding/base64"
	"slices"
	"sort"
	"strings"
	"sync"
	"unsafe"
)

// Scrubber hides secrets in records: by the rules of names and places, and
// every value its Set had learned when it was made. What it hides never
// changes (it only remembers what it already scrubbed). The nil Scrubber
// changes nothing (redaction is off).
//
// Its record methods (records.go) scrub a copy in place and say in the
// record's Redacted where they hid something. They replace, never write
// through, the copy's maps, pointers and slices, so a shallow copy of a
// record the engine still holds is safe to scrub.
type Scrubber struct {
	m     *matcher
	cache *contentCache // nil for Pattern
}

// Pattern is the Scrubber of the rules by name only, for text outside any
// capture (a tab's URL, say).
var Pattern = &Scrubber{}

// scrubbed is a text with its secrets hidden, and what was hidden in it.
type scrubbed struct {
	text string
	hits []hit
}

// hit is one hidden value's place in a text: what found it and its name.
type hit struct {
	kind spanKind
	name string
}

// contentCache remembers the scrubbed form of large contents, so that a
// body read again (a second page, another stop, a download) is scrubbed
// once for each set of learned values: the cache goes with its Scrubber
// when the Set learns a value. Keys are the contents' own bytes, which a
// capture never changes; entries are bounded.
type contentCache struct {
	mu      sync.Mutex
	entries map[contentKey]scrubbed
	copies  int // bytes of scrubbed copies held (unchanged contents cost none)
}

type contentKey struct {
	p    *byte
	n    int
	how  string // the content type, or what the content is
	kind contentKind
}

// Bounds of a contentCache.
const (
	cacheMinLen  = 4 << 10   // smaller contents are scrubbed each time
	cacheEntries = 1 << 16   // most contents remembered
	cacheCopies  = 256 << 20 // most bytes of changed contents held
)

// cached returns f(s), remembered under how and kind for large s.
func (sc *Scrubber) cached(how string, kind contentKind, s string, f func(string) scrubbed) scrubbed {
	c := sc.cache
	if c == nil || len(s) < cacheMinLen {
		return f(s)
	}
	key := contentKey{unsafe.StringData(s), len(s), how, kind}
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
	if v.text != s {
		changed = len(v.text)
	}
	if len(c.entries) < cacheEntries && c.copies+changed <= cacheCopies {
		c.entries[key] = v
		c.copies += changed
	}
	return v
}

// apply replaces every span of text by Redacted, overlapping spans
// merged, and names what it hid: for each merged run of spans, the first
// one with a name, else the first.
func apply(text string, spans []span) scrubbed {
	if len(spans) == 0 {
		return scrubbed{text: text}
	}
	slices.SortStableFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	var b strings.Builder
	b.Grow(len(text))
	var hits []hit
	at, group := 0, -1
	for _, sp := range spans {
		if sp.end <= at && group >= 0 {
			if hits[group].name == "" && sp.name != "" {
				hits[group] = hit{sp.kind, sp.name}
			}
			continue // inside the last redaction
		}
		if sp.start >= at {
			b.WriteString(text[at:sp.start])
			b.WriteString(Redacted)
			hits = append(hits, hit{sp.kind, sp.name})
			group = len(hits) - 1
		} else if hits[group].name == "" && sp.name != "" {
			// It overlaps the last redaction, which grows.
			hits[group] = hit{sp.kind, sp.name}
		}
		at = sp.end
	}
	b.WriteString(text[at:])
	return scrubbed{text: b.String(), hits: hits}
}

// URL hides the secret parameters (query, fragment, and URLs encoded in
// them) and the password of a URL, by the rules of names only.
func URL(u string) string { return Pattern.URL(u) }

// URL hides the secrets of a URL: its password, its secret parameters,
// learned values and known token formats.
func (sc *Scrubber) URL(u string) string { return sc.url(u).text }

func (sc *Scrubber) url(u string) scrubbed {
	if sc == nil || u == "" {
		return scrubbed{text: u}
	}
	return sc.cached("\x00url", data, u, func(u string) scrubbed {
		spans := urlSpans(u, nil)
		spans = sc.m.spans(u, tokens, spans)
		return apply(u, formatSpans(u, spans))
	})
}

// Text hides the learned values and known token formats in a text that
// has no structure to go by (an error message, an event's name).
func (sc *Scrubber) Text(s string) string { return sc.text(s).text }

func (sc *Scrubber) text(s string) scrubbed {
	if sc == nil || s == "" {
		return scrubbed{text: s}
	}
	return apply(s, formatSpans(s, sc.m.spans(s, tokens, nil)))
}

// Body hides the secrets of a text body served as contentType (which may
// be empty), read as its type says (see kindOf): in data, secret fields
// by name (forms, JSON, multipart, key: "value"), secret URL parameters,
// learned values and known token formats; in HTML, secret inputs and
// meta tags, URL parameters, learned values and token formats; in
// scripts and styles, only confident learned values and token formats.
func (sc *Scrubber) Body(contentType, body string) string {
	return sc.body(contentType, kindOf(contentType, ""), body).text
}

func (sc *Scrubber) body(contentType string, k contentKind, body string) scrubbed {
	if sc == nil || body == "" {
		return scrubbed{text: body}
	}
	return sc.cached(contentType, k, body, func(body string) scrubbed {
		var spans []span
		json := false
		switch k {
		case code:
			spans = sc.m.spans(body, confidentTokens, nil)
		case markup:
			spans = htmlSpans(body, nil)
			spans = paramSpans(body, false, spans)
			spans = sc.m.spans(body, tokens, spans)
		default:
			spans, json = dataSpans(contentType, body, nil)
			spans = sc.m.spans(body, tokens, spans)
		}
		spans = formatSpans(body, spans)
		if len(spans) == 0 {
			return scrubbed{text: body}
		}
		if json {
			slices.SortStableFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
			nameByPath(body, spans)
		}
		return apply(body, spans)
	})
}

// Base64 hides the learned values and known token formats in binary
// content given as base64: each is overwritten in the decoded bytes with
// a mask of its length, so that the binary format stays intact. Content
// that is not valid base64 is left as it is.
func (sc *Scrubber) Base64(b64 string) string { return sc.binary(b64).text }

func (sc *Scrubber) binary(b64 string) scrubbed {
	if sc == nil || b64 == "" {
		return scrubbed{text: b64}
	}
	return sc.cached("\x00base64", data, b64, func(b64 string) scrubbed {
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return scrubbed{text: b64}
		}
		s := stringOf(raw) // raw is ours and never changes
		var spans []span
		for i, n := sc.m.next(s, 0, anywhere); i >= 0; i, n = sc.m.next(s, i+n, anywhere) {
			spans = append(spans, span{start: i, end: i + n, kind: spanValue})
		}
		spans = formatSpans(s, spans)
		if len(spans) == 0 {
			return scrubbed{text: b64}
		}
		sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
		at := 0
		for _, sp := range spans {
			if sp.start < at {
				continue
			}
			if n := sp.end - sp.start; n >= 2 {
				copy(raw[sp.start:sp.end], mask(n))
			}
			at = sp.end
		}
		return scrubbed{text: base64.StdEncoding.EncodeToString(raw), hits: []hit{{kind: spanValue}}}
	})
}

// Header hides the secret of one header value: the credentials of
// Authorization (its scheme stays), the values of cookies that could be
// secrets (their names and attributes stay), the whole value of a header
// named like a secret unless it is a word or a number (X-CSRF-Token:
// Fetch stays), and in any other header the secret parameters of its
// URLs, learned values and known token formats. Ordinary headers
// (Sec-Fetch-*, Accept*, Content-*, User-Agent, Cache-Control, …) are
// never changed.
func (sc *Scrubber) Header(name, v string) string { return sc.header(name, v).text }

func (sc *Scrubber) header(name, v string) scrubbed {
	if sc == nil || v == "" {
		return scrubbed{text: v}
	}
	var spans []span
	switch {
	case equalFold(name, "cookie"):
		spans = sc.m.spans(v, tokens, cookieSpans(v, false, nil))
	case equalFold(name, "set-cookie"):
		spans = sc.m.spans(v, tokens, cookieSpans(v, true, nil))
	case isAuthorization(name):
		spans = credentialSpan(v, nil)
	case ordinaryHeader(name):
		return scrubbed{text: v}
	default:
		if st := headerStrength(name); st != notSecret {
			if hides(v, st) {
				return scrubbed{text: Redacted, hits: []hit{{kind: spanField}}}
			}
			return scrubbed{text: v}
		}
		spans = paramSpans(v, false, nil)
		spans = sc.m.spans(v, tokens, spans)
		spans = formatSpans(v, spans)
	}
	return apply(v, spans)
}

// Headers returns a header map with every value scrubbed; names stay. It
// is h itself when nothing had to be hidden, else a new map.
func (sc *Scrubber) Headers(h map[string]string) map[string]string {
	var p places
	return sc.headers(h, &p)
}

// headers scrubs a header map, adding to p what it hid, by header name.
func (sc *Scrubber) headers(h map[string]string, p *places) map[string]string {
	if sc == nil || h == nil {
		return h
	}
	var out map[string]string
	var names []string
	found := map[string][]hit{}
	for k, v := range h {
		s := sc.header(k, v)
		if s.text == v {
			continue
		}
		if out == nil {
			out = make(map[string]string, len(h))
			for k2, v2 := range h {
				out[k2] = v2
			}
		}
		out[k] = s.text
		names = append(names, k)
		found[k] = s.hits
	}
	if out == nil {
		return h
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := lowerASCII(names[i]), lowerASCII(names[j])
		return a < b || a == b && names[i] < names[j]
	})
	for _, k := range names {
		p.header(k, found[k])
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
