package reproduce

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/tabtap/tabtap/host/redact"
)

// marker is what redaction puts in the place of a hidden text value.
const marker = redact.Redacted

// maskPattern finds what redaction puts in the place of a value it hid in
// binary content: "[", as many "*" as keep the value's length, "]".
var maskPattern = regexp.MustCompile(`\[\*{6,}\]`)

func maskIn(b64 string) bool {
	raw, err := decodeBase64(b64)
	return err == nil && maskPattern.Match(raw)
}

// namer names the secrets of one request, each once.
type namer struct {
	used    map[string]int
	secrets []Secret
}

// name returns a new variable for the secret at where, named after base.
func (n *namer) name(where, base string) string {
	stem := "TABTAP_" + envName(base)
	name := stem
	for i := 2; n.used[name] > 0; i++ {
		name = stem + "_" + strconv.Itoa(i)
	}
	n.used[name]++
	n.secrets = append(n.secrets, Secret{Name: name, Where: where})
	return name
}

// envName makes an environment variable's name of s: upper-case ASCII
// letters and digits, anything else one underscore.
func envName(s string) string {
	var b strings.Builder
	under := false
	for i := 0; i < len(s) && b.Len() < 48; i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		default:
			if !under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = true
			continue
		}
		b.WriteByte(c)
		under = false
	}
	out := strings.TrimRight(b.String(), "_")
	if out == "" {
		return "SECRET"
	}
	return out
}

// split cuts s at every marker found by find; place says where the
// marker at an offset of s is, and what to name its variable after.
func (n *namer) split(s string, find func(string) [][]int, place func(at int) (where, base string)) text {
	var t text
	last := 0
	for _, m := range find(s) {
		if m[0] > last {
			t = append(t, part{lit: s[last:m[0]]})
		}
		where, base := place(m[0])
		t = append(t, part{env: n.name(where, base)})
		last = m[1]
	}
	if last < len(s) || len(t) == 0 {
		t = append(t, part{lit: s[last:]})
	}
	return t
}

// markers finds the markers of a text.
func markers(s string) [][]int {
	var out [][]int
	for from := 0; ; {
		i := strings.Index(s[from:], marker)
		if i < 0 {
			return out
		}
		out = append(out, []int{from + i, from + i + len(marker)})
		from += i + len(marker)
	}
}

// url splits a URL at its secrets: a query or fragment parameter's
// (query:<name>), the password of its user:password@ (url:password),
// anywhere else (url).
func (n *namer) url(u string) text {
	return n.split(u, markers, func(at int) (string, string) {
		rest := strings.Index(u, "://") + 3
		authority := len(u)
		if i := strings.IndexAny(u[rest:], "/?#"); i >= 0 {
			authority = rest + i
		}
		if at < authority {
			if userinfo := strings.LastIndexByte(u[rest:authority], '@'); userinfo >= 0 && at < rest+userinfo {
				return "url:password", "URL_PASSWORD"
			}
			return "url", "URL"
		}
		if q := strings.IndexAny(u, "?#"); q >= 0 && at > q {
			start := q + 1
			if f := strings.IndexByte(u, '#'); f >= 0 && at > f {
				start = f + 1
			}
			if name := paramName(u[start:at], "&"); name != "" {
				return "query:" + name, "QUERY_" + name
			}
		}
		return "url", "URL"
	})
}

// paramName is the name of the name=value pair that ends before (the
// text up to a secret), its pairs separated by sep; "" when it is none.
func paramName(before, sep string) string {
	if i := strings.LastIndex(before, sep); i >= 0 {
		before = before[i+len(sep):]
	}
	name, _, ok := strings.Cut(before, "=")
	if !ok {
		return ""
	}
	if d, err := url.QueryUnescape(name); err == nil {
		name = d
	}
	return printable(strings.TrimSpace(name))
}

