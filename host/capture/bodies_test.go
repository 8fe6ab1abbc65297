package capture

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
)

// Bodies the browser side reads on its own (Browser.ReadBodies): each
// comes among the events, after the loadingFinished it marks.

// finishedWithBody is a loadingFinished the browser side marked: its body follows.
func finishedWithBody(c *Capture, id string, ts float64) {
	p, _ := json.Marshal(finished(id, ts))
	c.HandleEvent(Event{TabID: 1, Method: "Network.loadingFinished", Params: p, BodyFollows: true})
}

// bodyEvent hands the capture a ResponseBodyEvent with these params.
func bodyEvent(c *Capture, params map[string]any) {
	p, _ := json.Marshal(params)
	c.HandleEvent(Event{TabID: 1, Method: ResponseBodyEvent, Params: p})
}

// exchangeOf feeds a request and its response, not yet finished; a
// response without a Content-Length may stream.
func exchangeOf(c *Capture, id string, status int, mime string) {
	exchangeWith(c, id, status, map[string]any{"Content-Type": mime, "Content-Length": "8"}, mime)
}

func exchangeWith(c *Capture, id string, status int, headers map[string]any, mime string) {
	url := "https://app.test/" + id
	feed(c,
		"Network.requestWillBeSent", req(id, url, "GET", t0, nil),
		"Network.responseReceived", resp(id, url, status, t0+0.1, headers, mime),
	)
}

func responseOf(t *testing.T, c *Capture, id string) api.Response {
	t.Helper()
	for _, r := range c.Data().Responses {
		if r.RequestID == id {
			return r
		}
	}
	t.Fatalf("no response %s", id)
	return api.Response{}
}

func TestBodiesTheBrowserSideReads(t *testing.T) {
	c, b := started(t, api.Settings{})
	calls := strings.Join(b.calls, "; ")
	want := fmt.Sprintf("bodies 1 %d", c.bodyFieldLimit())
	if i, j := strings.Index(calls, want), strings.Index(calls, "Network.enable"); i < 0 || j < i {
		t.Fatalf("the capture should turn the reads on before it enables the network domain: %s", calls)
	}

	exchangeOf(c, "text", 200, "application/json")
	finishedWithBody(c, "text", t0+0.2)
	if r := responseOf(t, c, "text"); r.BodyError != bodyPending {
		t.Errorf("before its body comes, bodyError = %q", r.BodyError)
	}
	bodyEvent(c, map[string]any{"requestId": "text", "body": `{"ok":true}`, "base64Encoded": false})

	exchangeOf(c, "cut", 200, "image/png")
	finishedWithBody(c, "cut", t0+0.2)
	bodyEvent(c, map[string]any{"requestId": "cut", "body": b64("\x89PNG\x00\x01\x02\x03"), "base64Encoded": true, "_truncated": map[string]int{"body": 4000}})

	exchangeOf(c, "gone", 200, "text/plain")
	finishedWithBody(c, "gone", t0+0.2)
	bodyEvent(c, map[string]any{"requestId": "gone", "error": "No resource with given identifier found"})

	// A 204 has no body for the page: whatever comes for it is ignored.
	exchangeOf(c, "empty", 204, "text/plain")
	finishedWithBody(c, "empty", t0+0.2)
	bodyEvent(c, map[string]any{"requestId": "empty", "body": "surprise"})
	// So is a body for a request the capture does not know, or a second one.
	bodyEvent(c, map[string]any{"requestId": "unknown", "body": "x"})
	bodyEvent(c, map[string]any{"requestId": "text", "body": "again"})

	// Unmarked, the capture asks for the body itself.
	exchangeOf(c, "asked", 200, "text/plain")
	b.bodies["asked"] = fakeBody{body: "fetched"}
	feed(c, "Network.loadingFinished", finished("asked", t0+0.2))
	settle(c)

	if r := responseOf(t, c, "text"); r.Body != `{"ok":true}` || r.BodyError != "" || r.BodySize != 11 {
		t.Errorf("text: body %q, error %q, size %d", r.Body, r.BodyError, r.BodySize)
	}
	if r := responseOf(t, c, "cut"); r.BodyBase64 != b64("\x89PNG\x00\x01\x02\x03") || !r.BodyTruncated || r.BodySize != 3000 {
		t.Errorf("cut: body %q, truncated %v, size %d", r.BodyBase64, r.BodyTruncated, r.BodySize)
	}
	if r := responseOf(t, c, "gone"); r.BodyError != "the browser did not give the body: No resource with given identifier found" {
		t.Errorf("gone: bodyError %q", r.BodyError)
	}
	if r := responseOf(t, c, "empty"); r.Body != "" || r.BodyError != "" {
		t.Errorf("204: body %q, error %q", r.Body, r.BodyError)
	}
	if r := responseOf(t, c, "asked"); r.Body != "fetched" {
		t.Errorf("asked: body %q", r.Body)
	}
	if n := b.called("Network.getResponseBody"); n != 1 {
		t.Errorf("the capture asked the browser for %d bodies, want 1 (the unmarked one)", n)
	}
	// Every exchange is complete, so a wait for one of them ends.
	for _, id := range []string{"text", "cut", "gone", "empty", "asked"} {
		if !slices.ContainsFunc(c.settled, func(x completed) bool { return x.req.RequestID == id }) {
			t.Errorf("%s is not settled", id)
		}
	}
}

