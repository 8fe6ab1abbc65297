package capture

import (
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/redact"
)

func TestSentRequestsAreMarkedAndCounted(t *testing.T) {
	c, _ := started(t, api.Settings{})
	if !c.ExpectSent("tabtap-send-a1") {
		t.Fatal("a running capture refused to expect a request")
	}
	stack := func(url string) map[string]any {
		return map[string]any{"type": "script", "stack": map[string]any{
			"callFrames": []any{map[string]any{"functionName": "", "scriptId": "3", "url": url, "lineNumber": 0, "columnNumber": 4}},
		}}
	}
	feed(c,
		// The page's own request, and one a page dressed up as an agent's.
		"Network.requestWillBeSent", req("1.1", "https://app.test/a", "GET", t0, nil),
		"Network.requestWillBeSent", req("1.2", "https://app.test/b", "GET", t0, map[string]any{"initiator": stack("tabtap-send-other")}),
		// The one sent for the agent, and its preflight.
		"Network.requestWillBeSent", req("1.3", "https://app.test/c", "GET", t0, map[string]any{"initiator": stack("tabtap-send-a1")}),
		"Network.requestWillBeSent", req("1.4", "https://app.test/c", "OPTIONS", t0, map[string]any{"initiator": map[string]any{"type": "preflight", "requestId": "1.3"}}),
	)
	c.CountSent()
	id, ok := c.SentRequest("tabtap-send-a1")
	if !ok || id != "1.3" {
		t.Fatalf("SentRequest: %q %v, want 1.3", id, ok)
	}
	for _, r := range c.Data().Requests {
		if want := map[string]string{"1.3": "agent"}[r.RequestID]; r.SentBy != want {
			t.Errorf("request %s: sentBy %q, want %q", r.RequestID, r.SentBy, want)
		}
	}
	if got := c.Status().Sent; got != 1 {
		t.Errorf("status counts %d requests sent, want 1", got)
	}
	c.ForgetSent("tabtap-send-a1")
	if _, ok := c.SentRequest("tabtap-send-a1"); ok {
		t.Error("a forgotten tag is still known")
	}
	c.Stop("")
	if c.ExpectSent("tabtap-send-a2") || c.Status().Sent != 1 {
		t.Error("a stopped capture expects a request, or counts it")
	}
}

func TestUnredactedKeepsTheSecretsInTheDaemon(t *testing.T) {
	c, _ := started(t, api.Settings{})
	feed(c, "Network.requestWillBeSent", req("1.1", "https://app.test/api?token=tok-0123456789", "GET", t0, map[string]any{
		"request": map[string]any{"url": "https://app.test/api?token=tok-0123456789", "method": "GET", "headers": map[string]any{"Authorization": "Bearer abcdefghijkl"}},
	}))
	r, err := c.Unredacted("1.1")
	if err != nil || r.Headers["Authorization"] != "Bearer abcdefghijkl" || !strings.Contains(r.URL, "tok-0123456789") {
		t.Fatalf("Unredacted: %v %+v", err, r)
	}
	r.Headers["Authorization"] = "changed"
	if again, _ := c.Unredacted("1.1"); again.Headers["Authorization"] != "Bearer abcdefghijkl" {
		t.Error("the copy shares its headers with the capture")
	}
	if d := c.Data(); d.Requests[0].Headers["Authorization"] != "Bearer "+redact.Redacted {
		t.Errorf("the records still leave scrubbed: %+v", d.Requests[0].Headers)
	}
	if _, err := c.Unredacted("9.9"); err == nil || !strings.Contains(err.Error(), "no request 9.9") {
		t.Errorf("an unknown id: %v", err)
	}
	c.Stop("")
	if _, err := Restore(c.Save()).Unredacted("1.1"); err == nil || !strings.Contains(err.Error(), "keeps no secrets on disk") {
		t.Errorf("a capture read back from disk: %v", err)
	}
}
