package har

import (
	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/redact"
	"reflect"
	"testing"
	"time"
)

func TestParseSetCookie(t *testing.T) {
	recv := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		line string
		want Cookie
		ok   bool
	}{
		{"id=a3fWa; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Secure; HttpOnly",
			Cookie{Name: "id", Value: "a3fWa", Expires: "2037-10-21T07:28:00.000Z", Secure: true, HTTPOnly: true}, true},
		{"id=1; expires=Thu, 01-Jan-2037 00:00:00 GMT; path=/app; domain=.x.test; samesite=strict",
			Cookie{Name: "id", Value: "1", Path: "/app", Domain: ".x.test", Expires: "2037-01-01T00:00:00.000Z", SameSite: "Strict"}, true},
		// Max-Age wins over Expires.
		{"id=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Max-Age=60",
			Cookie{Name: "id", Value: "1", Expires: "2026-11-24T10:01:00.000Z"}, true},
		{"gone=; Max-Age=0", Cookie{Name: "gone", Expires: "1970-01-01T00:00:00.000Z"}, true},
		// An unreadable date is left out rather than written invalid.
		{"id=1; Expires=someday", Cookie{Name: "id", Value: "1"}, true},
		{`q="a b"; Path=/`, Cookie{Name: "q", Value: `"a b"`, Path: "/"}, true},
		{"token", Cookie{Value: "token"}, true},
		{redact.Redacted, Cookie{}, false},
		{"", Cookie{}, false},
	}
	for _, c := range cases {
		got, ok := parseSetCookie(c.line, recv)
		if ok != c.ok || got != c.want {
			t.Errorf("parseSetCookie(%q) = %+v, %v; want %+v, %v", c.line, got, ok, c.want, c.ok)
		}
	}
}

func TestParseCookieHeader(t *testing.T) {
	got := parseCookieHeader(" a=1;b=x=y ; ;flag")
	want := []Cookie{{Name: "a", Value: "1"}, {Name: "b", Value: "x=y"}, {Name: "", Value: "flag"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
	if got := parseCookieHeader(redact.Redacted); got != nil {
		t.Errorf("redacted: %+v", got)
	}
}

func TestServerIP(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.5:443":       "10.0.0.5",
		"10.0.0.5":           "10.0.0.5",
		"[2001:db8::1]:8443": "2001:db8::1",
		"[::1]":              "::1",
		"::1":                "::1",
		"example.test:80":    "",
		"":                   "",
	} {
		if got := serverIP(in); got != want {
			t.Errorf("serverIP(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHTTPVersion(t *testing.T) {
	for in, want := range map[string]string{
		"h2": "http/2.0", "HTTP/1.1": "http/1.1", "http/1.0": "http/1.0", "h3": "h3",
		"http/2+quic/46": "http/2.0+quic/46", "": "HTTP/1.1",
	} {
		if got := httpVersion(&api.Response{Protocol: in}, "HTTP/1.1"); got != want {
			t.Errorf("httpVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestQueryString(t *testing.T) {
	got := queryString("https://x.test/p?a=1&&b=%20c&d#frag?e=2")
	want := []Query{{Name: "a", Value: "1"}, {Name: "b", Value: "%20c"}, {Name: "d"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
	if got := queryString("https://x.test/"); got == nil || len(got) != 0 {
		t.Errorf("no query: %#v", got)
	}
}

func TestResourceType(t *testing.T) {
	for in, want := range map[string]string{
		"XHR": "xhr", "Fetch": "fetch", "EventSource": "eventsource", "WebSocket": "websocket",
		"CSPViolationReport": "csp-violation-report", "SignedExchange": "signed-exchange", "Brand New": "brand new",
	} {
		if got := resourceType(in); got != want {
			t.Errorf("resourceType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFailedAfterHeaders(t *testing.T) {
	// A body that failed after its headers came keeps its status.
	req := &api.Request{RequestID: "1", URL: "https://x.test/s", Method: "GET"}
	resp := &api.Response{RequestID: "1", Status: 200, StatusText: "OK", Protocol: "h2",
		Failed: true, ErrorText: "net::ERR_ABORTED", Canceled: true, FromCache: true}
	r := buildResponse(req, resp)
	if r.Status != 200 || r.Error != "net::ERR_ABORTED" || r.HTTPVersion != "http/2.0" || r.BodySize != 0 {
		t.Errorf("%+v", r)
	}
	// A handshake-less socket record has status 0 and says so.
	r = buildResponse(req, &api.Response{RequestID: "1", WebSocket: &api.WebSocketState{
		Errors: []api.WebSocketError{{Message: "bad frame"}}}})
	if r.Status != 0 || r.Error == "" || r.Comment != "WebSocket errors: bad frame" {
		t.Errorf("%+v", r)
	}
}
