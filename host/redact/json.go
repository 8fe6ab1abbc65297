package redact

import (
	"encoding/json"
	"strconv"
	"strings"
)

// A JSON body is read as JSON: a value is hidden when it is a string
// under a secret key, and its place is its JSON path ($.user.token). The
// walk is one pass over the bytes that keeps a stack of the objects and
// arrays it is in; a path is written only for a value that is hidden.

// jsonFrame is an object or an array the walk is inside.
type jsonFrame struct {
	array bool
	index int // the item an array is at
	// key is the raw text (between the quotes) of the key an object is
	// at; keyEnd < 0 before the first.
	keyStart, keyEnd int
}

// jsonWalk walks text as JSON, calling visit for every string value
// (not the keys) with the range between its quotes, the raw key it is
// under ("" in an array) and its frames. It reports false when text is not
// JSON: one document, or several separated by space (JSON lines); a
// leading run of digits, as socket.io frames have, is skipped. A text cut
// short is walked as far as it goes.
func jsonWalk(text string, visit func(start, end int, key string, frames []jsonFrame) bool) bool {
	i := skipSpace(text, 0)
	for i < len(text) && i < 16 && '0' <= text[i] && text[i] <= '9' {
		i++
	}
	if i >= len(text) || text[i] != '{' && text[i] != '[' {
		return false
	}
	var stack []jsonFrame
	expectKey := false
	for ; i < len(text); i++ {
		c := text[i]
		if len(stack) == 0 && c != '{' && c != '[' {
			// Between documents (JSON lines): only space may come.
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			continue
		}
		switch c {
		case '{':
			stack = append(stack, jsonFrame{keyEnd: -1})
			expectKey = true
		case '[':
			stack = append(stack, jsonFrame{array: true})
			expectKey = false
		case '}', ']':
			stack = stack[:len(stack)-1]
			expectKey = false
		case ',':
			if top := &stack[len(stack)-1]; top.array {
				top.index++
			} else {
				expectKey = true
			}
		case ':':
			expectKey = false
		case '"':
			end := stringEnd(text, i+1)
			if end < 0 {
				return true // cut short inside a string
			}
			top := &stack[len(stack)-1]
			if expectKey && !top.array {
				top.keyStart, top.keyEnd = i+1, end
			} else {
				key := ""
				if !top.array && top.keyEnd >= 0 {
					key = text[top.keyStart:top.keyEnd]
				}
				if !visit(i+1, end, key, stack) {
					return true
				}
			}
			i = end
		case ' ', '\t', '\n', '\r', '-', '+', '.', 'e', 'E', 't', 'r', 'u', 'f', 'a', 'l', 's', 'n':
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}

func skipSpace(text string, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index of the quote that ends the JSON string
// whose content starts at i, or -1.
func stringEnd(text string, i int) int {
	for ; i < len(text); i++ {
		switch text[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// jsonPath writes the path of the string value under key (the top frame's
// key or index): $.a.b[2].c, with keys that are not identifiers quoted.
func jsonPath(text string, frames []jsonFrame) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, f := range frames {
		if f.array {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(f.index))
			b.WriteByte(']')
			continue
		}
		if f.keyEnd < 0 {
			continue
		}
		key := text[f.keyStart:f.keyEnd]
		if strings.IndexByte(key, '\\') >= 0 {
			var k string
			if json.Unmarshal([]byte(`"`+key+`"`), &k) == nil {
				key = k
			}
		}
		if isIdentifier(key) {
			b.WriteByte('.')
			b.WriteString(key)
			continue
		}
		b.WriteString("['")
		for i := 0; i < len(key); i++ {
			if key[i] == '\'' || key[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(key[i])
		}
		b.WriteString("']")
	}
	return b.String()
}

// isIdentifier reports whether a key may follow a dot in a path.
func isIdentifier(k string) bool {
	if k == "" || '0' <= k[0] && k[0] <= '9' {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !isTokenByte(k[i]) {
			return false
		}
	}
	return true
}

// jsonSpans finds the hidden values of a JSON text: the strings under
// secret keys, named by their paths, and inside strings that hold JSON
// themselves ("{\"session\":\"…\"}") the fields found there, named by the
// path of the string that holds them. It reports false when text is not
// JSON.
func jsonSpans(text string, out []span) ([]span, bool) {
	ok := jsonWalk(text, func(start, end int, key string, frames []jsonFrame) bool {
		v := text[start:end]
		if st := classify(key); st != notSecret {
			if hides(v, st) {
				out = append(out, span{start: start, end: end, s: st, kind: spanField, name: jsonPath(text, frames)})
			}
			return true
		}
		if len(v) > 4 && (v[0] == '{' || v[0] == '[') && strings.Contains(v, `\"`) {
			before := len(out)
			out = fieldSpans(v, out)
			if len(out) > before {
				path := jsonPath(text, frames)
				for k := before; k < len(out); k++ {
					out[k].start += start
					out[k].end += start
					out[k].name = path
				}
			}
		}
		return true
	})
	return out, ok
}

// nameByPath names the spans that have no name after the JSON string
// that holds them: a learned value inside {"msg":"… <token> …"} is at
// $.msg. spans must be sorted by start.
func nameByPath(text string, spans []span) {
	next := 0
	for next < len(spans) && spans[next].name != "" {
		next++
	}
	if next == len(spans) {
		return
	}
	jsonWalk(text, func(start, end int, _ string, frames []jsonFrame) bool {
		for next < len(spans) && (spans[next].start < start || spans[next].name != "") {
			next++
		}
		if next == len(spans) {
			return false
		}
		if spans[next].end > end {
			return true
		}
		path := jsonPath(text, frames)
		for next < len(spans) && spans[next].end <= end {
			if spans[next].name == "" {
				spans[next].name = path
			}
			next++
		}
		return next < len(spans)
	})
}
