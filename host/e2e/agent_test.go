package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

// TestResultsFitAnAgent captures a heavy page — 320 fetches, a 3 MB
// script, a socket pushing 2,000 frames — and reads it as an agent would:
// every tool's default result fits the budget, every request is reachable
// from the default stop result, and the largest body comes back whole,
// page by page and as a file.
func TestResultsFitAnAgent(t *testing.T) {
	e := newEnv(t)
	site := newBusySite(t)
	e.launch()
	const n, frames = 320, 2000

	logged := map[string]bool{}
	budgeted := func(name string, args map[string]any) *mcp.CallToolResult {
		t.Helper()
		res, err := e.call(name, args)
		if err != nil || res.IsError {
			t.Fatalf("%s: %v %s", name, err, text(res))
		}
		if size := wireSize(res); size > api.DefaultResultBytes {
			t.Errorf("%s: the default result takes %d bytes, over %d", name, size, api.DefaultResultBytes)
		} else if !logged[name] {
			logged[name] = true
			t.Logf("%s: %d bytes", name, size)
		}
		return res
	}
	decode := func(res *mcp.CallToolResult, out any) {
		t.Helper()
		if err := json.Unmarshal(res.RawStructuredContent, out); err != nil {
			t.Fatal(err)
		}
	}
	var sess api.Session
	decode(budgeted("initialize_session", map[string]any{"url": "about:blank"}), &sess)
	var started api.StartCaptureResult
	decode(budgeted("start_network_capture", map[string]any{"sessionId": sess.SessionID,
		"url": site.URL + "/busy?n=" + itoa(n) + "&frames=" + itoa(frames)}), &started)
	loading := time.Now()
	select {
	case <-site.done:
		t.Logf("the page loaded in %v", time.Since(loading))
	case <-time.After(90 * time.Second):
		t.Fatalf("the page did not finish; the server saw %d requests", len(site.requests()))
	}
	if errs := site.pageErrors(); errs != "" {
		t.Fatalf("the page's script failed: %s", errs)
	}
	waitFor(t, "every request and frame", func() bool {
		var st api.StatusResult
		e.tool("get_network_capture_status", map[string]any{"sessionId": sess.SessionID}, &st)
		c := st.CurrentStats
		return c.Requests >= n+4 && c.Responses >= c.Requests && c.WSFrames >= frames+frames/100
	})

	id := map[string]any{"sessionId": sess.SessionID}
	budgeted("list_tabs", nil)
	budgeted("list_captures", nil)
	budgeted("get_network_capture_status", id)
	res := budgeted("stop_network_capture", id)
	var stopped api.StopResult
	if err := json.Unmarshal(res.RawStructuredContent, &stopped); err != nil {
		t.Fatal(err)
	}
	t.Logf("the agent reads:\n%s…", text(res)[:min(1600, len(text(res)))])
	if stopped.Summary.TotalRequests < n+4 || stopped.Overview == nil || stopped.Truncated == nil {
		t.Fatalf("stop: %+v", stopped.Summary)
	}
	if o := stopped.Overview; len(o.WebSockets) != 1 || o.WebSockets[0].Received < frames || o.WebSockets[0].First == nil {
		t.Errorf("the socket is not summed up: %+v", o.WebSockets)
	}

	// Every request is reachable: named in the overview, or in the pages
	// it points to.
	named := map[string]bool{} // by path
	for _, r := range append(stopped.Overview.Requests, stopped.Overview.Notable...) {
		named[pathOf(r.URL)] = true
	}
	offset := 0
	for pages := 0; ; pages++ {
		var page api.GetDataResult
		raw := budgeted("get_network_capture_data", map[string]any{"sessionId": sess.SessionID, "offset": offset})
		json.Unmarshal(raw.RawStructuredContent, &page)
		if len(page.Data.Requests) != len(page.Data.Responses) {
			t.Fatalf("page at %d: %d requests, %d responses", offset, len(page.Data.Requests), len(page.Data.Responses))
		}
		for _, r := range page.Data.Requests {
			named[pathOf(r.URL)] = true
		}
		if page.NextOffset == nil || pages > 200 {
			break
		}
		offset = *page.NextOffset
	}
	for _, s := range site.requests() {
		if !named[s.Path] {
			t.Errorf("%s %s reached the server but no result names it", s.Method, s.Path)
		}
	}

	// The largest body, page by page, is what the server sent.
	script := ""
	for _, r := range stopped.Overview.Notable {
		if strings.HasSuffix(r.URL, "/big.js") {
			script = r.ID
		}
	}
	if script == "" {
		var page api.GetDataResult
		e.tool("get_network_capture_data", map[string]any{"sessionId": sess.SessionID, "urlFilter": "/big.js"}, &page)
		script = page.Data.Requests[0].RequestID
	}
	var body []byte
	var next int64
	reading := time.Now()
	calls := 0
	for ; calls < 500; calls++ {
		var d api.RequestDetail
		r := budgeted("get_request", map[string]any{"sessionId": sess.SessionID, "requestId": script, "bodyOffset": next})
		json.Unmarshal(r.RawStructuredContent, &d)
		body = append(body, d.Response.Body...)
		if d.BodyPage == nil || d.BodyPage.NextOffset == nil {
			break
		}
		next = *d.BodyPage.NextOffset
	}
	if !bytes.Equal(body, site.script) {
		t.Errorf("the script read page by page is %d bytes, the server sent %d", len(body), len(site.script))
	}
	t.Logf("the 3 MB script came back in %d get_request calls, %v", calls+1, time.Since(reading))
	var saved api.RequestDetail
	e.tool("get_request", map[string]any{"sessionId": sess.SessionID, "requestId": script, "saveBody": true}, &saved)
	if saved.SavedBody == nil {
		t.Fatal("saveBody wrote nothing")
	}
	if b, err := os.ReadFile(saved.SavedBody.Path); err != nil || !bytes.Equal(b, site.script) {
		t.Errorf("the saved body (%s) differs from the script: %v", saved.SavedBody.Path, err)
	}

	// A wait reaching back to the start finds a request that finished.
	var waited api.WaitResult
	decode(budgeted("wait_for_request", map[string]any{"sessionId": sess.SessionID, "urlFilter": "/item/41", "since": started.StartTime.Format(time.RFC3339Nano), "timeoutSeconds": 5}), &waited)
	if !waited.Matched {
		t.Errorf("wait_for_request: %+v", waited)
	}
	// The capture is a resource too.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	list, err := e.mcp.ListResources(ctx, mcp.ListResourcesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	uri := ""
	for _, r := range list.Resources {
		if strings.Contains(r.URI, started.CaptureID) && strings.HasSuffix(r.URI, api.ViewSummary) {
			uri = r.URI
		}
	}
	req := mcp.ReadResourceRequest{}
	req.Params.URI = uri
	read, err := e.mcp.ReadResource(ctx, req)
	if err != nil || len(read.Contents) != 1 {
		t.Fatalf("reading %q: %v", uri, err)
	}
	var summary api.StopResult
	if tc, ok := read.Contents[0].(mcp.TextResourceContents); !ok || json.Unmarshal([]byte(tc.Text), &summary) != nil || summary.Summary != stopped.Summary {
		t.Errorf("the summary resource differs from the stop result")
	}
	budgeted("close_session", id)
}

// pathOf is the path of a URL.
func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Path
}

func itoa(n int) string { return strconv.Itoa(n) }
