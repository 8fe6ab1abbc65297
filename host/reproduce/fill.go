package reproduce

import (
	"fmt"
	"strings"
)

// Field says which part of a request a text is, so that its secrets'
// places can be named: the URL, one header, or the body.
type Field struct {
	// Kind is "url", "header" or "body".
	Kind string
	// Name is the header's name, or the body's content type.
	Name string
}

// places names the place of each marker of s, in order.
func (f Field) places(s string) ([]string, error) {
	n := &namer{used: map[string]int{}}
	switch f.Kind {
	case "url":
		n.url(s)
	case "header":
		n.header(f.Name, s)
	case "body":
		n.body(f.Name, s)
	default:
		return nil, fmt.Errorf("no such part of a request: %q", f.Kind)
	}
	out := make([]string, len(n.secrets))
	for i, sec := range n.secrets {
		out[i] = sec.Where
	}
	return out, nil
}

// Fill puts the values redaction hid back into a text an agent wrote from
// a scrubbed one: each "[redacted]" in text gets the value that stood at
// the same place (the same header, cookie, parameter or field) in
// original, whose scrubbed form is scrubbed. A text equal to scrubbed is
// original itself. It fails when a "[redacted]" stands where the original
// hid nothing.
func Fill(f Field, text, scrubbed, original string) (string, error) {
	if text == scrubbed {
		return original, nil
	}
	if !strings.Contains(text, marker) {
		return text, nil
	}
	values, ok := hiddenValues(scrubbed, original)
	if !ok {
		return "", fmt.Errorf("the captured %s cannot be lined up with what redaction hid in it; write it without %s", f.what(), marker)
	}
	had, err := f.places(scrubbed)
	if err != nil {
		return "", err
	}
	byPlace := map[string][]string{}
	for i, p := range had {
		byPlace[p] = append(byPlace[p], values[i])
	}
	want, err := f.places(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	used := map[string]int{}
	rest := text
	for _, p := range want {
		i := strings.Index(rest, marker)
		vs := byPlace[p]
		k := used[p]
		if k >= len(vs) {
			if len(vs) == 0 {
				return "", fmt.Errorf("the %s has %s at %s, where the captured request hid nothing: write the value itself", f.what(), marker, p)
			}
			k = len(vs) - 1 // the same place again: the same value
		}
		used[p]++
		b.WriteString(rest[:i])
		b.WriteString(vs[k])
		rest = rest[i+len(marker):]
	}
	b.WriteString(rest)
	return b.String(), nil
}

func (f Field) what() string {
	if f.Kind == "header" {
		return "header " + f.Name
	}
	return f.Kind
}

// hiddenValues lines a scrubbed text up with its original and returns the
// value each marker hid, in order.
func hiddenValues(scrubbed, original string) ([]string, bool) {
	lits := strings.Split(scrubbed, marker)
	if len(lits) == 1 {
		return nil, scrubbed == original
	}
	first, last := lits[0], lits[len(lits)-1]
	if !strings.HasPrefix(original, first) || !strings.HasSuffix(original[len(first):], last) {
		return nil, false
	}
	pos, end := len(first), len(original)-len(last)
	values := make([]string, 0, len(lits)-1)
	for _, lit := range lits[1 : len(lits)-1] {
		if lit == "" {
			return nil, false // two markers side by side: no telling where one ends
		}
		i := strings.Index(original[pos:end], lit)
		if i < 0 {
			return nil, false
		}
		values = append(values, original[pos:pos+i])
		pos += i + len(lit)
	}
	if pos > end {
		return nil, false
	}
	return append(values, original[pos:end]), true
}
