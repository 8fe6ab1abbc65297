package capture

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/redact"
)

const t0 = 1000.0 // monotonic seconds of the first event
const wall0 = 1764000000.0

func req(id, url, method string, ts float64, extra map[string]any) map[string]any {
	p := map[string]any{
		"requestId": id, "loaderId": "L1", "documentURL": "https://app.test/",
		"request":   map[string]any{"url": url, "method": method, "headers": map[string]any{"Accept": "*/*"}, "initialPriority": "High", "referrerPolicy": "no-referrer"},
		"timestamp": ts, "wallTime": wall0 + (ts - t0), "initiator": map[string]any{"type": "script"},
		"type": "Fetch", "frameId": "F1",
	}
	for k, v := range extra {
		p[k] = v
	}
	return p
}

func resp(id, url string, status int, ts float64, headers map[string]any, mime string) map[string]any {
	return map[string]any{
		"requestId": id, "loaderId": "L1", "timestamp": ts, "type": "Fetch",
		"response": map[string]any{
			"url": url, "status": status, "statusText": "", "headers": headers, "mimeType": mime,
			"remoteIPAddress": "127.0.0.1", "remotePort": 8080, "encodedDataLength": 100, "protocol": "http/1.1",
			"timing": map[string]any{"requestTime": ts - 0.05, "dnsStart": 0, "dnsEnd": 1, "connectStart": 1, "connectEnd": 3,
				"sslStart": -1, "sslEnd": -1, "sendStart": 3, "sendEnd": 4, "receiveHeadersEnd": 20},
		},
	}
}

func finished(id string, ts float64) map[string]any {
	return map[string]any{"requestId": id, "timestamp": ts, "encodedDataLength": 321}
}

func TestRequestResponseBody(t *testing.T) {
	c, b := started(t, api.Settings{})
	b.bodies["1.1"] = fakeBody{body: `{"ok":true}`}
	feed(c,
		"Network.requestWillBeSent", req("1.1", "https://app.test/api?x=1", "POST", t0, map[string]any{
			"request": map[string]any{"url": "https://app.test/api?x=1", "method": "POST", "headers": map[string]any{"Content-Type": "application/json", "Authorization": "Bearer abc"},
				"hasPostData": true, "postDataEntries": []any{map[string]any{"bytes": b64(`{"q":`)}, map[string]any{"bytes": b64(`1}`)}}},
		}),
		"Network.responseReceived", resp("1.1", "https://app.test/api?x=1", 200, t0+0.1, map[string]any{"Content-Type": "application/json", "Content-Length": "11"}, "application/json"),
		"Network.loadingFinished", finished("1.1", t0+0.2),
	)
	settle(c)
	d := c.Data()
	if len(d.Requests) != 1 || len(d.Responses) != 1 {
		t.Fatalf("got %d requests, %d responses", len(d.Requests), len(d.Responses))
	}
	r := d.Requests[0]
	if r.PostData != `{"q":1}` || r.Headers["Authorization"] != "Bearer "+redact.Redacted || r.Method != "POST" {
		t.Errorf("request: %+v", r)
	}
	if want := time.Unix(int64(wall0), 0).UTC(); !r.Timestamp.Equal(want) {
		t.Errorf("timestamp %v, want %v", r.Timestamp, want)
	}
	s := d.Responses[0]
	if s.Body != `{"ok":true}` || s.Status != 200 || s.RemoteAddress != "127.0.0.1:8080" || s.EncodedDataLength != 321 {
		t.Errorf("response: %+v", s)
	}
	if s.Timing == nil || s.Timing.DNS != 1 || s.Timing.Connect != 2 || s.Timing.SSL != -1 || s.Timing.Wait != 16 {
		t.Errorf("timing: %+v", s.Timing)
	}
	if got := s.Timestamp.Sub(r.Timestamp); got != 100*time.Millisecond {
		t.Errorf("response %v after the request, want 100ms", got)
	}
}

