package capture

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
)

// views are the Capture's methods that hand records out: each goes
// through Capture.view, which scrubs them.
var views = map[string]func(c *Capture) any{
	"Data": func(c *Capture) any { return c.Data() },
	"Records": func(c *Capture) any {
		var all []api.Data
		for _, r := range c.Data().Requests {
			all = append(all, c.Records(r.RequestID))
		}
		return all
	},
	"Snapshot": func(c *Capture) any { st, d := c.Snapshot(); return []any{st, d} },
	"Save":     func(c *Capture) any { return c.Save() },
	"Since": func(c *Capture) any {
		xs, frames, _ := c.Since(Progress{})
		return []any{xs, frames}
	},
	// send_request's answer, made by the daemon: here the raw records.
	"ViewSent": func(c *Capture) any {
		c.mu.Lock()
		t := c.copyData()
		c.mu.Unlock()
		d := t.data
		d.WSFrames = t.frames.frames(0, t.frames.len)
		return c.ViewSent(d)
	},
}

// unscrubbed are the methods that hand records out as the browser sent
// them, with why that is safe.
var unscrubbed = map[string]string{
	"Unredacted": "send_request alone: the request is sent again from the person's browser and never leaves the daemon",
}

// holdsRecords reports whether a value of type t can hold a record.
func holdsRecords(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t {
	case reflect.TypeOf(api.Request{}), reflect.TypeOf(api.Response{}), reflect.TypeOf(api.WSFrame{}), reflect.TypeOf(api.StreamingResponse{}):
		return true
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return holdsRecords(t.Elem(), seen)
	case reflect.Map:
		return holdsRecords(t.Key(), seen) || holdsRecords(t.Elem(), seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if holdsRecords(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// TestRecordsLeaveOnlyThroughViews fails when a method of Capture hands
// out records without being one of the views (or listed, with why, in
// unscrubbed), and checks that each view
// hides a secret the capture learned.
func TestRecordsLeaveOnlyThroughViews(t *testing.T) {
	ct := reflect.TypeOf(&Capture{})
	for i := 0; i < ct.NumMethod(); i++ {
		m := ct.Method(i)
		for j := 0; j < m.Type.NumOut(); j++ {
			if holdsRecords(m.Type.Out(j), map[reflect.Type]bool{}) {
				_, exempt := unscrubbed[m.Name]
				if _, ok := views[m.Name]; !ok && !exempt {
					t.Errorf("Capture.%s hands out records without going through Capture.view (view.go): make it a view and list it in views", m.Name)
				}
			}
		}
	}

	const token = "Zq8vR2mX7kP4wL9tB3nY6cH1"
	c, b := started(t, api.Settings{})
	b.bodies["1"] = fakeBody{body: `{"access_token":"` + token + `","token_type":"Bearer"}`}
	b.bodies["2"] = fakeBody{body: `your token: ` + token}
	feed(c,
		"Network.requestWillBeSent", req("1", "https://app.test/login", "POST", t0, nil),
		"Network.responseReceived", resp("1", "https://app.test/login", 200, t0+0.01, map[string]any{"Content-Type": "application/json"}, "application/json"),
		"Network.loadingFinished", finished("1", t0+0.02),
	)
	settle(c)
	feed(c,
		"Network.requestWillBeSent", req("2", "https://app.test/me", "GET", t0+0.03, map[string]any{
			"request": map[string]any{"url": "https://app.test/me", "method": "GET", "headers": map[string]any{"Authorization": "Bearer " + token}},
		}),
		"Network.responseReceived", resp("2", "https://app.test/me", 200, t0+0.04, map[string]any{"Content-Type": "text/plain"}, "text/plain"),
		"Network.loadingFinished", finished("2", t0+0.05),
		"Network.webSocketCreated", map[string]any{"requestId": "ws", "url": "wss://app.test/ws"},
		"Network.webSocketFrameSent", map[string]any{"requestId": "ws", "timestamp": t0 + 0.06,
			"response": map[string]any{"opcode": 1, "mask": true, "payloadData": `{"auth":"` + token + `"}`}},
		"Network.webSocketFrameReceived", map[string]any{"requestId": "ws", "timestamp": t0 + 0.07,
			"response": map[string]any{"opcode": 1, "mask": false, "payloadData": `{"auth":"ok"}`}},
	)
	settle(c)
	for name, view := range views {
		b, err := json.Marshal(view(c))
		if err != nil {
			t.Fatal(err)
		}
		out := string(b)
		if strings.Contains(out, token) {
			t.Errorf("%s holds the token", name)
		}
		for _, want := range []string{`"token_type\":\"Bearer\"`, `{\"auth\":\"ok\"}`, `"payload:$.auth"`, `"header:Authorization"`, `"body:$.access_token"`} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %s: %s", name, want, out)
			}
		}
	}
	st, _ := c.Snapshot()
	if r := st.Redacted; r == nil || r.Records != 4 || r.Places["header:Authorization"] != 1 || r.Places["body"] != 1 {
		t.Errorf("the snapshot's count: %+v", r)
	}
}

// TestRecordsOfOneRequest reads the records of one request as Data holds
// them: its redirect hops, its response, its socket's frames, its stream,
// and nothing of the others.
func TestRecordsOfOneRequest(t *testing.T) {
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	d := api.Data{
		Requests: []api.Request{
			{RequestID: "1:redirected.1", URL: "https://a.test/login", Method: "POST", Timestamp: at},
			{RequestID: "1", URL: "https://a.test/home", Method: "GET", Timestamp: at},
			{RequestID: "10", URL: "https://a.test/other", Method: "GET", Timestamp: at},
			{RequestID: "ws", URL: "wss://a.test/s", Method: "GET", ResourceType: "WebSocket", Timestamp: at},
		},
		Responses: []api.Response{
			{RequestID: "1:redirected.1", Status: 303, Timestamp: at},
			{RequestID: "1", Status: 200, Timestamp: at},
			{RequestID: "10", Status: 404, Timestamp: at},
			{RequestID: "ws", Status: 101, Timestamp: at},
		},
		WSFrames: []api.WSFrame{
			{RequestID: "ws", URL: "wss://a.test/s", Direction: "sent", Opcode: 1, Payload: "a", Length: 1, Timestamp: at},
			{RequestID: "ws2", URL: "wss://a.test/t", Direction: "sent", Opcode: 1, Payload: "b", Length: 1, Timestamp: at},
			{RequestID: "ws", URL: "wss://a.test/s", Direction: "received", Opcode: 1, Payload: "c", Length: 1, Timestamp: at},
		},
		StreamingResponses: []api.StreamingResponse{{RequestID: "10", Kind: "chunked", Timestamp: at}},
	}
	opts, err := api.Settings{}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	opts.RedactSecrets = false
	c := Restore(Saved{ID: "c", Options: opts, Data: d})
	all := c.Data()
	for _, id := range []string{"1", "1:redirected.1", "10", "ws", "ws2", "nope"} {
		got := c.Records(id)
		base := api.BaseID(id)
		var want api.Data
		for _, r := range all.Requests {
			if api.BaseID(r.RequestID) == base {
				want.Requests = append(want.Requests, r)
			}
		}
		for _, r := range all.Responses {
			if api.BaseID(r.RequestID) == base {
				want.Responses = append(want.Responses, r)
			}
		}
		for _, f := range all.WSFrames {
			if f.RequestID == base {
				want.WSFrames = append(want.WSFrames, f)
			}
		}
		for _, s := range all.StreamingResponses {
			if s.RequestID == base {
				want.StreamingResponses = append(want.StreamingResponses, s)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Records(%q) =\n%+v\nwant\n%+v", id, got, want)
		}
	}
}
