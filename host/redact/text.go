package redact

import (
	"strings"
)

// span is the place of one secret value in a text.
type span struct {
	start, end int
	s          strength
	// urlEncoded says the value is percent-encoded (a parameter's), so that
	// its decoded form is learned too.
	urlEncoded bool
	kind       spanKind
	// name is the value's field, parameter or cookie name, or its JSON
	// path; empty for a value found by what it is.
	name string
}

// spanKind says what found a span, and so how its place is named.
type spanKind uint8

const (
	// spanField is a named field's value: a JSON, form, multipart, HTML or
	// key: "value" field.
	spanField spanKind = iota
	// spanParam is a URL parameter's value.
	spanParam
	// spanPassword is the password of a URL's user:password@.
	spanPassword
	// spanCookie is a cookie's value.
	spanCookie
	// spanCredential is the credentials of an Authorization header.
	spanCredential
	// spanValue is a learned value or a known token format.
	spanValue
)

// urlSpans finds the secret values of a URL: its password and the secret
// parameters of its query and fragment (and of URLs encoded inside them).
func urlSpans(u string, out []span) []span {
	if i := strings.Index(u, "://"); i > 0 && i < 32 {
		rest := u[i+3:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
			if colon := strings.IndexByte(rest[:at], ':'); colon >= 0 && colon+1 < at {
				out = append(out, span{start: i + 3 + colon + 1, end: i + 3 + at, s: password, urlEncoded: true, kind: spanPassword})
			}
		}
	}
	return paramSpans(u, false, out)
}

// byteSet is a set of bytes.
type byteSet [256]bool

func newByteSet(chars string) (s byteSet) {
	for i := 0; i < len(chars); i++ {
		s[chars[i]] = true
	}
	return s
}

var (
	// paramAnchors may start a URL parameter.
	paramAnchors = newByteSet("?&#%\\")
	// fieldMarks may separate a key from its value.
	fieldMarks = newByteSet(":=")
)

// indexIn returns the index of the first byte of text at or after from
// that is in set, or -1.
func indexIn(text string, from int, set *byteSet) int {
	for i := from; i < len(text); i++ {
		if set[text[i]] {
			return i
		}
	}
	return -1
}

// isNameByte reports whether c may be part of a parameter name.
func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.' || c == '[' || c == ']'
}

// paramSpans finds name=value pairs after a URL's '?', '&' or '#' (also
// written &amp;, \u0026, or percent-encoded inside another parameter) whose
// name is secret.
func paramSpans(text string, form bool, out []span) []span {
	if form {
		out = pairAt(text, 0, false, out)
	}
	for i := 0; i < len(text); {
		p := indexIn(text, i, &paramAnchors)
		if p < 0 {
			break
		}
		i = p + 1
		start, encoded := -1, false
		switch text[p] {
		case '?', '#':
			start = p + 1
		case '&':
			start = p + 1
			if strings.HasPrefix(text[start:], "amp;") {
				start += 4
			}
		case '%':
			if p+2 < len(text) {
				switch text[p+1 : p+3] {
				case "3F", "3f", "26", "23":
					start, encoded = p+3, true
				}
			}
		case '\\':
			if strings.HasPrefix(text[p+1:], "u0026") {
				start = p + 6
			}
		}
		if start < 0 || start >= len(text) {
			continue
		}
		before := len(out)
		out = pairAt(text, start, encoded, out)
		if len(out) > before {
			i = out[len(out)-1].end
		}
	}
	return out
}

// pairAt reads name=value at start and appends the value's span when the
// name is secret.
func pairAt(text string, start int, encoded bool, out []span) []span {
	k := start
	for k < len(text) && k-start < maxName && isNameByte(text[k]) {
		k++
	}
	if k == start || k >= len(text) {
		return out
	}
	name := text[start:k]
	switch {
	case text[k] == '=':
		k++
	case strings.HasPrefix(text[k:], "%3D"), strings.HasPrefix(text[k:], "%3d"):
		k += 3
	default:
		return out
	}
	s := classify(name)
	if s == notSecret {
		return out
	}
	end := k
	for end < len(text) {
		c := text[end]
		if c == '&' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == ';' || c == ')' || c <= ' ' {
			break
		}
		if encoded && c == '%' && end+2 < len(text) {
			if e := text[end+1 : end+3]; e == "26" || e == "23" {
				break
			}
		}
		end++
	}
	if end > k && hides(text[k:end], s) {
		out = append(out, span{start: k, end: end, s: s, urlEncoded: true, kind: spanParam, name: name})
	}
	return out
}