func TestABodyThatMayStream(t *testing.T) {
	chunked := map[string]any{"Content-Type": "application/json"}

	// The browser streams it: its body is its data, whatever else comes.
	c, b := started(t, api.Settings{})
	b.stream["s"] = b64(`{"a":1}`)
	exchangeWith(c, "s", 200, chunked, "application/json")
	settle(c) // armed
	finishedWithBody(c, "s", t0+0.2)
	bodyEvent(c, map[string]any{"requestId": "s", "body": "not this"})
	settle(c)
	if r := responseOf(t, c, "s"); r.Body != `{"a":1}` {
		t.Errorf("streamed: body %q, error %q", r.Body, r.BodyError)
	}

	// The browser refuses to stream it: the body read on the browser side
	// is kept, whether it comes before the refusal or after.
	for _, before := range []bool{true, false} {
		c, b := started(t, api.Settings{})
		gate := make(chan struct{})
		b.gateStream = gate
		exchangeWith(c, "r", 200, chunked, "application/json")
		finishedWithBody(c, "r", t0+0.2)
		if before {
			bodyEvent(c, map[string]any{"requestId": "r", "body": "read"})
		}
		close(gate)
		settle(c)
		if !before {
			if r := responseOf(t, c, "r"); r.BodyError != bodyPending {
				t.Errorf("refused, body not come yet: bodyError %q", r.BodyError)
			}
			bodyEvent(c, map[string]any{"requestId": "r", "body": "read"})
			settle(c)
		}
		if r := responseOf(t, c, "r"); r.Body != "read" || r.BodyError != "" {
			t.Errorf("refused (body before the refusal: %v): body %q, error %q", before, r.Body, r.BodyError)
		}
		if n := b.called("Network.getResponseBody"); n != 0 {
			t.Errorf("refused: the capture asked for the body %d times", n)
		}
	}
}

func TestABodyStillOnItsWayAtTheStopIsSaidSo(t *testing.T) {
	c, _ := started(t, api.Settings{})
	exchangeOf(c, "late", 200, "text/plain")
	finishedWithBody(c, "late", t0+0.2)
	c.Stop("")
	bodyEvent(c, map[string]any{"requestId": "late", "body": "too late"})
	if r := responseOf(t, c, "late"); r.Body != "" || r.BodyError != bodyStopped {
		t.Errorf("body %q, bodyError %q", r.Body, r.BodyError)
	}
}

func TestBodyReadsStopOnceTheBudgetIsSpentAndComeBackAfterAClear(t *testing.T) {
	total := int64(api.MinMaxTotalBytes)
	c, b := started(t, api.Settings{MaxTotalBytes: &total})
	exchangeOf(c, "big", 200, "text/plain")
	finishedWithBody(c, "big", t0+0.2)
	c.mu.Lock()
	room := int(total/8*contentShare - c.bytes) // what the contents have left
	c.mu.Unlock()
	bodyEvent(c, map[string]any{"requestId": "big", "body": strings.Repeat("x", room)})
	settle(c)
	exchangeOf(c, "next", 200, "text/plain")
	finishedWithBody(c, "next", t0+0.3)
	settle(c)
	if r := responseOf(t, c, "next"); !strings.HasPrefix(r.BodyError, "not kept: ") {
		t.Errorf("next: bodyError %q", r.BodyError)
	}
	if b.called("bodies 1 0") != 1 {
		t.Fatalf("the browser side was not told to stop reading: %v", b.calls)
	}
	exchangeOf(c, "after", 200, "text/plain")
	finishedWithBody(c, "after", t0+0.4)
	settle(c)
	if b.called("bodies 1 0") != 1 {
		t.Errorf("told more than once: %v", b.calls)
	}

	c.Clear()
	settle(c)
	if n := b.called(fmt.Sprintf("bodies 1 %d", c.bodyFieldLimit())); n != 2 {
		t.Errorf("after a clear the reads should be on again (%d times on): %v", n, b.calls)
	}
}

func TestACaptureOfSomeRequestsAsksForItsBodiesItself(t *testing.T) {
	for name, s := range map[string]api.Settings{
		"urlFilter":  {URLFilter: "/api/"},
		"no bodies":  {CaptureBodies: new(false)},
		"types only": {ResourceTypes: []string{"XHR"}},
	} {
		_, b := started(t, s)
		if n := b.called("bodies "); n != 0 {
			t.Errorf("%s: the browser side was asked to read bodies: %v", name, b.calls)
		}
	}
}
