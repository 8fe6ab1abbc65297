package capture

import (
	"fmt"
	"strings"
)

// Header names, and many values (content types, encodings, cache rules),
// are the same in most records: a capture holds one copy of each short
// string it has seen lately, not one per record.
const (
	wordMax   = 64   // longer strings are not shared
	wordsHeld = 4096 // the table starts over when it holds this many
)

// words shares short strings.
type words struct{ m map[string]string }

// get returns the copy of s the table holds, after adding s if it has
// none.
func (w *words) get(s string) string {
	if len(s) > wordMax {
		return s
	}
	if held, ok := w.m[s]; ok {
		return held
	}
	return w.add(s)
}

// of is get for the bytes of a string: a string held already costs no
// copy.
func (w *words) of(b []byte) string {
	if len(b) > wordMax {
		return string(b)
	}
	if held, ok := w.m[string(b)]; ok {
		return held
	}
	return w.add(string(b))
}

// add adds s to the table.
func (w *words) add(s string) string {
	if w.m == nil || len(w.m) >= wordsHeld {
		// What was shared stays shared; the table makes room for what
		// comes now.
		w.m = make(map[string]string, wordsHeld/4)
	}
	w.m[s] = s
	return s
}

// headerString turns a header's value into a string, whatever its JSON
// kind: the browser sends strings.
func headerString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// orNone is headers for a record: an empty map for none.
func orNone(h map[string]string) map[string]string {
	if h == nil {
		return map[string]string{}
	}
	return h
}

// headerValue finds a header by name, whatever its case.
func headerValue(h map[string]string, name string) (string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}
