package capture

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
)

// exchangeEvents are one request's events from start to end.
func exchangeEvents(id, url string, status int) []any {
	return []any{
		"Network.requestWillBeSent", req(id, url, "GET", t0, nil),
		"Network.responseReceived", resp(id, url, status, t0+0.01, map[string]any{"Content-Type": "text/plain"}, "text/plain"),
		"Network.loadingFinished", finished(id, t0+0.02),
	}
}

func frame(id string, i int) []any {
	return []any{"Network.webSocketFrameReceived", map[string]any{"requestId": id, "timestamp": t0 + float64(i)*0.001,
		"response": map[string]any{"opcode": 1, "mask": false, "payloadData": fmt.Sprintf(`{"seq":%d,"pad":"%s"}`, i, strings.Repeat("x", 80))}}}
}

func TestRequestDroppedAtMaxEntriesCountsOnce(t *testing.T) {
	n := 2
	c, _ := started(t, api.Settings{MaxEntries: &n, CaptureBodies: new(bool)})
	for i := range 5 {
		feed(c, exchangeEvents(fmt.Sprint(i), fmt.Sprintf("https://app.test/%d", i), 200)...)
	}
	// A redirect chain dropped at the bound: each hop is a request the
	// server saw, counted once; its response is no partial record.
	feed(c,
		"Network.requestWillBeSent", req("r", "https://app.test/old", "GET", t0, nil),
		"Network.requestWillBeSent", req("r", "https://app.test/new", "GET", t0+0.01, map[string]any{
			"redirectResponse": resp("r", "https://app.test/old", 302, t0, map[string]any{"Location": "/new"}, "")["response"]}),
		"Network.responseReceived", resp("r", "https://app.test/new", 200, t0+0.02, map[string]any{}, "text/plain"),
		"Network.loadingFinished", finished("r", t0+0.03),
	)
	st, d := c.Snapshot()
	if len(d.Requests) != 2 || len(d.Responses) != 2 {
		t.Fatalf("kept %d requests and %d responses, want 2 and 2", len(d.Requests), len(d.Responses))
	}
	for _, r := range d.Requests {
		if r.Partial {
			t.Errorf("a dropped request came back as a partial record: %+v", r)
		}
	}
	if st.Dropped.Requests != 5 {
		t.Errorf("dropped %d requests, want 5 (3 requests and 2 redirect hops): %+v", st.Dropped.Requests, st.Dropped)
	}
	if len(c.droppedIDs) != 0 {
		t.Errorf("%d dropped ids still remembered after their requests ended", len(c.droppedIDs))
	}
}

func TestSocketOpenedPastTheRequestCapKeepsItsFrames(t *testing.T) {
	n := 1
	c, _ := started(t, api.Settings{MaxEntries: &n})
	feed(c, exchangeEvents("1", "https://app.test/1", 200)...)
	feed(c,
		"Network.webSocketCreated", map[string]any{"requestId": "ws", "url": "wss://app.test/live"},
		"Network.webSocketHandshakeResponseReceived", map[string]any{"requestId": "ws", "timestamp": t0, "response": map[string]any{"status": 101, "statusText": "Switching Protocols", "headers": map[string]any{}}},
	)
	// Frames have a bound of their own: one kept, two dropped.
	for i := range 3 {
		feed(c, frame("ws", i)...)
	}
	st, d := c.Snapshot()
	if st.Dropped.Requests != 1 || len(d.Requests) != 1 {
		t.Errorf("requests: %d kept, %d dropped; want 1 and 1", len(d.Requests), st.Dropped.Requests)
	}
	if len(d.WSFrames) != 1 || st.Dropped.WSFrames != 2 {
		t.Fatalf("frames: %d kept, %d dropped; want 1 and 2", len(d.WSFrames), st.Dropped.WSFrames)
	}
	if f := d.WSFrames[0]; f.URL != "wss://app.test/live" || f.Payload == "" {
		t.Errorf("the kept frame: %+v", f)
	}
}