// isIdentByte reports whether c may be part of an unquoted key.
func isIdentByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '$' || c == '-' || c == '.'
}

// fieldSpans finds "key": "value" pairs (JSON, also when escaped inside
// another JSON string, and JavaScript objects and assignments with quoted
// or bare keys) whose key is secret and whose value is a string.
func fieldSpans(text string, out []span) []span {
	for i := 0; i < len(text); {
		p := indexIn(text, i, &fieldMarks)
		if p < 0 {
			break
		}
		i = p + 1
		name, escaped, ok := keyBefore(text, p)
		if !ok {
			continue
		}
		s := classify(name)
		if s == notSecret {
			continue
		}
		start, end, ok := quotedAfter(text, p+1, escaped)
		if !ok || !hides(text[start:end], s) {
			continue
		}
		out = append(out, span{start: start, end: end, s: s, kind: spanField, name: name})
		i = end
	}
	return out
}

// keyBefore reads the key that ends before the ':' or '=' at p.
func keyBefore(text string, p int) (name string, escaped, ok bool) {
	k := p - 1
	for n := 0; k >= 0 && n < 16 && (text[k] == ' ' || text[k] == '\t'); n++ {
		k--
	}
	if k < 0 {
		return "", false, false
	}
	if q := text[k]; q == '"' || q == '\'' {
		escaped = k > 0 && text[k-1] == '\\'
		end := k
		if escaped {
			end = k - 1
		}
		for a := end - 1; a >= 0 && end-a <= maxName; a-- {
			c := text[a]
			if c == q {
				if escaped && (a == 0 || text[a-1] != '\\') {
					return "", false, false
				}
				return text[a+1 : end], escaped, true
			}
			if c == '\n' || c == '\\' || c == '"' || c == '\'' {
				return "", false, false
			}
		}
		return "", false, false
	}
	end := k + 1
	for k >= 0 && end-k <= maxName && isIdentByte(text[k]) {
		k--
	}
	if k+1 == end {
		return "", false, false
	}
	return text[k+1 : end], false, true
}

