package har

import (
	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/redact"
	"math"
	"mime"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"
)

// timeLayout is how HAR dates are written: RFC 3339 in UTC, to the
// millisecond, as DevTools (JavaScript's Date.toJSON) writes them.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// epochSeconds is a time in seconds since the epoch, to the microsecond,
// as DevTools writes the times of WebSocket messages.
func epochSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixMicro()) / 1e6
}

// header finds a header by name, whatever its case.
func header(h map[string]string, name string) (string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// headerList turns a capture's headers into HAR headers: one per value
// (the capture joins repeated headers with "\n"), sorted by name so that
// the output is stable. The order of a header's values is kept.
func headerList(h map[string]string) []Header {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := strings.ToLower(names[i]), strings.ToLower(names[j])
		if a != b {
			return a < b
		}
		return names[i] < names[j]
	})
	out := make([]Header, 0, len(h))
	for _, k := range names {
		for _, v := range strings.Split(h[k], "\n") {
			out = append(out, Header{Name: k, Value: v})
		}
	}
	return out
}

// stripFragment drops a URL's #fragment, as DevTools does in a HAR.
func stripFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}

// queryString splits a URL's query into its parameters, in order and as
// they appear in the URL (DevTools does not percent-decode them).
func queryString(u string) []Query {
	u = stripFragment(u)
	i := strings.IndexByte(u, '?')
	if i < 0 {
		return []Query{}
	}
	out := []Query{}
	for _, p := range splitPairs(u[i+1:], "&") {
		out = append(out, Query{Name: p[0], Value: p[1]})
	}
	return out
}

// splitPairs splits "a=1<sep>b=2" into name/value pairs, skipping empty
// parts; a part without "=" is a name with an empty value.
func splitPairs(s, sep string) [][2]string {
	var out [][2]string
	for _, part := range strings.Split(s, sep) {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		out = append(out, [2]string{name, value})
	}
	return out
}

// isFormURLEncoded reports whether a Content-Type is a URL-encoded form.
func isFormURLEncoded(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// formParams splits a URL-encoded form body into its parameters, as they
// appear in it, as DevTools does.
func formParams(body string) []Param {
	var out []Param
	for _, p := range splitPairs(body, "&") {
		out = append(out, Param{Name: p[0], Value: p[1]})
	}
	return out
}

// parseCookieHeader parses a Cookie header ("a=1; b=2"). A value the
// capture redacted holds no cookie names and gives none.
func parseCookieHeader(v string) []Cookie {
	if v == redact.Redacted {
		return nil
	}
	var out []Cookie
	for _, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			// A cookie without "=" has an empty name (RFC 6265bis).
			name, value = "", part
		}
		out = append(out, Cookie{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
	}
	return out
}

// cookieDateLayouts are the forms of a Set-Cookie Expires attribute seen
// in practice.
var cookieDateLayouts = []string{
	time.RFC1123,
	"Mon, 02-Jan-2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04:05 -0700",
	"Monday, 02-Jan-06 15:04:05 MST",
	"Mon, 02-Jan-06 15:04:05 MST",
	time.ANSIC,
	"Mon, 2 Jan 2006 15:04:05 MST",
}

// parseSetCookie parses one Set-Cookie line. received is when the
// response came, to turn Max-Age into an expiry date. A line the capture
// redacted gives no cookie.
func parseSetCookie(line string, received time.Time) (Cookie, bool) {
	line = strings.TrimSpace(line)
	if line == "" || line == redact.Redacted {
		return Cookie{}, false
	}
	parts := strings.Split(line, ";")
	name, value, ok := strings.Cut(parts[0], "=")
	if !ok {
		name, value = "", parts[0]
	}
	c := Cookie{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)}
	var expires, maxAge string
	for _, attr := range parts[1:] {
		k, v, _ := strings.Cut(attr, "=")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch k {
		case "path":
			c.Path = v
		case "domain":
			c.Domain = v
		case "expires":
			expires = v
		case "max-age":
			maxAge = v
		case "httponly":
			c.HTTPOnly = true
		case "secure":
			c.Secure = true
		case "samesite":
			c.SameSite = sameSite(v)
		}
	}
	// Max-Age wins over Expires (RFC 6265, 5.3).
	if n, err := strconv.ParseInt(maxAge, 10, 64); err == nil && !received.IsZero() {
		if n <= 0 {
			c.Expires = formatTime(time.Unix(0, 0))
		} else if n < math.MaxInt64/int64(time.Second) {
			c.Expires = formatTime(received.Add(time.Duration(n) * time.Second))
		}
	} else if expires != "" {
		for _, layout := range cookieDateLayouts {
			if t, err := time.Parse(layout, expires); err == nil {
				c.Expires = formatTime(t)
				break
			}
		}
	}
	return c, true
}

// sameSite writes a SameSite value as DevTools does: Strict, Lax, None.
func sameSite(v string) string {
	switch strings.ToLower(v) {
	case "strict":
		return "Strict"
	case "lax":
		return "Lax"
	case "none":
		return "None"
	}
	return v
}

// httpVersion writes a response's protocol as DevTools does: "h2" as
// "http/2.0", the others in lower case ("http/1.1", "h3"). def is used
// when the protocol is not known.
func httpVersion(resp *api.Response, def string) string {
	if resp == nil || resp.Protocol == "" {
		return def
	}
	p := strings.ToLower(resp.Protocol)
	if p == "h2" {
		return "http/2.0"
	}
	if strings.HasPrefix(p, "http/2+") {
		return "http/2.0+" + strings.TrimPrefix(p, "http/2+")
	}
	return p
}

// resourceTypes maps the browser's resource types to the names DevTools
// writes in _resourceType.
var resourceTypes = map[string]string{
	"Document":           "document",
	"Stylesheet":         "stylesheet",
	"Image":              "image",
	"Media":              "media",
	"Font":               "font",
	"Script":             "script",
	"TextTrack":          "texttrack",
	"XHR":                "xhr",
	"Fetch":              "fetch",
	"Prefetch":           "prefetch",
	"EventSource":        "eventsource",
	"WebSocket":          "websocket",
	"WebTransport":       "webtransport",
	"Manifest":           "manifest",
	"SignedExchange":     "signed-exchange",
	"Ping":               "ping",
	"CSPViolationReport": "csp-violation-report",
	"Preflight":          "preflight",
	"FedCM":              "fedcm",
	"Other":              "other",
}

func resourceType(t string) string {
	if n, ok := resourceTypes[t]; ok {
		return n
	}
	return strings.ToLower(t)
}

// serverIP takes the IP address out of "ip:port" or "[ipv6]:port"; it
// returns "" when what is left is not an IP address.
func serverIP(addr string) string {
	if addr == "" {
		return ""
	}
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if net.ParseIP(host) == nil {
		return ""
	}
	return host
}
