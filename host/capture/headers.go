package capture

import (
	"fmt"
	"strings"

	"github.com/chromedp/cdproto/network"
)

// headerMap turns the browser's headers into strings, repeated headers
// joined by "\n" as the browser sends them. Secrets stay: they are hidden
// when records leave the engine (see view). c.mu is held.
func (c *Capture) headerMap(h network.Headers) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[c.words.get(k)] = c.words.get(headerString(v))
	}
	return out
}

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
	if w.m == nil || len(w.m) >= wordsHeld {
		// What was shared stays shared; the table makes room for what
		// comes now.
		w.m = make(map[string]string, wordsHeld/4)
	}
	w.m[s] = s
	return s
}

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

// headerValue finds a header by name, whatever its case.
func headerValue(h map[string]string, name string) (string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}
