package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/outfile"
	"github.com/tabtap/tabtap/host/shape"
)

// TestOvershootRunsEachOperationOnce makes results whose text escaping
// costs far more than the share of the budget the first shape assumes
// (bodies and URLs of double quotes: two bytes each in the structured
// content, four in the text), for the three operations whose side effects
// must not repeat: a wait without since, a get_request that saves the
// body, a stop that writes the capture to a file. Each overshoots, is
// shaped again within the budget, and runs once: one match, one file, no
// error.
func TestOvershootRunsEachOperationOnce(t *testing.T) {
	if 3*shape.Share(api.DefaultResultBytes) <= api.DefaultResultBytes {
		t.Fatal("the structured share no longer overshoots when the text costs twice the structured content: make the quotes denser")
	}
	dir := t.TempDir()
	t.Setenv(outfile.EnvDir, dir)
	over := map[string]int{}
	var mu sync.Mutex
	defer func(f func(string, int, int)) { overshot = f }(overshot)
	overshot = func(tool string, _, _ int) { mu.Lock(); over[tool]++; mu.Unlock() }

	b := newRunning(t)
	quotes := strings.Repeat(`"`, 200_000)
	serve := func(op Op, args map[string]any) *mcp.CallToolResult {
		t.Helper()
		raw, _ := json.Marshal(args)
		res, err := op.Serve(context.Background(), b, raw)
		if err != nil {
			t.Fatalf("%s: %v", op.Name(), err)
		}
		if n := shape.Size(res); n > api.DefaultResultBytes {
			t.Errorf("%s: %d bytes, over the budget of %d", op.Name(), n, api.DefaultResultBytes)
		}
		return res
	}
	ran := func(op Op) {
		t.Helper()
		if n := b.runs(); n != 1 {
			t.Errorf("%s ran %d times", op.Name(), n)
		}
		mu.Lock()
		defer mu.Unlock()
		if over[op.Name()] == 0 {
			t.Errorf("%s did not overshoot: the test proves nothing", op.Name())
		}
	}

	// A wait that began before the request: the first to finish after it
	// is the match, and running it again would wait past it.
	done := make(chan *mcp.CallToolResult, 1)
	go func() {
		done <- serve(waitForRequest, map[string]any{"sessionId": "s-1", "urlFilter": "/quotes", "timeoutSeconds": 20})
	}()
	var res *mcp.CallToolResult
	for i := 0; res == nil; i++ {
		b.load(fmt.Sprintf("w%d", i), "https://app.test/quotes", quotes)
		select {
		case res = <-done:
		case <-time.After(50 * time.Millisecond):
		}
	}
	var waited api.WaitResult
	decode(t, res, &waited)
	if !waited.Matched || waited.Request == nil || waited.Request.BodyPage == nil || waited.Request.BodyPage.Length == 0 {
		t.Errorf("the wait: %+v", waited)
	}
	ran(waitForRequest)

	// get_request with saveBody writes one file.
	id := waited.Request.Request.RequestID
	var got api.RequestDetail
	decode(t, serve(getRequest, map[string]any{"sessionId": "s-1", "requestId": id, "saveBody": true}), &got)
	if got.SavedBody == nil || got.BodyPage == nil || got.BodyPage.Length == 0 {
		t.Fatalf("get_request: %+v", got)
	}
	if files := filesIn(t, dir); len(files) != 1 || files[0] != filepath.Base(got.SavedBody.Path) {
		t.Errorf("saveBody wrote %v, want %s alone", files, got.SavedBody.Path)
	}
	ran(getRequest)

	// get_request as code: the code whole, the rest fitted around it.
	decode(t, serve(getRequest, map[string]any{"sessionId": "s-1", "requestId": id, "as": "curl"}), &got)
	if !strings.HasPrefix(got.Code, "curl 'https://app.test/quotes'") || got.Secrets == nil {
		t.Errorf("get_request as curl: code %q, secrets %v", got.Code, got.Secrets)
	}
	ran(getRequest)

	// send_request sends once, whatever its answer costs to fit.
	var sent api.SendResult
	decode(t, serve(sendRequest, map[string]any{"sessionId": "s-1", "requestId": id}), &sent)
	if sent.Response == nil || sent.BodyPage == nil || sent.BodyPage.Length == 0 || sent.From != "https://app.test" {
		t.Errorf("send_request: %+v", sent)
	}
	ran(sendRequest)

	// A stop with outputPath, of another capture, writes one file. Its
	// result is the overview, here of sockets and event streams whose
	// messages are JSON holding JSON, as chatty ones send: their previews
	// are backslashes and quotes. (Fewer, and the first shape fits; more,
	// and it picks a coarser overview at once.)
	b = newRunning(t)
	message := `{"event":"` + strings.Repeat(`\"`, 100) + `"}`
	for i := range 15 {
		b.socket(fmt.Sprintf("ws%d", i), fmt.Sprintf("wss://app.test/live/%d", i), message, message)
		b.eventSource(fmt.Sprintf("es%d", i), fmt.Sprintf("https://app.test/events/%d", i), message, message)
	}
	var stopped api.StopResult
	decode(t, serve(stopCapture, map[string]any{"sessionId": "s-1", "outputPath": "all.json"}), &stopped)
	if stopped.OutputPath != filepath.Join(dir, "all.json") || stopped.BytesWritten == 0 || stopped.Summary.TotalWsFrames != 30 || stopped.Summary.StreamingResponses != 15 {
		t.Errorf("stop: %+v", stopped)
	}
	if files := filesIn(t, dir); len(files) != 2 {
		t.Errorf("the folder holds %v, want the body and the capture", files)
	}
	ran(stopCapture)
	if b.stops != 1 {
		t.Errorf("the capture was stopped %d times", b.stops)
	}
}