func TestByteBudgetBoundsRecordsAndCountsEachOnce(t *testing.T) {
	budget := int64(api.MinMaxTotalBytes)
	c, _ := started(t, api.Settings{MaxTotalBytes: &budget})
	const sent = 20000
	feed(c, "Network.webSocketCreated", map[string]any{"requestId": "ws", "url": "wss://app.test/live"})
	for i := range sent {
		feed(c, frame("ws", i)...)
	}
	st, d := c.Snapshot()
	if got := len(d.WSFrames) + st.Dropped.WSFrames; got != sent {
		t.Errorf("%d frames kept + %d dropped = %d, want %d", len(d.WSFrames), st.Dropped.WSFrames, got, sent)
	}
	if st.Dropped.WSFrames == 0 || st.Dropped.Payloads == 0 {
		t.Errorf("a 1 MiB budget held 20,000 frames of 100 bytes whole: %+v", st.Dropped)
	}
	if st.BytesHeld > budget {
		t.Errorf("%d bytes held, over the budget of %d", st.BytesHeld, budget)
	}
	payloads := 0
	for _, f := range d.WSFrames {
		if f.Payload != "" {
			payloads++
		} else if !f.Truncated {
			t.Fatalf("a frame without its payload is not marked truncated: %+v", f)
		}
	}
	if payloads+st.Dropped.Payloads != len(d.WSFrames) {
		t.Errorf("%d payloads kept + %d dropped, want the %d frames kept", payloads, st.Dropped.Payloads, len(d.WSFrames))
	}
	// Past the contents' share, frames are still kept without payload.
	if payloads == len(d.WSFrames) {
		t.Error("no frame was kept without its payload before frames were dropped")
	}
	for _, r := range st.Dropped.Reasons {
		if !strings.Contains(r, "maxTotalBytes") {
			t.Errorf("reason %q does not name the byte budget", r)
		}
	}
}

func TestRevalidatedResponseKeepsTheCachedBody(t *testing.T) {
	c, b := started(t, api.Settings{})
	b.bodies["1"] = fakeBody{body: "console.log('cached')"}
	feed(c,
		"Network.requestWillBeSent", req("1", "https://app.test/app.js", "GET", t0, nil),
		"Network.responseReceived", resp("1", "https://app.test/app.js", 200, t0+0.01, map[string]any{"Content-Type": "text/javascript"}, "text/javascript"),
		"Network.responseReceivedExtraInfo", map[string]any{"requestId": "1", "statusCode": 304, "headers": map[string]any{"ETag": `"v1"`}, "blockedCookies": []any{}, "resourceIPAddressSpace": "Local"},
		"Network.loadingFinished", finished("1", t0+0.02),
		// A conditional request the page made itself: it sees the 304, and
		// there is no body to fetch.
		"Network.requestWillBeSent", req("2", "https://app.test/data", "GET", t0, nil),
		"Network.responseReceived", resp("2", "https://app.test/data", 304, t0+0.01, map[string]any{}, "text/plain"),
		"Network.loadingFinished", finished("2", t0+0.02),
	)
	settle(c)
	d := c.Data()
	if r := d.Responses[0]; r.Status != 304 || r.StatusText != "Not Modified" || r.Headers["ETag"] != `"v1"` || r.Body != "console.log('cached')" || r.BodyError != "" {
		t.Errorf("the revalidated response: status %d, headers %v, body %q, bodyError %q", r.Status, r.Headers, r.Body, r.BodyError)
	}
	// The copy the page used is kept beside the wire's 304.
	if r := d.Responses[0].Revalidated; r == nil || r.Status != 200 || r.Headers["Content-Type"] != "text/javascript" {
		t.Errorf("the cached copy the page used: %+v", r)
	}
	if r := d.Responses[1]; r.Status != 304 || r.Revalidated != nil || r.Body != "" || r.BodyError != "" {
		t.Errorf("the page's own 304: %+v", r)
	}
	if n := b.called("Network.getResponseBody"); n != 1 {
		t.Errorf("%d body fetches, want 1", n)
	}
}