// quotedAfter finds the string value that starts after p (past spaces).
// escaped says the key was written \"key\", so the value is \"value\".
func quotedAfter(text string, p int, escaped bool) (start, end int, ok bool) {
	k := p
	for n := 0; k < len(text) && n < 16 && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r'); n++ {
		k++
	}
	if k >= len(text) {
		return 0, 0, false
	}
	if escaped || text[k] == '\\' {
		if !strings.HasPrefix(text[k:], `\"`) {
			return 0, 0, false
		}
		e := strings.Index(text[k+2:], `\"`)
		if e < 0 {
			return 0, 0, false
		}
		return k + 2, k + 2 + e, true
	}
	q := text[k]
	if q != '"' && q != '\'' {
		return 0, 0, false
	}
	for m := k + 1; m < len(text); m++ {
		switch text[m] {
		case '\\':
			m++
		case q:
			return k + 1, m, true
		case '\n':
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// htmlSpans finds the value= or content= of HTML tags whose name= is
// secret: <input name="csrf_token" value="…">, <meta name="csrf-token"
// content="…">.
func htmlSpans(text string, out []span) []span {
	for i := 0; i < len(text); {
		j := strings.Index(text[i:], "name=")
		if j < 0 {
			break
		}
		p := i + j
		i = p + 5
		if p > 0 && isIdentByte(text[p-1]) {
			continue // username=, data-name=
		}
		start, end, ok := quotedAfter(text, p+5, false)
		if !ok {
			continue
		}
		name, st := text[start:end], classify(text[start:end])
		if st == notSecret {
			continue
		}
		open := strings.LastIndexByte(text[:p], '<')
		if open < 0 || p-open > 4096 {
			continue
		}
		close := strings.IndexByte(text[end:], '>')
		if close < 0 || close > 4096 {
			continue
		}
		tag := text[open : end+close]
		for _, attr := range []string{"value=", "content="} {
			for a := 0; a < len(tag); {
				b := strings.Index(tag[a:], attr)
				if b < 0 {
					break
				}
				at := a + b
				a = at + len(attr)
				if at > 0 && isIdentByte(tag[at-1]) {
					continue // data-value=, say
				}
				if vs, ve, ok := quotedAfter(tag, a, false); ok && hides(tag[vs:ve], st) {
					out = append(out, span{start: open + vs, end: open + ve, s: st, kind: spanField, name: name})
				}
			}
		}
	}
	return out
}

// multipartSpans finds the content of multipart/form-data parts whose
// name is secret.
func multipartSpans(text string, out []span) []span {
	for i := 0; i < len(text); {
		j := strings.Index(text[i:], "form-data;")
		if j < 0 {
			break
		}
		p := i + j
		i = p + 10
		line := text[p:]
		if nl := strings.IndexByte(line, '\n'); nl >= 0 {
			line = line[:nl]
		}
		n := strings.Index(line, "name=")
		if n < 0 || n > 0 && isIdentByte(line[n-1]) {
			continue
		}
		ns, ne, ok := quotedAfter(line, n+5, false)
		if !ok {
			continue
		}
		name, st := line[ns:ne], classify(line[ns:ne])
		if st == notSecret {
			continue
		}
		head := strings.Index(text[p:], "\r\n\r\n")
		sep := 4
		if h2 := strings.Index(text[p:], "\n\n"); h2 >= 0 && (head < 0 || h2 < head) {
			head, sep = h2, 2
		}
		if head < 0 {
			continue
		}
		start := p + head + sep
		end := strings.Index(text[start:], "\n--")
		if end < 0 {
			end = len(text) - start
		} else if end > 0 && text[start+end-1] == '\r' {
			end--
		}
		if end > 0 && hides(text[start:start+end], st) {
			out = append(out, span{start: start, end: start + end, s: st, kind: spanField, name: name})
		}
		i = start + end
	}
	return out
}

// cookieSpans finds the values of a Cookie header ("a=1; b=2"), or of
// Set-Cookie lines (one per line: the first pair only, not the
// attributes).
func cookieSpans(v string, setCookie bool, out []span) []span {
	for off := 0; off < len(v); {
		line := v[off:]
		if nl := strings.IndexByte(line, '\n'); nl >= 0 {
			line = line[:nl]
		}
		pairs := line
		if setCookie {
			if semi := strings.IndexByte(pairs, ';'); semi >= 0 {
				pairs = pairs[:semi]
			}
		}
		for p := 0; p < len(pairs); {
			part := pairs[p:]
			if semi := strings.IndexByte(part, ';'); semi >= 0 {
				part = part[:semi]
			}
			if eq := strings.IndexByte(part, '='); eq >= 0 {
				s, e := eq+1, len(part)
				for s < e && part[s] == ' ' {
					s++
				}
				for e > s && part[e-1] == ' ' {
					e--
				}
				if e > s && hides(part[s:e], strong) {
					name := strings.TrimSpace(part[:eq])
					st := weak
					if classify(name) >= strong {
						st = strong
					}
					out = append(out, span{start: off + p + s, end: off + p + e, s: st, kind: spanCookie, name: name})
				}
			}
			p += len(part) + 1
		}
		off += len(line) + 1
	}
	return out
}

// credentialSpan finds the credentials of an Authorization header: what
// follows the scheme ("Bearer abc" → abc), or the whole value.
func credentialSpan(v string, out []span) []span {
	s := strings.IndexByte(v, ' ')
	if s < 0 || s > 32 {
		if v != "" && v != Redacted {
			out = append(out, span{start: 0, end: len(v), s: strong, kind: spanCredential})
		}
		return out
	}
	start := s + 1
	for start < len(v) && v[start] == ' ' {
		start++
	}
	if start < len(v) && v[start:] != Redacted {
		out = append(out, span{start: start, end: len(v), s: strong, kind: spanCredential})
	}
	return out
}
