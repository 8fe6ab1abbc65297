package capture

import (
	"encoding/base64"
	"encoding/json"
	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/redact"
	"strings"
	"testing"
)

// The recordings in testdata are what Chromium 156 sent for the end-to-end
// test pages (made with TABTAP_RECORD). Replayed without a browser, they
// test the assembly of real event sequences: bodies are not in them, the
// fake browser answers those.

// idAndURL is what idOf reads of a request's first event.
type idAndURL struct {
	RequestID string `json:"requestId"`
	URL       string `json:"url"`
	Request   struct {
		URL string `json:"url"`
	} `json:"request"`
}

// idOf finds the request id of the first request whose URL has urlPart.
func idOf(evs []Event, urlPart string) string {
	for _, ev := range evs {
		if ev.Method != "Network.requestWillBeSent" && ev.Method != "Network.webSocketCreated" {
			continue
		}
		var p idAndURL
		if decode(ev, func(v *idAndURL) { p = *v }) == nil && strings.Contains(p.Request.URL+p.URL, urlPart) {
			return p.RequestID
		}
	}
	return ""
}

func byURL(d api.Data, part string) (*api.Request, *api.Response) {
	for i := range d.Requests {
		if strings.Contains(d.Requests[i].URL, part) {
			r := &d.Requests[i]
			for j := range d.Responses {
				if d.Responses[j].RequestID == r.RequestID {
					return r, &d.Responses[j]
				}
			}
			return r, nil
		}
	}
	return nil, nil
}

func TestReplayHTTPPage(t *testing.T) {
	evs := recorded(t, "http-page.jsonl")
	c, _ := replaying(t, evs, api.Settings{}, func(b *fakeBrowser) {
		b.bodies[idOf(evs, "/api/get")] = fakeBody{body: `{"items":[1,2,3]}`}
	})
	for _, ev := range evs {
		c.HandleEvent(ev)
	}
	settle(c)
	d := c.Data()
	if len(d.Requests) < 12 || len(d.Responses) != len(d.Requests) {
		t.Fatalf("%d requests, %d responses", len(d.Requests), len(d.Responses))
	}
	if _, r := byURL(d, "/api/get"); r == nil || r.Body != `{"items":[1,2,3]}` || r.Status != 200 {
		t.Errorf("GET /api/get: %+v", r)
	}
	hop, hopResp := byURL(d, "/redirect")
	final, _ := byURL(d, "/api/final")
	if hop == nil || hopResp == nil || hopResp.Status != 302 || !strings.HasSuffix(hop.RequestID, ":redirected.1") ||
		final == nil || !strings.HasSuffix(final.RedirectedFrom, "/redirect") {
		t.Errorf("redirect chain: %+v %+v %+v", hop, hopResp, final)
	}
	if _, r := byURL(d, "/missing"); r == nil || r.Status != 404 {
		t.Errorf("404: %+v", r)
	}
	if req, _ := byURL(d, "/api/post"); req == nil || req.PostData != `{"hello":"world","n":42}` {
		t.Errorf("POST body: %+v", req)
	}
	// The recording holds the secrets in the clear; the capture does not.
	if req, _ := byURL(d, "/api/auth"); req == nil || req.Headers["Authorization"] != "Bearer "+redact.Redacted {
		t.Errorf("Authorization: %+v", req)
	}
	for _, r := range d.Responses {
		for k, v := range r.Headers {
			if strings.EqualFold(k, "Set-Cookie") && v != "tt_session="+redact.Redacted+"; Path=/" {
				t.Errorf("Set-Cookie kept: %q", v)
			}
		}
	}
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"s3cret-token-e2e", "cookie-secret-value-e2e"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("the capture's data holds %q", secret)
		}
	}
	// Every request's raw headers were merged, whatever order they came in.
	for _, r := range d.Requests {
		if !r.HeadersRaw && !strings.HasPrefix(r.URL, "data:") {
			t.Errorf("no raw headers for %s", r.URL)
		}
	}
}

func TestReplayLivePage(t *testing.T) {
	evs := recorded(t, "live-page.jsonl")
	stream := idOf(evs, "/stream")
	// What the browser had buffered when streaming was armed comes back
	// in the command's reply, not as an event: the first chunk.
	c, _ := replaying(t, evs, api.Settings{}, func(b *fakeBrowser) { b.stream[stream] = b64("chunk one;") })
	for _, ev := range evs {
		c.HandleEvent(ev)
	}
	settle(c)
	d := c.Data()

	ws, wsResp := byURL(d, "/ws")
	if ws == nil || ws.ResourceType != "WebSocket" || wsResp == nil || wsResp.Status != 101 || !wsResp.WebSocket.Closed {
		t.Fatalf("WebSocket: %+v %+v", ws, wsResp)
	}
	var got []string
	for _, f := range d.WSFrames {
		if f.Binary {
			raw, _ := base64.StdEncoding.DecodeString(f.Payload)
			got = append(got, f.Direction+":"+string(rune(len(raw)+'0')))
		} else {
			got = append(got, f.Direction+":"+f.Payload)
		}
	}
	if strings.Join(got, " ") != "received:welcome sent:hello received:echo:hello sent:5 received:5" {
		t.Errorf("frames: %v", got)
	}

	var es, chunked *api.StreamingResponse
	for i := range d.StreamingResponses {
		switch d.StreamingResponses[i].Kind {
		case "eventsource":
			es = &d.StreamingResponses[i]
		case "chunked":
			chunked = &d.StreamingResponses[i]
		}
	}
	if es == nil || len(es.Messages) != 3 || es.Messages[0].EventName != "tick" || es.Messages[2].Data != "three" {
		t.Errorf("EventSource: %+v", es)
	}
	if chunked == nil || len(chunked.Chunks) < 2 || !chunked.Complete {
		t.Fatalf("streamed body: %+v", chunked)
	}
	var whole strings.Builder
	for _, ch := range chunked.Chunks {
		whole.WriteString(ch.Data)
	}
	if whole.String() != "chunk one;chunk two;chunk three;chunk four." {
		t.Errorf("chunks join to %q", whole.String())
	}
	if _, r := byURL(d, "/stream"); r == nil || r.Body != whole.String() {
		t.Errorf("the streamed response's body: %+v", r)
	}

	for part, target := range map[string]string{"/frame-api": "iframe", "/worker-api": "worker"} {
		if r, _ := byURL(d, part); r == nil || r.Target != target || r.TargetID == "" {
			t.Errorf("%s: %+v", part, r)
		}
	}
	if r, _ := byURL(d, "/popup-api"); r == nil || r.TabID == c.MainTab() {
		t.Errorf("popup request: %+v", r)
	}
}

// TestReplayStopsAndStartsMidway replays the live page with the capture
// starting late (events for requests it never saw) and stopping early
// (frames after the stop).
func TestReplayStopsAndStartsMidway(t *testing.T) {
	evs := recorded(t, "live-page.jsonl")
	c, _ := replaying(t, evs, api.Settings{}, nil)
	from, to := len(evs)/4, len(evs)*3/4
	for _, ev := range evs[from:to] {
		c.HandleEvent(ev)
	}
	c.Stop("")
	before := c.Status().Summary
	for _, ev := range evs[to:] {
		c.HandleEvent(ev)
	}
	if after := c.Status().Summary; after != before {
		t.Errorf("events after the stop changed the capture: %+v → %+v", before, after)
	}
	for _, r := range c.Data().Requests {
		if r.Partial && (r.Method != "" || r.URL == "") {
			t.Errorf("a partial record: %+v", r)
		}
	}
}
