// Package capturetest gives the tests of packages that read what a
// capture holds real records: recorded DevTools events (made with
// TABTAP_RECORD) replayed through the capture engine, assembled and
// scrubbed as they leave it (recordings hold no bodies: a test gives
// them, and a table-driven browser answers the engine's body fetches);
// captures saved whole from real Chromium (stop_network_capture with
// outputPath); and a synthetic load capture for benchmarks.
package capturetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
)

// Body is a response body the browser gives for a request.
type Body struct {
	Text string
	// Base64 is true when Text is base64, as the browser gives binary
	// bodies.
	Base64 bool
}

// Testdata is the path of a recording in the capture engine's testdata.
func Testdata(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", name)
}

// Recorded reads a recording: one event per line.
func Recorded(tb testing.TB, path string) []capture.Event {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out []capture.Event
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var e struct {
			TabID       int64           `json:"tabId"`
			SessionID   string          `json:"sessionId"`
			Method      string          `json:"method"`
			Params      json.RawMessage `json:"params"`
			BodyFollows bool            `json:"bodyFollows"`
		}
		if err := json.Unmarshal(line, &e); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		out = append(out, capture.Event(e))
	}
	return out
}

// Saved reads a capture saved whole by stop_network_capture's outputPath:
// its records, as they left the engine. notebook-capture.json is the
// end-to-end test's notebook app (host/e2e/api_site_test.go) captured in
// Chromium.
func Saved(tb testing.TB, path string) *api.Data {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var res api.StopResult
	if err := json.Unmarshal(b, &res); err != nil || res.Data == nil {
		tb.Fatalf("%s is not a saved capture: %v", path, err)
	}
	return res.Data
}

// Replay feeds a recording to a capture of its first tab (its other tabs
// joining as popups do), stops it, and returns what it holds. bodies maps
// a part of a URL to the body of every request whose URL holds it.
func Replay(tb testing.TB, path string, s api.Settings, bodies map[string]Body) api.Data {
	tb.Helper()
	evs := Recorded(tb, path)
	opts, err := s.Resolve()
	if err != nil {
		tb.Fatal(err)
	}
	b := &browser{bodies: map[string]Body{}}
	for _, ev := range evs {
		if ev.Method != "Network.requestWillBeSent" {
			continue
		}
		var p struct {
			RequestID string `json:"requestId"`
			Request   struct {
				URL string `json:"url"`
			} `json:"request"`
		}
		if json.Unmarshal(ev.Params, &p) != nil {
			continue
		}
		for part, body := range bodies {
			if strings.Contains(p.Request.URL, part) {
				b.bodies[p.RequestID] = body
			}
		}
	}
	ctx := context.Background()
	c := capture.New("capture_replay", evs[0].TabID, opts, b, nil)
	if err := c.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	for _, ev := range evs {
		if !c.HasTab(ev.TabID) {
			if err := c.AddTab(ctx, ev.TabID); err != nil {
				tb.Fatal(err)
			}
		}
		c.HandleEvent(ev)
	}
	c.Stop("")
	return c.Data()
}

// browser answers body fetches from a table, and every other command with
// an empty result.
type browser struct {
	mu     sync.Mutex
	bodies map[string]Body // by request id
}

func (b *browser) Attach(context.Context, int64, bool) error { return nil }
func (b *browser) Detach(context.Context, int64) error       { return nil }

// ReadBodies is accepted, and changes nothing: the recorded events mark
// no body as following, so the capture asks Send for each.
func (b *browser) ReadBodies(context.Context, int64, int) error { return nil }

// Drain has nothing to wait for: every event was handed over already.
func (b *browser) Drain(context.Context, int64) ([]string, error) { return nil, nil }

func (b *browser) Send(_ context.Context, _ capture.Target, method string, params any, _ int) (json.RawMessage, error) {
	if method != "Network.getResponseBody" {
		return json.RawMessage(`{}`), nil
	}
	id := requestIDOf(params)
	b.mu.Lock()
	body, ok := b.bodies[id]
	b.mu.Unlock()
	if !ok {
		return nil, errors.New("No resource with given identifier found")
	}
	return json.Marshal(map[string]any{"body": body.Text, "base64Encoded": body.Base64})
}

// requestIDOf reads the requestId a command's parameters carry, through
// JSON as the browser reads them.
func requestIDOf(params any) string {
	b, _ := json.Marshal(params)
	var p struct {
		RequestID string `json:"requestId"`
	}
	json.Unmarshal(b, &p)
	return p.RequestID
}
