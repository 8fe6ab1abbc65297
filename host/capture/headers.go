package capture

import (
	"fmt"
	"strings"

	"github.com/chromedp/cdproto/network"
)

// Redacted replaces the value of a secret header.
const Redacted = "[redacted]"

// secretHeaders are the headers whose values redactSecrets hides, by
// lower-case name.
var secretHeaders = map[string]bool{
	"authorization":       true,
	"proxy-authorization": true,
	"cookie":              true,
	"set-cookie":          true,
}

// headerMap turns the browser's headers into strings, repeated headers
// joined by "\n" as the browser sends them, hiding secrets when asked.
func headerMap(h network.Headers, redact bool) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case nil:
		default:
			s = fmt.Sprint(v)
		}
		if redact && secretHeaders[strings.ToLower(k)] {
			s = Redacted
		}
		out[k] = s
	}
	return out
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