func decode(t *testing.T, res *mcp.CallToolResult, out any) {
	t.Helper()
	if err := json.Unmarshal(res.RawStructuredContent, out); err != nil {
		t.Fatal(err)
	}
}

func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// running is a Backend holding one running capture, session s-1, of a
// fake browser's tab 1. It counts how often an operation looks its
// capture up: once per run.
type running struct {
	t testing.TB
	c *capture.Capture
	browser

	mu      sync.Mutex
	lookups int
	stops   int
}

func newRunning(t testing.TB) *running {
	t.Helper()
	b := &running{t: t, browser: browser{bodies: map[string]string{}}}
	opts := api.Defaults()
	b.c = capture.New("capture_1", 1, opts, &b.browser, nil)
	if err := b.c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.c.Stop("") })
	return b
}

// runs returns the lookups since the last call.
func (b *running) runs() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := b.lookups
	b.lookups = 0
	return n
}

// load makes tab 1 load url, answered with body.
func (b *running) load(id, url, body string) {
	b.browser.mu.Lock()
	b.bodies[id] = body
	b.browser.mu.Unlock()
	ts := 1000.0
	b.feed("Network.requestWillBeSent", map[string]any{"requestId": id, "loaderId": "L1", "documentURL": url, "type": "Fetch", "frameId": "F1",
		"request": map[string]any{"url": url, "method": "GET", "headers": map[string]any{}}, "timestamp": ts, "wallTime": 1764000000.0,
		"initiator": map[string]any{"type": "other"}},
		"Network.responseReceived", map[string]any{"requestId": id, "loaderId": "L1", "timestamp": ts + 0.1, "type": "Fetch",
			"response": map[string]any{"url": url, "status": 200, "statusText": "OK", "headers": map[string]any{"Content-Type": "text/plain"},
				"mimeType": "text/plain", "encodedDataLength": 50, "protocol": "http/1.1"}},
		"Network.loadingFinished", map[string]any{"requestId": id, "timestamp": ts + 0.2, "encodedDataLength": 50 + len(body)})
}

// socket makes tab 1 open a WebSocket to url that receives messages.
func (b *running) socket(id, url string, messages ...string) {
	b.feed("Network.webSocketCreated", map[string]any{"requestId": id, "url": url})
	for i, m := range messages {
		b.feed("Network.webSocketFrameReceived", map[string]any{"requestId": id, "timestamp": 1001.0 + float64(i),
			"response": map[string]any{"opcode": 1, "mask": false, "payloadData": m}})
	}
}

