package capture

import (
	"fmt"
	"strings"

	"github.com/chromedp/cdproto/network"
)

// headerMap turns the browser's headers into strings, repeated headers
// joined by "\n" as the browser sends them. Secrets stay: they are hidden
// when records leave the engine (see data).
func headerMap(h network.Headers) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = headerString(v)
	}
	return out
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
