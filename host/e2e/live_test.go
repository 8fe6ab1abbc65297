package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/har/hartest"
)

// TestCaptureEverythingAPageDoes captures WebSocket frames, EventSource
// messages, a streamed body, a cross-site iframe, a worker and a popup from
// one real tab, then exports the capture as HAR 1.2 and validates it.
func TestCaptureEverythingAPageDoes(t *testing.T) {
	e := newEnv(t)
	site := newLiveSite(t)
	e.launch()

	sess, _ := e.capturePage(site.site, "/live")
	// A person clicks the page's link, which opens a popup.
	e.click("/live", "#pop")
	waitFor(t, "the popup's request", func() bool { return contains(site.requests(), "GET", "/popup-api") })
	// The server answering comes before the browser reports it: wait until
	// the capture holds every request the servers saw, answered.
	waitFor(t, "the capture to hold every request the servers saw", func() bool {
		var page api.GetDataResult
		e.tool("get_network_capture_data", map[string]any{"sessionId": sess.SessionID, "limit": 500, "includeBodies": false}, &page)
		for _, s := range site.requests() {
			r := findAny(&page.Data, s.Method, s.Path)
			if r == nil || responseByID(&page.Data, r.RequestID) == nil {
				return false
			}
		}
		return true
	})
	st := e.status(sess.SessionID, "the popup's and the stream's records", func(st api.StatusResult) bool {
		c := st.CurrentStats
		return c.StreamingResponses >= 2 && c.WSFrames >= 5 && c.Requests == c.Responses
	})
	if len(st.Tab.FollowedTabs) != 1 {
		t.Errorf("the popup was not followed: %+v", st.Tab)
	}

	var stopped api.StopResult
	e.tool("stop_network_capture", map[string]any{"sessionId": sess.SessionID}, &stopped)
	// The stop drained the tab, the popup, the iframe's session and the
	// worker's.
	if stopped.Dropped.Undrained != 0 {
		t.Errorf("the stop could not drain every target: %+v", stopped.Dropped)
	}
	full, _ := e.wholeCapture(sess.SessionID)
	d := full.Data
	t.Logf("captured %d requests, %d responses, %d frames, %d streaming responses", len(d.Requests), len(d.Responses), len(d.WSFrames), len(d.StreamingResponses))
	byTheWorker, asked := e.bodyReads(stopped.CaptureID)
	t.Logf("bodies read by the service worker as their responses ended: %d; asked for by the daemon: %d", byTheWorker, asked)
	if byTheWorker == 0 {
		t.Errorf("the service worker read no body on its own")
	}
	defer func() {
		// One record of each kind, as a person reading -v output sees them.
		for _, f := range d.WSFrames[:min(2, len(d.WSFrames))] {
			t.Logf("wsFrame: %s", mustJSON(f))
		}
		for _, s := range d.StreamingResponses {
			t.Logf("streamingResponse: %s", mustJSON(s))
		}
		for _, p := range []string{"/frame-api", "/worker-api", "/popup-api", "/popup"} {
			if r := findAny(d, "GET", p); r != nil {
				t.Logf("request %s: %s", p, mustJSON(map[string]any{"requestId": r.RequestID, "url": r.URL, "method": r.Method, "tabId": r.TabID, "target": r.Target, "targetId": r.TargetID, "partial": r.Partial}))
			}
		}
	}()

	// Every request that reached either server is in the capture.
	for _, s := range site.requests() {
		if findAny(d, s.Method, s.Path) == nil {
			t.Errorf("%s %s reached a server but is not in the capture", s.Method, s.Path)
		}
	}

	// WebSocket: handshake, then every frame both ways, in order.
	ws := findAny(d, "GET", "/ws")
	if ws == nil || ws.ResourceType != "WebSocket" || !strings.HasPrefix(ws.URL, "ws://") {
		t.Fatalf("the WebSocket's request: %+v", ws)
	}
	if r := responseByID(d, ws.RequestID); r == nil || r.Status != 101 || r.WebSocket == nil || !r.WebSocket.Closed {
		t.Errorf("the WebSocket's handshake response: %+v", r)
	}
	type frame struct {
		dir, payload string
		binary       bool
	}
	want := []frame{
		{"received", "welcome", false}, {"sent", "hello", false}, {"received", "echo:hello", false},
		{"sent", base64.StdEncoding.EncodeToString(wsBinarySent), true}, {"received", base64.StdEncoding.EncodeToString(wsBinaryReceived), true},
	}
	var got []frame
	var last time.Time
	for _, f := range d.WSFrames {
		if f.RequestID != ws.RequestID || f.Opcode == 8 {
			continue
		}
		if f.URL != ws.URL || f.Timestamp.Before(last) {
			t.Errorf("frame %+v: url or order wrong", f)
		}
		last = f.Timestamp
		got = append(got, frame{f.Direction, f.Payload, f.Binary})
	}
	if mustJSON(got) != mustJSON(want) {
		t.Errorf("frames:\n got  %+v\n want %+v", got, want)
	}

	// EventSource: each message with its name, id and data.
	es := streamFor(d, "/events")
	if es == nil || es.Kind != "eventsource" || len(es.Messages) != len(eventSource) {
		t.Fatalf("the EventSource: %+v", es)
	}
	for i, m := range es.Messages {
		w := eventSource[i]
		if m.EventName != w.Name || m.EventID != w.ID || m.Data != w.Data || m.Timestamp.IsZero() {
			t.Errorf("message %d: %+v, want %+v", i, m, w)
		}
	}

	// The streamed body: its chunks in order, and the whole body on the response.
	sb := streamFor(d, "/stream")
	if sb == nil || sb.Kind != "chunked" || len(sb.Chunks) < 2 || !sb.Complete {
		t.Fatalf("the streamed body: %+v", sb)
	}
	var joined strings.Builder
	for _, c := range sb.Chunks {
		joined.WriteString(c.Data)
	}
	if whole := strings.Join(streamChunks, ""); joined.String() != whole {
		t.Errorf("chunks join to %q, want %q", joined.String(), whole)
	}
	if r := responseByID(d, sb.RequestID); r == nil || r.Body != strings.Join(streamChunks, "") {
		t.Errorf("the streamed response's body: %+v", r)
	}

	// Other targets: the iframe and the worker say where they come from.
	for _, c := range []struct{ path, target, body string }{
		{"/frame-api", "iframe", "from the other site"},
		{"/worker-api", "worker", "from the worker's fetch"},
	} {
		r := findAny(d, "GET", c.path)
		if r == nil || r.Target != c.target || r.TargetID == "" || r.TabID != sess.TabID {
			t.Errorf("%s: %+v, want target %s", c.path, r, c.target)
			continue
		}
		if resp := responseByID(d, r.RequestID); resp == nil || resp.Body != c.body {
			t.Errorf("%s response: %+v", c.path, resp)
		}
	}
	if r := findAny(d, "GET", "/frame-api"); r != nil && !strings.HasPrefix(r.URL, site.Other) {
		t.Errorf("the iframe's request went to %s, want %s", r.URL, site.Other)
	}

	// The popup: its own tab, in the same capture.
	if r := findAny(d, "GET", "/popup-api"); r == nil || r.TabID == sess.TabID || r.TabID == 0 {
		t.Errorf("the popup's request: %+v", r)
	}
	if r := findAny(d, "GET", "/popup"); r != nil {
		t.Logf("the popup's first load: method %q, partial %v, tab %d", r.Method, r.Partial, r.TabID)
	}

	// HAR 1.2 of the same capture, valid, with the WebSocket's messages.
	var harRes api.StopResult
	e.tool("stop_network_capture", map[string]any{"sessionId": sess.SessionID, "format": "har"}, &harRes)
	harJSON, err := json.Marshal(harRes.HAR)
	if err != nil {
		t.Fatal(err)
	}
	if err := hartest.Validate(harJSON); err != nil {
		t.Fatalf("the HAR does not validate: %v", err)
	}
	var doc struct {
		Log struct {
			Pages   []json.RawMessage `json:"pages"`
			Entries []struct {
				Request  struct{ URL string } `json:"request"`
				Messages []struct {
					Type string  `json:"type"`
					Time float64 `json:"time"`
					Data string  `json:"data"`
				} `json:"_webSocketMessages"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(harJSON, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Log.Entries) != len(d.Requests) || len(doc.Log.Pages) != 2 {
		t.Errorf("HAR: %d entries for %d requests, %d pages (want 2: the tab and its popup)", len(doc.Log.Entries), len(d.Requests), len(doc.Log.Pages))
	}
	found := false
	for _, en := range doc.Log.Entries {
		if strings.HasSuffix(en.Request.URL, "/ws") {
			found = len(en.Messages) >= 5 && en.Messages[0].Type == "receive" && en.Messages[0].Data == "welcome" && en.Messages[1].Type == "send"
		}
	}
	if !found {
		t.Error("the HAR's WebSocket entry lacks its _webSocketMessages")
	}
	t.Logf("HAR: %d entries, %d bytes, valid HAR 1.2", len(doc.Log.Entries), len(harJSON))
}

// findAny finds a request by method and path on any site. A partial
// record (a request under way before it could be seen, such as a popup's
// first load on a fast server) has no method and matches any.
func findAny(d *api.Data, method, path string) *api.Request {
	for i := range d.Requests {
		r := &d.Requests[i]
		u := r.URL
		if i := strings.Index(u, "://"); i >= 0 {
			u = u[i+3:]
		}
		if i := strings.Index(u, "/"); i >= 0 {
			u = u[i:]
		}
		if i := strings.IndexAny(u, "?#"); i >= 0 {
			u = u[:i]
		}
		if (r.Method == method || r.Partial && r.Method == "") && u == path {
			return r
		}
	}
	return nil
}

func streamFor(d *api.Data, path string) *api.StreamingResponse {
	for i := range d.StreamingResponses {
		if strings.Contains(d.StreamingResponses[i].URL, path) {
			return &d.StreamingResponses[i]
		}
	}
	return nil
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(bytes.TrimSpace(b))
}