// eventSource makes tab 1 open an EventSource at url that receives
// messages.
func (b *running) eventSource(id, url string, messages ...string) {
	b.feed("Network.requestWillBeSent", map[string]any{"requestId": id, "loaderId": "L1", "documentURL": url, "type": "EventSource", "frameId": "F1",
		"request": map[string]any{"url": url, "method": "GET", "headers": map[string]any{}}, "timestamp": 1000.0, "wallTime": 1764000000.0,
		"initiator": map[string]any{"type": "other"}},
		"Network.responseReceived", map[string]any{"requestId": id, "loaderId": "L1", "timestamp": 1000.1, "type": "EventSource",
			"response": map[string]any{"url": url, "status": 200, "statusText": "OK", "headers": map[string]any{"Content-Type": "text/event-stream"},
				"mimeType": "text/event-stream", "encodedDataLength": 50, "protocol": "http/1.1"}})
	for i, m := range messages {
		b.feed("Network.eventSourceMessageReceived", map[string]any{"requestId": id, "timestamp": 1001.0 + float64(i), "eventName": "message", "eventId": fmt.Sprint(i), "data": m})
	}
}

// feed sends tab 1's events: each a method, then its params.
func (b *running) feed(events ...any) {
	for i := 0; i < len(events); i += 2 {
		p, err := json.Marshal(events[i+1])
		if err != nil {
			b.t.Fatal(err)
		}
		b.c.HandleEvent(capture.Event{TabID: 1, Method: events[i].(string), Params: p})
	}
}

func (b *running) Capture(id, _ string) (Held, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lookups++
	if id != "s-1" {
		return Held{}, api.Errorf(api.CodeNotFound, "session %s not found", id)
	}
	return Held{SessionID: id, Capture: b.c}, nil
}

func (b *running) Stop(c *capture.Capture) {
	b.mu.Lock()
	b.stops++
	b.mu.Unlock()
	c.Stop("")
}

func (b *running) Version() string { return "test" }

// SendRequest answers with the request as the capture holds it and its
// answer: as if sent again, once per run.
func (b *running) SendRequest(_ context.Context, a api.SendRequestArgs) (Sent, error) {
	b.mu.Lock()
	b.lookups++
	b.mu.Unlock()
	d := b.c.Data()
	f, ok := shape.Find(&d, a.RequestID)
	if !ok {
		return Sent{}, api.Errorf(api.CodeNotFound, "request %s not found", a.RequestID)
	}
	req, resp := f.Request, f.Response
	return Sent{SessionID: a.SessionID, ID: "sent", From: "https://app.test", Data: api.Data{
		Requests:  []api.Request{func() api.Request { r := *req; r.RequestID = "sent"; return r }()},
		Responses: []api.Response{func() api.Response { r := *resp; r.RequestID = "sent"; return r }()},
	}}, nil
}

func (b *running) ListTabs(context.Context) (api.ListTabsResult, error) { return b.none() }
func (b *running) InitializeSession(context.Context, api.InitializeSessionArgs) (api.Session, error) {
	return api.Session{}, b.unused()
}
func (b *running) StartCapture(context.Context, api.StartCaptureArgs) (api.StartCaptureResult, error) {
	return api.StartCaptureResult{}, b.unused()
}
func (b *running) Status(string) (api.StatusResult, error) { return api.StatusResult{}, b.unused() }
func (b *running) Clear(string) (api.ClearResult, error)   { return api.ClearResult{}, b.unused() }
func (b *running) ListCaptures() api.ListCapturesResult    { return api.ListCapturesResult{} }
func (b *running) CloseSession(string) (api.CloseSessionResult, error) {
	return api.CloseSessionResult{}, b.unused()
}
func (b *running) none() (api.ListTabsResult, error) { return api.ListTabsResult{}, b.unused() }
func (b *running) unused() error                     { return fmt.Errorf("not in this test") }

// browser answers a capture's commands: bodies by request id, no
// streams, {} to the rest.
type browser struct {
	mu     sync.Mutex
	bodies map[string]string
}

func (*browser) Attach(context.Context, int64, bool) error { return nil }
func (*browser) Detach(context.Context, int64) error       { return nil }

func (*browser) Drain(context.Context, int64) ([]string, error) { return nil, nil }
func (*browser) ReadBodies(context.Context, int64, int) error   { return nil }

func (f *browser) Send(_ context.Context, _ capture.Target, method string, params any, _ int) (json.RawMessage, error) {
	switch method {
	case "Network.streamResourceContent":
		return nil, fmt.Errorf("not a stream")
	case "Network.getResponseBody":
	default:
		return json.RawMessage(`{}`), nil
	}
	b, _ := json.Marshal(params) // as the browser reads it
	var ref struct {
		RequestID string `json:"requestId"`
	}
	json.Unmarshal(b, &ref)
	id := ref.RequestID

	f.mu.Lock()
	defer f.mu.Unlock()
	return json.Marshal(map[string]any{"body": f.bodies[id], "base64Encoded": false})
}