func TestBodiesNotFetchedBeforeTheStopSayWhy(t *testing.T) {
	defer func(w time.Duration) { bodyWait = w }(bodyWait)
	bodyWait = 50 * time.Millisecond
	c, b := started(t, api.Settings{})
	b.delay = time.Hour // the browser never answers
	feed(c, exchangeEvents("1", "https://app.test/slow", 200)...)
	feed(c,
		"Network.requestWillBeSent", req("2", "https://app.test/loading", "GET", t0, nil),
		"Network.responseReceived", resp("2", "https://app.test/loading", 200, t0+0.01, map[string]any{"Content-Length": "10"}, "text/plain"),
	)
	if r := c.Data().Responses[0]; r.BodyError != bodyPending {
		t.Errorf("while fetched: bodyError %q", r.BodyError)
	}
	c.Stop("")
	d := c.Data()
	for i, want := range []string{bodyStopped, bodyLoading} {
		if r := d.Responses[i]; r.Body != "" || r.BodyError != want {
			t.Errorf("%s: body %q, bodyError %q, want %q", r.URL, r.Body, r.BodyError, want)
		}
	}
}

func TestDefaultsFitRealSites(t *testing.T) {
	o, err := api.Settings{}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if o.MaxBodyBytes < 10<<20 || o.MaxEntries < 100_000 || o.MaxTotalBytes != api.DefaultMaxTotalBytes {
		t.Errorf("defaults: %+v", o)
	}
	for _, v := range []int64{api.MinMaxTotalBytes - 1, api.MaxMaxTotalBytes + 1} {
		if _, err := (api.Settings{MaxTotalBytes: &v}).Resolve(); err == nil || !strings.Contains(err.Error(), "maxTotalBytes") {
			t.Errorf("maxTotalBytes %d: %v", v, err)
		}
	}
}

// blockingEnable is a browser whose Network.enable on a child session
// answers only once that child was resumed, as Chromium does for a
// service worker.
type blockingEnable struct {
	*fakeBrowser
	resumed chan struct{}
	once    sync.Once
}

func (b *blockingEnable) Send(ctx context.Context, t Target, method string, params any, maxField int) (json.RawMessage, error) {
	switch {
	case t.SessionID != "" && method == "Network.enable":
		select {
		case <-b.resumed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case t.SessionID != "" && method == "Runtime.runIfWaitingForDebugger":
		b.once.Do(func() { close(b.resumed) })
	}
	return b.fakeBrowser.Send(ctx, t, method, params, maxField)
}

func TestPausedServiceWorkerIsResumedAtOnce(t *testing.T) {
	opts, _ := api.Settings{}.Resolve()
	b := &blockingEnable{fakeBrowser: newFakeBrowser(), resumed: make(chan struct{})}
	c := New("capture_sw", 1, opts, b, nil)
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	feed(c, "Target.attachedToTarget", map[string]any{"sessionId": "SW1", "waitingForDebugger": true,
		"targetInfo": map[string]any{"targetId": "T1", "type": "service_worker", "title": "", "url": "https://app.test/sw.js", "attached": true, "canAccessOpener": false}})
	select {
	case <-b.resumed:
	case <-time.After(5 * time.Second):
		t.Fatal("the paused service worker was not resumed while its Network.enable waited")
	}
	settle(c)
	if b.called("Network.enable SW1") != 1 {
		t.Errorf("calls: %v", b.calls)
	}
}

func TestBufferSizesFitTheCapture(t *testing.T) {
	o, _ := api.Settings{}.Resolve()
	p := bufferSizes(o)
	if p["maxResourceBufferSize"] != api.MaxMaxBodyBytes || p["maxTotalBufferSize"].(int64) < api.DefaultMaxTotalBytes {
		t.Errorf("defaults: %v", p)
	}
	big := int64(api.MaxMaxTotalBytes)
	o, _ = api.Settings{MaxTotalBytes: &big}.Resolve()
	if p := bufferSizes(o); p["maxTotalBufferSize"].(int64) > 1<<30 {
		t.Errorf("a 2 GiB budget asks the browser for %v", p)
	}
	off := false
	o, _ = api.Settings{CaptureBodies: &off}.Resolve()
	if p := bufferSizes(o); len(p) != 0 {
		t.Errorf("without bodies: %v", p)
	}
}