func TestRedirectChain(t *testing.T) {
	c, b := started(t, api.Settings{})
	b.bodies["7"] = fakeBody{body: "landed"}
	redirect := resp("7", "https://app.test/a", 302, t0+0.1, map[string]any{"Location": "/b"}, "text/html")["response"]
	feed(c,
		"Network.requestWillBeSent", req("7", "https://app.test/a", "GET", t0, nil),
		"Network.requestWillBeSent", req("7", "https://app.test/b", "GET", t0+0.1, map[string]any{"redirectResponse": redirect}),
		"Network.responseReceived", resp("7", "https://app.test/b", 200, t0+0.2, map[string]any{}, "text/plain"),
		"Network.loadingFinished", finished("7", t0+0.3),
	)
	settle(c)
	d := c.Data()
	if len(d.Requests) != 2 || len(d.Responses) != 2 {
		t.Fatalf("got %d requests, %d responses", len(d.Requests), len(d.Responses))
	}
	hop, final := d.Requests[0], d.Requests[1]
	if hop.RequestID != "7:redirected.1" || final.RequestID != "7" || final.RedirectedFrom != "https://app.test/a" {
		t.Errorf("ids: hop %q final %q from %q", hop.RequestID, final.RequestID, final.RedirectedFrom)
	}
	if r := d.Responses[0]; r.RequestID != "7:redirected.1" || r.Status != 302 || r.RedirectURL != "https://app.test/b" || r.Body != "" {
		t.Errorf("hop response: %+v", r)
	}
	if r := d.Responses[1]; r.RequestID != "7" || r.Body != "landed" {
		t.Errorf("final response: %+v", r)
	}
	if n := b.called("Network.getResponseBody"); n != 1 {
		t.Errorf("%d body fetches, want 1 (none for the redirect)", n)
	}
}

// TestRedirectHopsComplete: each hop of a redirect chain is complete once
// the browser follows it, and Since hands it out then, in order, before
// the chain ends: a wait for a login's POST, answered 303, sees it.
func TestRedirectHopsComplete(t *testing.T) {
	c, b := started(t, api.Settings{})
	b.bodies["8"] = fakeBody{body: "home"}
	login := redirectHop(303, "/sso")["response"]
	sso := redirectHop(302, "/home")["response"]
	feed(c,
		"Network.requestWillBeSent", req("8", "https://app.test/login", "POST", t0, nil),
		"Network.requestWillBeSent", req("8", "https://app.test/sso", "GET", t0+0.1, map[string]any{"redirectResponse": login}),
	)
	xs, _, p := c.Since(Progress{})
	if len(xs) != 1 || xs[0].Request.RequestID != "8:redirected.1" || xs[0].Request.Method != "POST" ||
		xs[0].Response == nil || xs[0].Response.Status != 303 || xs[0].Response.RequestID != "8:redirected.1" {
		t.Fatalf("after the first redirect, Since gives %s, want the POST and its 303", exchanges(xs))
	}
	feed(c,
		"Network.requestWillBeSent", req("8", "https://app.test/home", "GET", t0+0.2, map[string]any{"redirectResponse": sso}),
		"Network.responseReceived", resp("8", "https://app.test/home", 200, t0+0.3, map[string]any{}, "text/html"),
	)
	xs, _, p = c.Since(p)
	if len(xs) != 1 || xs[0].Request.RequestID != "8:redirected.2" || xs[0].Request.URL != "https://app.test/sso" || xs[0].Response.Status != 302 {
		t.Fatalf("after the second redirect, Since gives %s, want the GET of /sso and its 302", exchanges(xs))
	}
	feed(c, "Network.loadingFinished", finished("8", t0+0.4))
	settle(c)
	xs, _, _ = c.Since(p)
	if len(xs) != 1 || xs[0].Request.RequestID != "8" || xs[0].Response.Body != "home" {
		t.Fatalf("once the chain ends, Since gives %s, want the final exchange", exchanges(xs))
	}
	if all, _, _ := c.Since(Progress{}); exchanges(all) != "8:redirected.1 POST 303, 8:redirected.2 GET 302, 8 GET 200" {
		t.Errorf("from the start, Since gives %s", exchanges(all))
	}
	if d := c.Data(); len(d.Requests) != 3 || len(d.Responses) != 3 {
		t.Errorf("the capture holds %d requests, %d responses, want 3 of each", len(d.Requests), len(d.Responses))
	}
}

