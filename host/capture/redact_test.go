package capture

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
)

// TestSecretsLearnedLaterAreHidden: a token the page learns from a JSON
// sign-in response is hidden in a URL requested before that response was
// seen, in a later frame and body, in options.url, and in what Save
// writes; a request the filter leaves out still teaches its secrets.
func TestSecretsLearnedLaterAreHidden(t *testing.T) {
	const token = "tok-0123456789abcdef"
	const filtered = "filtered-secret-99887766"
	c, b := started(t, api.Settings{URL: "https://app.test/start?token=opt-secret-12345678", URLFilter: "app.test"})
	b.bodies["2"] = fakeBody{body: `{"access_token":"` + token + `","user":"ann"}`}
	b.bodies["3"] = fakeBody{body: `<p>your key is ` + token + ` and ` + filtered + `</p>`}
	feed(c,
		// Before the token is known: a URL that carries it under no
		// telling name.
		"Network.requestWillBeSent", req("1", "https://app.test/p/"+token, "GET", t0, nil),
		"Network.requestWillBeSent", req("9", "https://other.test/x", "GET", t0, map[string]any{
			"request": map[string]any{"url": "https://other.test/x", "method": "GET", "headers": map[string]any{"X-Api-Key": filtered}},
		}),
		"Network.requestWillBeSent", req("2", "https://app.test/login", "POST", t0+0.01, nil),
		"Network.responseReceived", resp("2", "https://app.test/login", 200, t0+0.02, map[string]any{"Content-Type": "application/json"}, "application/json"),
		"Network.loadingFinished", finished("2", t0+0.03),
	)
	settle(c)
	feed(c,
		"Network.requestWillBeSent", req("3", "https://app.test/page", "GET", t0+0.04, nil),
		"Network.responseReceived", resp("3", "https://app.test/page", 200, t0+0.05, map[string]any{"Content-Type": "text/html"}, "text/html"),
		"Network.loadingFinished", finished("3", t0+0.06),
		"Network.webSocketCreated", map[string]any{"requestId": "ws", "url": "wss://app.test/ws"},
		"Network.webSocketFrameReceived", map[string]any{"requestId": "ws", "timestamp": t0 + 0.07,
			"response": map[string]any{"opcode": 1, "mask": false, "payloadData": `{"echo":"` + token + `"}`}},
	)
	settle(c)
	d := c.Data()
	out, _ := json.Marshal(d)
	saved, _ := json.Marshal(c.Save())
	opts, _ := json.Marshal(c.Options())
	for _, secret := range []string{token, filtered, "opt-secret-12345678"} {
		for what, b := range map[string][]byte{"data": out, "saved": saved, "options": opts} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s holds %q", what, secret)
			}
		}
	}
	if len(d.Requests) == 0 || d.Requests[0].URL != "https://app.test/p/[redacted]" {
		t.Errorf("the first request: %+v", d.Requests)
	}
	if len(d.WSFrames) != 1 || d.WSFrames[0].Payload != `{"echo":"[redacted]"}` {
		t.Errorf("frames: %+v", d.WSFrames)
	}
	// The engine keeps the traffic as it came: only its copies are scrubbed.
	if c.requests[0].URL != "https://app.test/p/"+token {
		t.Errorf("the engine's own record changed: %q", c.requests[0].URL)
	}
}