// header splits a header value at its secrets: a cookie's
// (cookie:<name>), else the header's (header:<name>).
func (n *namer) header(name, v string) text {
	cookie := strings.EqualFold(name, "cookie")
	return n.split(v, markers, func(at int) (string, string) {
		if cookie {
			if c := paramName(v[:at], ";"); c != "" {
				return "cookie:" + c, "COOKIE_" + c
			}
		}
		return "header:" + printable(name), name
	})
}

// body splits a text body at its secrets: a JSON field's
// (body:$.<path>), a form or multipart field's (body:<name>), else body.
func (n *namer) body(contentType, s string) text {
	ct := strings.ToLower(contentType)
	var place func(at int) (string, string)
	switch {
	case strings.Contains(ct, "json") || looksJSON(s):
		paths := jsonPlaces(s)
		if len(paths) == len(markers(s)) {
			i := 0
			place = func(int) (string, string) {
				p := paths[i]
				i++
				return "body:" + printable(p), "BODY_" + strings.TrimPrefix(p, "$.")
			}
		}
	case strings.Contains(ct, "multipart/form-data"):
		place = func(at int) (string, string) {
			if f := multipartName(s[:at]); f != "" {
				return "body:" + f, "BODY_" + f
			}
			return "body", "BODY"
		}
	case strings.Contains(ct, "x-www-form-urlencoded") || ct == "" && looksForm(s):
		place = func(at int) (string, string) {
			if f := paramName(s[:at], "&"); f != "" {
				return "body:" + f, "BODY_" + f
			}
			return "body", "BODY"
		}
	}
	if place == nil {
		place = func(int) (string, string) { return "body", "BODY" }
	}
	return n.split(s, markers, place)
}

// binary splits binary content at its masks.
func (n *namer) binary(raw string) text {
	return n.split(raw, func(s string) [][]int { return maskPattern.FindAllStringIndex(s, -1) },
		func(int) (string, string) { return "body", "BODY" })
}

func looksJSON(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")
}

var formPattern = regexp.MustCompile(`^[\w.%\[\]-]+=[^\s]*$`)

func looksForm(s string) bool { return formPattern.MatchString(s) }

// multipartName is the field name of the last part begun in before.
func multipartName(before string) string {
	i := strings.LastIndex(strings.ToLower(before), "content-disposition:")
	if i < 0 {
		return ""
	}
	line := before[i:]
	if j := strings.IndexAny(line, "\r\n"); j >= 0 {
		line = line[:j]
	}
	_, rest, ok := strings.Cut(line, ` name="`)
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, `"`)
	return printable(name)
}

// jsonPlaces lists, in order, the JSON path ($.a.b[0]) of each marker in
// a JSON document; nil when s is not JSON.
func jsonPlaces(s string) []string {
	type level struct {
		array bool
		key   string
		index int
		value bool // in an object: the next string is a value, not a key
	}
	var stack []level
	path := func() string {
		var b strings.Builder
		b.WriteString("$")
		for _, l := range stack {
			if l.array {
				fmt.Fprintf(&b, "[%d]", l.index)
			} else if isIdent(l.key) {
				b.WriteString("." + l.key)
			} else {
				b.WriteString("['" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(l.key) + "']")
			}
		}
		return b.String()
	}
	done := func() {
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		if top.array {
			top.index++
		} else {
			top.value = false
		}
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var out []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			return nil
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, level{})
			case '[':
				stack = append(stack, level{array: true})
			default:
				stack = stack[:len(stack)-1]
				done()
			}
		case string:
			if len(stack) > 0 && !stack[len(stack)-1].array && !stack[len(stack)-1].value {
				top := &stack[len(stack)-1]
				top.key, top.value = v, true
				for range strings.Count(v, marker) {
					out = append(out, path())
				}
				continue
			}
			for range strings.Count(v, marker) {
				out = append(out, path())
			}
			done()
		default:
			done()
		}
	}
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '$' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// printable is s with anything but printable ASCII escaped, so that a
// place named in a comment of the code can never end the comment.
func printable(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			q := quoteJSON(s)
			return q[1 : len(q)-1]
		}
	}
	return s
}