// redirectHop is a responseReceived's params for a redirect to location.
func redirectHop(status int, location string) map[string]any {
	return resp("8", "https://app.test/", status, t0, map[string]any{"Location": location}, "text/html")
}

// exchanges names each exchange by id, method and status.
func exchanges(xs []api.Exchange) string {
	var out []string
	for _, x := range xs {
		s := x.Request.RequestID + " " + x.Request.Method
		if x.Response != nil {
			s += fmt.Sprintf(" %d", x.Response.Status)
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

func TestFailedAndCanceled(t *testing.T) {
	c, _ := started(t, api.Settings{})
	feed(c,
		"Network.requestWillBeSent", req("9", "https://down.test/", "GET", t0, nil),
		"Network.loadingFailed", map[string]any{"requestId": "9", "timestamp": t0 + 1, "type": "Fetch", "errorText": "net::ERR_CONNECTION_REFUSED", "canceled": false},
		"Network.requestWillBeSent", req("10", "https://app.test/cors", "GET", t0, nil),
		"Network.loadingFailed", map[string]any{"requestId": "10", "timestamp": t0 + 1, "type": "Fetch", "errorText": "net::ERR_FAILED", "corsErrorStatus": map[string]any{"corsError": "MissingAllowOriginHeader", "failedParameter": ""}},
	)
	d := c.Data()
	if len(d.Responses) != 2 {
		t.Fatalf("%d responses", len(d.Responses))
	}
	if r := d.Responses[0]; !r.Failed || r.ErrorText != "net::ERR_CONNECTION_REFUSED" || r.URL != "https://down.test/" {
		t.Errorf("failed: %+v", r)
	}
	if r := d.Responses[1]; r.BlockedReason != "cors: MissingAllowOriginHeader" {
		t.Errorf("cors: %+v", r)
	}
}

func TestExtraInfoInAnyOrder(t *testing.T) {
	c, _ := started(t, api.Settings{})
	feed(c,
		// The raw headers come before the request they belong to.
		"Network.requestWillBeSentExtraInfo", map[string]any{"requestId": "3", "associatedCookies": []any{
			map[string]any{"cookie": map[string]any{"name": "sid", "value": "x"}, "blockedReasons": []any{}},
			map[string]any{"cookie": map[string]any{"name": "tp", "value": "y"}, "blockedReasons": []any{"SameSiteLax"}},
		}, "headers": map[string]any{"Cookie": "sid=s9x2k4q7", "Accept": "*/*"}, "connectTiming": map[string]any{"requestTime": t0}},
		"Network.requestWillBeSent", req("3", "https://app.test/me", "GET", t0, nil),
		"Network.responseReceived", resp("3", "https://app.test/me", 200, t0+0.1, map[string]any{"Content-Type": "text/plain"}, "text/plain"),
		"Network.responseReceivedExtraInfo", map[string]any{"requestId": "3", "blockedCookies": []any{
			map[string]any{"blockedReasons": []any{"SecureOnly"}, "cookieLine": "bad=z7q2m9; Secure"},
		}, "headers": map[string]any{"Set-Cookie": "a=v81k2\nb=w92j3", "Content-Type": "text/plain"}, "resourceIPAddressSpace": "Local", "statusCode": 200},
	)
	d := c.Data()
	r, s := d.Requests[0], d.Responses[0]
	if !r.HeadersRaw || r.Headers["Cookie"] != "sid=[redacted]" || len(r.BlockedCookies) != 1 || r.BlockedCookies[0].Name != "tp" {
		t.Errorf("request: %+v", r)
	}
	if !s.HeadersRaw || s.Headers["Set-Cookie"] != "a=[redacted]\nb=[redacted]" || len(s.BlockedCookies) != 1 || s.BlockedCookies[0].Line != "bad=[redacted]; Secure" {
		t.Errorf("response: %+v", s)
	}
}

func TestRedactionOff(t *testing.T) {
	off := false
	c, _ := started(t, api.Settings{RedactSecrets: &off})
	feed(c, "Network.requestWillBeSent", req("1", "https://app.test/", "GET", t0, map[string]any{
		"request": map[string]any{"url": "https://app.test/", "method": "GET", "headers": map[string]any{"Authorization": "Basic eA=="}},
	}))
	if got := c.Data().Requests[0].Headers["Authorization"]; got != "Basic eA==" {
		t.Errorf("Authorization %q with redactSecrets false", got)
	}
}

func TestFilters(t *testing.T) {
	c, _ := started(t, api.Settings{URLFilter: `/\/api\//`, ResourceTypes: []string{"fetch", "websocket"}})
	feed(c,
		"Network.requestWillBeSent", req("1", "https://app.test/api/a", "GET", t0, nil),
		"Network.requestWillBeSent", req("2", "https://app.test/static/app.js", "GET", t0, map[string]any{"type": "Script"}),
		"Network.requestWillBeSent", req("3", "https://app.test/api/b", "GET", t0, map[string]any{"type": "Image"}),
		"Network.responseReceived", resp("2", "https://app.test/static/app.js", 200, t0, map[string]any{}, "text/javascript"),
	)
	d := c.Data()
	if len(d.Requests) != 1 || d.Requests[0].RequestID != "1" || len(d.Responses) != 0 {
		t.Fatalf("kept %+v, responses %d", d.Requests, len(d.Responses))
	}
}

func TestResolveRejectsBadOptions(t *testing.T) {
	neg, zero := -1, 0
	for _, s := range []api.Settings{
		{URLFilter: "/[/"}, {ResourceTypes: []string{"Pictures"}}, {MaxBodyBytes: &neg},
		{MaxEntries: &zero}, {URL: "not a url"}, {URL: "https://a.test/", Reload: true},
	} {
		if _, err := s.Resolve(); err == nil {
			t.Errorf("%+v: no error", s)
		}
	}
}

func TestMaxEntriesCountsWhatIsDropped(t *testing.T) {
	n := 2
	c, _ := started(t, api.Settings{MaxEntries: &n})
	for i := range 5 {
		id := string(rune('a' + i))
		feed(c, "Network.requestWillBeSent", req(id, "https://app.test/"+id, "GET", t0, nil))
	}
	st := c.Status()
	if st.Summary.TotalRequests != 2 || st.Dropped.Requests != 3 || len(st.Dropped.Reasons) != 1 || !strings.Contains(st.Dropped.Reasons[0], "maxEntries (2)") {
		t.Errorf("status: %+v", st)
	}
}

func TestBodyCutAtMaxBodyBytes(t *testing.T) {
	n := 10
	c, b := started(t, api.Settings{MaxBodyBytes: &n})
	b.bodies["1"] = fakeBody{body: "héllo wörld, and more"}
	b.bodies["2"] = fakeBody{body: base64.StdEncoding.EncodeToString([]byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c")), base64: true}
	feed(c,
		"Network.requestWillBeSent", req("1", "https://app.test/t", "GET", t0, nil),
		"Network.responseReceived", resp("1", "https://app.test/t", 200, t0, map[string]any{"Content-Length": "23"}, "text/plain"),
		"Network.loadingFinished", finished("1", t0),
		"Network.requestWillBeSent", req("2", "https://app.test/b", "GET", t0, nil),
		"Network.responseReceived", resp("2", "https://app.test/b", 200, t0, map[string]any{"Content-Length": "13"}, "application/octet-stream"),
		"Network.loadingFinished", finished("2", t0),
	)
	settle(c)
	d := c.Data()
	if r := d.Responses[0]; r.Body != "héllo wö" || !r.BodyTruncated || r.BodySize != 23 {
		t.Errorf("text: %q truncated=%v size=%d", r.Body, r.BodyTruncated, r.BodySize)
	}
	raw, _ := base64.StdEncoding.DecodeString(d.Responses[1].BodyBase64)
	if r := d.Responses[1]; len(raw) != 10 || !r.BodyTruncated || r.Body != "" {
		t.Errorf("binary: %d bytes truncated=%v", len(raw), r.BodyTruncated)
	}
}

func TestEventsAfterStopAndUnknownIDs(t *testing.T) {
	c, b := started(t, api.Settings{})
	feed(c,
		// Events for requests the capture never saw start: the response
		// makes a partial record, the rest alone is ignored.
		"Network.responseReceived", resp("old", "https://app.test/old", 200, t0, map[string]any{}, "text/plain"),
		"Network.loadingFinished", finished("old", t0),
		"Network.dataReceived", map[string]any{"requestId": "older", "timestamp": t0, "dataLength": 5, "encodedDataLength": 5},
		"Network.loadingFinished", finished("older", t0),
		"Network.requestWillBeSent", req("1", "https://app.test/1", "GET", t0, nil),
		"Network.responseReceived", map[string]any{"requestId": "1"}, // no response object
		"Network.loadingFinished", "not an object",
	)
	c.Stop("")
	feed(c,
		"Network.requestWillBeSent", req("2", "https://app.test/2", "GET", t0, nil),
		"Network.webSocketFrameReceived", map[string]any{"requestId": "ws", "timestamp": t0, "response": map[string]any{"opcode": 1, "mask": false, "payloadData": "late"}},
	)
	st, d := c.Snapshot()
	if st.State != StateStopped || len(d.Requests) != 2 || len(d.Responses) != 1 || len(d.WSFrames) != 0 {
		t.Fatalf("after stop: %+v %+v", st, d)
	}
	if old := d.Requests[0]; !old.Partial || old.Method != "" || old.URL != "https://app.test/old" || d.Responses[0].RequestID != "old" {
		t.Errorf("the partial record: %+v", old)
	}
	if b.called("detach 1") != 1 {
		t.Errorf("stop did not detach: %v", b.calls)
	}
}

func TestTabClosedKeepsData(t *testing.T) {
	c, _ := started(t, api.Settings{})
	feed(c, "Network.requestWillBeSent", req("1", "https://app.test/1", "GET", t0, nil))
	c.TabGone(1, "tab 1 was closed during the capture; 1 requests kept")
	st, d := c.Snapshot()
	if st.State != StateStopped || st.EndReason == "" || len(d.Requests) != 1 {
		t.Errorf("%+v", st)
	}
}

func TestClearKeepsCapturing(t *testing.T) {
	c, b := started(t, api.Settings{})
	b.delay = 50 * time.Millisecond
	b.bodies["1"] = fakeBody{body: "old body"}
	feed(c,
		"Network.requestWillBeSent", req("1", "https://app.test/1", "GET", t0, nil),
		"Network.responseReceived", resp("1", "https://app.test/1", 200, t0, map[string]any{}, "text/plain"),
		"Network.loadingFinished", finished("1", t0),
	)
	c.Clear() // the body fetch in flight must not land in the cleared capture
	feed(c, "Network.requestWillBeSent", req("2", "https://app.test/2", "GET", t0, nil))
	settle(c)
	d := c.Data()
	// What it holds is charged as a fresh capture holding the same is.
	fresh, _ := started(t, api.Settings{})
	feed(fresh, "Network.requestWillBeSent", req("2", "https://app.test/2", "GET", t0, nil))
	if len(d.Requests) != 1 || d.Requests[0].RequestID != "2" || len(d.Responses) != 0 || c.Status().BytesHeld != fresh.Status().BytesHeld {
		t.Errorf("after clear: %d bytes held, want %d: %+v", c.Status().BytesHeld, fresh.Status().BytesHeld, d)
	}
}

func TestClockWithoutWallTime(t *testing.T) {
	c, _ := started(t, api.Settings{})
	before := time.Now()
	// A frame of a socket opened before the capture: no wall time known yet.
	feed(c, "Network.webSocketFrameReceived", map[string]any{"requestId": "ws", "timestamp": 50.0, "response": map[string]any{"opcode": 1, "mask": false, "payloadData": "hi"}})
	f := c.Data().WSFrames[0]
	if f.Timestamp.Before(before.Add(-time.Second)) || f.Timestamp.After(time.Now().Add(time.Second)) {
		t.Errorf("estimated timestamp %v, want about now", f.Timestamp)
	}
	if f.URL != "" || f.Payload != "hi" || f.Direction != "received" {
		t.Errorf("frame: %+v", f)
	}
}

func TestSaveAndRestore(t *testing.T) {
	c, b := started(t, api.Settings{})
	b.bodies["1"] = fakeBody{body: "kept"}
	feed(c,
		"Network.requestWillBeSent", req("1", "https://app.test/1", "GET", t0, nil),
		"Network.responseReceived", resp("1", "https://app.test/1", 200, t0, map[string]any{}, "text/plain"),
		"Network.loadingFinished", finished("1", t0),
		"Network.webSocketFrameSent", map[string]any{"requestId": "ws", "timestamp": t0, "response": map[string]any{"opcode": 1, "mask": true, "payloadData": "hi"}},
	)
	c.Stop("the extension restarted")
	saved := c.Save()
	b2, err := json.Marshal(saved)
	if err != nil {
		t.Fatal(err)
	}
	var back Saved
	if err := json.Unmarshal(b2, &back); err != nil {
		t.Fatal(err)
	}
	r := Restore(back)
	st, d := r.Snapshot()
	want, wantData := c.Snapshot()
	if st.State != StateStopped || st.EndReason != "the extension restarted; 1 requests kept" || st.Summary != want.Summary || st.BytesHeld != want.BytesHeld {
		t.Errorf("restored status %+v, want %+v", st, want)
	}
	if d.Responses[0].Body != "kept" || len(d.WSFrames) != len(wantData.WSFrames) || !st.StartTime.Equal(want.StartTime) {
		t.Errorf("restored data %+v", d)
	}
	r.Stop("again") // a restored capture is stopped: nothing happens
	if r.Status().EndReason != "the extension restarted; 1 requests kept" {
		t.Error("stopping a restored capture changed it")
	}
}

func TestExtraInfoAfterLoadingFinished(t *testing.T) {
	c, _ := started(t, api.Settings{})
	feed(c,
		"Network.requestWillBeSent", req("4", "https://app.test/late", "GET", t0, nil),
		"Network.responseReceived", resp("4", "https://app.test/late", 200, t0+0.1, map[string]any{"Content-Type": "text/plain"}, "text/plain"),
		"Network.loadingFinished", finished("4", t0+0.2),
		// The network service reports the raw lines last.
		"Network.requestWillBeSentExtraInfo", map[string]any{"requestId": "4", "associatedCookies": []any{}, "headers": map[string]any{"Cookie": "a=b7x9q2"}, "connectTiming": map[string]any{"requestTime": t0}},
		"Network.responseReceivedExtraInfo", map[string]any{"requestId": "4", "blockedCookies": []any{}, "headers": map[string]any{"Set-Cookie": "a=c7x9q2"}, "resourceIPAddressSpace": "Local", "statusCode": 200},
	)
	d := c.Data()
	if r := d.Requests[0]; !r.HeadersRaw || r.Headers["Cookie"] != "a=[redacted]" {
		t.Errorf("late request extra info not merged: %+v", r)
	}
	if r := d.Responses[0]; !r.HeadersRaw || r.Headers["Set-Cookie"] != "a=[redacted]" {
		t.Errorf("late response extra info not merged: %+v", r)
	}
}

func TestEventSourceFailingBeforeItsResponse(t *testing.T) {
	c, _ := started(t, api.Settings{})
	feed(c,
		"Network.requestWillBeSent", req("es", "https://app.test/events", "GET", t0, map[string]any{"type": "EventSource"}),
		"Network.eventSourceMessageReceived", map[string]any{"requestId": "es", "timestamp": t0, "eventName": "message", "eventId": "1", "data": "x"},
		"Network.loadingFailed", map[string]any{"requestId": "es", "timestamp": t0, "type": "EventSource", "errorText": "net::ERR_ABORTED"},
	)
	settle(c)
	d := c.Data()
	if len(d.Responses) != 1 || !d.Responses[0].Failed || len(d.StreamingResponses) != 1 || len(d.StreamingResponses[0].Messages) != 1 {
		t.Errorf("%+v", d)
	}
}

func TestFiltersOutlastClearAndUnknownSockets(t *testing.T) {
	c, _ := started(t, api.Settings{URLFilter: "/api/"})
	frame := func(id string) map[string]any {
		return map[string]any{"requestId": id, "timestamp": t0, "response": map[string]any{"opcode": 1, "mask": false, "payloadData": "hi"}}
	}
	feed(c,
		"Network.webSocketCreated", map[string]any{"requestId": "chat", "url": "wss://chat.test/socket"},
		"Network.webSocketFrameReceived", frame("chat"),
		// A socket opened before the capture: its URL is unknown.
		"Network.webSocketFrameReceived", frame("old"),
	)
	c.Clear()
	feed(c, "Network.webSocketFrameReceived", frame("chat"))
	if d := c.Data(); len(d.WSFrames) != 0 || len(d.Requests) != 0 {
		t.Errorf("filtered traffic kept: %+v", d)
	}
}

func TestStopWaitsForAStopUnderWay(t *testing.T) {
	c, b := started(t, api.Settings{})
	gate, entered := make(chan struct{}), make(chan string, 1)
	b.mu.Lock()
	b.gate, b.entered = gate, entered
	b.mu.Unlock()
	b.bodies["1"] = fakeBody{body: "slow body"}
	feed(c,
		"Network.requestWillBeSent", req("1", "https://app.test/1", "GET", t0, nil),
		"Network.responseReceived", resp("1", "https://app.test/1", 200, t0, map[string]any{}, "text/plain"),
		"Network.loadingFinished", finished("1", t0),
	)
	<-entered // the body is being fetched, and waits at the gate
	first := make(chan struct{})
	go func() { c.Stop("tab 1 was closed during the capture"); close(first) }()
	for c.Active() {
		runtime.Gosched() // until the first stop is under way
	}
	second := make(chan bool, 1)
	go func() {
		c.Stop("") // returns once the first stop has its body and has detached
		second <- c.Data().Responses[0].Body == "slow body" && b.called("detach 1") == 1
	}()
	close(gate)
	if !<-second {
		t.Errorf("the second stop returned before the first had its body: %+v, %d detaches", c.Data().Responses[0], b.called("detach 1"))
	}
	<-first
	if n := b.called("detach 1"); n != 1 {
		t.Errorf("detached %d times", n)
	}
}

// A child target the browser refuses to arm is counted once in dropped,
// with a reason for its kind.
func TestRefusedTargetsAreCounted(t *testing.T) {
	c, b := started(t, api.Settings{})
	refused := errors.New("Cannot access a chrome-extension:// URL of different extension")
	b.mu.Lock()
	b.refuse["Network.enable S1"] = refused
	b.refuse["Target.setAutoAttach S1"] = refused
	b.refuse["Network.enable S2"] = refused
	b.mu.Unlock()
	attached := func(session, typ string) map[string]any {
		return map[string]any{"sessionId": session, "waitingForDebugger": true,
			"targetInfo": map[string]any{"targetId": "T-" + session, "type": typ, "title": "", "url": "chrome-extension://x/", "attached": true, "canAccessOpener": false}}
	}
	feed(c, "Target.attachedToTarget", attached("S1", "iframe"), "Target.attachedToTarget", attached("S2", "iframe"))
	settle(c)
	feed(c, "Target.attachedToTarget", attached("S4", "worker")) // armed: not counted
	settle(c)
	d := c.Status().Dropped
	if d.Targets != 2 || d.Total() != 2 {
		t.Errorf("dropped %+v, want the two refused iframes once each", d)
	}
	if len(d.Reasons) != 1 || !strings.Contains(d.Reasons[0], "refused to capture an iframe of tab 1") || !strings.Contains(d.Reasons[0], refused.Error()) {
		t.Errorf("reasons %q", d.Reasons)
	}
	if n := b.called("Runtime.runIfWaitingForDebugger S1"); n != 1 {
		t.Errorf("the refused iframe was resumed %d times, want once", n)
	}
}

// capturePostOnly keeps what sends data: every POST, and any request with
// a body; not a GET, nor a DELETE without one.
func TestCapturePostOnly(t *testing.T) {
	c, _ := started(t, api.Settings{CapturePostOnly: true})
	withBody := func(method string) map[string]any {
		return map[string]any{"request": map[string]any{"url": "https://app.test/" + method, "method": method, "headers": map[string]any{}, "hasPostData": true, "postData": "x=1"}}
	}
	feed(c,
		"Network.requestWillBeSent", req("1", "https://app.test/get", "GET", t0, nil),
		"Network.requestWillBeSent", req("2", "https://app.test/post", "POST", t0, nil),
		"Network.requestWillBeSent", req("3", "https://app.test/PUT", "PUT", t0, withBody("PUT")),
		"Network.requestWillBeSent", req("4", "https://app.test/delete", "DELETE", t0, nil),
		"Network.requestWillBeSent", req("5", "https://app.test/POST", "POST", t0, withBody("POST")),
	)
	var got []string
	for _, r := range c.Data().Requests {
		got = append(got, r.RequestID)
	}
	if strings.Join(got, " ") != "2 3 5" {
		t.Errorf("capturePostOnly kept %v, want the bodiless POST, the PUT with a body and the POST with one", got)
	}
}

func TestExpectedTabKeepsItsFirstEvents(t *testing.T) {
	c, b := started(t, api.Settings{})
	if !c.Expect(2) {
		t.Fatal("an active capture refused a popup")
	}
	p, _ := json.Marshal(req("p1", "https://idp.test/login", "GET", t0, map[string]any{"type": "Document"}))
	c.HandleEvent(Event{TabID: 2, Method: "Network.requestWillBeSent", Params: p})
	if err := c.AddTab(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	if d := c.Data(); len(d.Requests) != 1 || d.Requests[0].TabID != 2 {
		t.Errorf("the popup's first request: %+v", d.Requests)
	}
	c.Stop("")
	if b.called("detach 2") != 1 || c.Expect(3) {
		t.Error("a stopped capture kept or took popups")
	}
}

// TestBodyFetchesInFlight fetches the bodies of many small responses
// fetchSlots at a time, and a large body alone: fetches keep up with a
// busy page without holding more than about 16 MiB of large bodies.
func TestBodyFetchesInFlight(t *testing.T) {
	c, b := started(t, api.Settings{})
	entered := make(chan string, 64)
	setGate := func() chan struct{} {
		g := make(chan struct{})
		b.mu.Lock()
		b.gate, b.entered = g, entered
		b.mu.Unlock()
		return g
	}
	end := func(id string, encoded int) {
		b.mu.Lock()
		b.bodies[id] = fakeBody{body: "body of " + id}
		b.mu.Unlock()
		url := "https://app.test/" + id
		done := finished(id, t0+0.2)
		done["encodedDataLength"] = encoded
		feed(c,
			"Network.requestWillBeSent", req(id, url, "GET", t0, nil),
			"Network.responseReceived", resp(id, url, 200, t0+0.1, map[string]any{}, "text/plain"),
			"Network.loadingFinished", done,
		)
	}
	// waiting takes the fetches that have reached the browser, once no
	// more could.
	waiting := func() []string {
		time.Sleep(200 * time.Millisecond)
		var ids []string
		for len(entered) > 0 {
			ids = append(ids, <-entered)
		}
		return ids
	}
	first := setGate()
	for i := range 2 * fetchSlots {
		end(fmt.Sprint("small", i), 300)
	}
	if ids := waiting(); len(ids) != fetchSlots {
		t.Fatalf("%d small fetches in flight, want %d", len(ids), fetchSlots)
	}
	second := setGate()
	close(first) // the first ones end, the others reach the browser
	end("big", 40<<20)
	if ids := waiting(); len(ids) != fetchSlots || slices.Contains(ids, "big") {
		t.Fatalf("in flight: %v; want the %d other small fetches, and the large body waiting for them", ids, fetchSlots)
	}
	close(second)
	c.Stop("")
	d := c.Data()
	if len(d.Responses) != 2*fetchSlots+1 {
		t.Fatalf("%d responses", len(d.Responses))
	}
	for _, r := range d.Responses {
		if r.Body != "body of "+r.RequestID {
			t.Errorf("%s: body %q, bodyError %q", r.RequestID, r.Body, r.BodyError)
		}
	}
	if fetchWeight(300) != 1 || fetchWeight(40<<20) != fetchSlots || fetchWeight(3<<20) != 4 {
		t.Errorf("fetch weights: %d %d %d", fetchWeight(300), fetchWeight(40<<20), fetchWeight(3<<20))
	}
}
