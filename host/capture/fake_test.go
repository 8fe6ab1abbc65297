package capture

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/tabtap/tabtap/host/api"
	"sync"
	"testing"
	"time"
)

// fakeBrowser answers a capture's commands from a table, and records them.
type fakeBrowser struct {
	mu       sync.Mutex
	bodies   map[string]fakeBody // by request id
	stream   map[string]string   // bufferedData (base64) by request id
	calls    []string
	attached map[int64]bool
	delay    time.Duration
	refuse   map[string]error // by "method sessionId": commands the browser refuses
	gate     chan struct{}    // when set, getResponseBody waits for it to close
	// gateStream, when set, makes streamResourceContent wait for it to close.
	gateStream chan struct{}
	entered    chan string // when set, told of each getResponseBody that waits at the gate
	// drain, when set, answers Drain (a stop's barrier); without it every
	// drain succeeds at once.
	drain func(tab int64) ([]string, error)
}

type fakeBody struct {
	body   string
	base64 bool
}

func newFakeBrowser() *fakeBrowser {
	return &fakeBrowser{bodies: map[string]fakeBody{}, stream: map[string]string{}, attached: map[int64]bool{}, refuse: map[string]error{}}
}

func (f *fakeBrowser) Attach(_ context.Context, tab int64, _ bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attached[tab] = true
	f.calls = append(f.calls, fmt.Sprintf("attach %d", tab))
	return nil
}

func (f *fakeBrowser) Detach(_ context.Context, tab int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.attached, tab)
	f.calls = append(f.calls, fmt.Sprintf("detach %d", tab))
	return nil
}

// ReadBodies records the call; the tests mark loadingFinished events with
// BodyFollows themselves and send the bodies as the extension would.
func (f *fakeBrowser) ReadBodies(_ context.Context, tab int64, maxField int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("bodies %d %d", tab, maxField))
	return nil
}

func (f *fakeBrowser) Drain(_ context.Context, tab int64) ([]string, error) {
	f.mu.Lock()
	f.calls = append(f.calls, fmt.Sprintf("drain %d", tab))
	drain := f.drain
	f.mu.Unlock()
	if drain == nil {
		return nil, nil
	}
	return drain(tab)
}

func (f *fakeBrowser) Send(ctx context.Context, t Target, method string, params any, maxField int) (json.RawMessage, error) {
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	id := requestIDOf(params)
	f.mu.Lock()
	gate, entered, gateStream := f.gate, f.entered, f.gateStream
	f.mu.Unlock()
	if gateStream != nil && method == "Network.streamResourceContent" {
		<-gateStream
	}
	if gate != nil && method == "Network.getResponseBody" {
		if entered != nil {
			entered <- id
		}
		<-gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, method+" "+t.SessionID)
	if err := f.refuse[method+" "+t.SessionID]; err != nil {
		return nil, err
	}
	switch method {
	case "Network.getResponseBody":
		b, ok := f.bodies[id]
		if !ok {
			return nil, errors.New("No resource with given identifier found")
		}
		res := map[string]any{"body": b.body, "base64Encoded": b.base64}
		if maxField > 0 && len(b.body) > maxField {
			res["body"] = b.body[:maxField]
			res["_truncated"] = map[string]int{"body": len(b.body)}
		}
		return json.Marshal(res)
	case "Network.streamResourceContent":
		data, ok := f.stream[id]
		if !ok {
			return nil, errors.New("Request not found")
		}
		return json.Marshal(map[string]any{"bufferedData": data})
	}
	return json.RawMessage(`{}`), nil
}

func (f *fakeBrowser) called(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if len(c) >= len(prefix) && c[:len(prefix)] == prefix {
			n++
		}
	}
	return n
}

// started returns a running capture of tab 1 over a fake browser.
func started(t *testing.T, s api.Settings) (*Capture, *fakeBrowser) {
	t.Helper()
	opts, err := s.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	b := newFakeBrowser()
	c := New("capture_test_1", 1, opts, b, nil)
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c, b
}

// feed sends events of tab 1 to c; each is a method and its params.
func feed(c *Capture, events ...any) {
	for i := 0; i < len(events); i += 2 {
		p, err := json.Marshal(events[i+1])
		if err != nil {
			panic(err)
		}
		c.HandleEvent(Event{TabID: 1, Method: events[i].(string), Params: p})
	}
}

// recorded reads a recording made with TABTAP_RECORD: one event per line.
func recorded(t testing.TB, name string) []Event {
	t.Helper()
	b, err := readTestdata(name)
	if err != nil {
		t.Fatal(err)
	}
	var out []Event
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var e struct {
			TabID       int64           `json:"tabId"`
			SessionID   string          `json:"sessionId"`
			Method      string          `json:"method"`
			Params      json.RawMessage `json:"params"`
			BodyFollows bool            `json:"bodyFollows"`
		}
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, Event(e))
	}
	return out
}

// replaying starts a capture of the recording's first tab, with its other
// tabs (popups) added, over a fake browser prepared by prepare.
func replaying(t *testing.T, evs []Event, s api.Settings, prepare func(*fakeBrowser)) (*Capture, *fakeBrowser) {
	t.Helper()
	opts, err := s.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	b := newFakeBrowser()
	if prepare != nil {
		prepare(b)
	}
	c := New("capture_replay", evs[0].TabID, opts, b, nil)
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if !c.HasTab(ev.TabID) {
			if err := c.AddTab(context.Background(), ev.TabID); err != nil {
				t.Fatal(err)
			}
		}
	}
	return c, b
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// settle waits for the capture's background fetches.
func settle(c *Capture) { c.pending.Wait() }

// requestIDOf reads the requestId a command's parameters carry, through
// JSON as the browser reads them.
func requestIDOf(params any) string {
	b, _ := json.Marshal(params)
	var r requestRef
	json.Unmarshal(b, &r)
	return r.RequestID
}
