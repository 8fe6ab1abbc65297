package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"github.com/tabtap/tabtap/host/redact"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
)

// TestCaptureEndToEnd drives the whole product: before the browser runs the
// tools say so; once it runs an agent captures a page whose traffic is
// known, and every request the server saw must be in the capture, right.
func TestCaptureEndToEnd(t *testing.T) {
	e := newEnv(t)
	site := newSite(t)

	// No browser yet: a clear error, not a hang.
	if msg := e.toolError("list_tabs", nil); !strings.Contains(msg, "no browser is connected") {
		t.Fatalf("list_tabs without a browser: %q", msg)
	}

	e.launch()

	sess, started := e.capturePage(site, "/page")
	e.status(sess.SessionID, "every response", func(st api.StatusResult) bool {
		return st.Status == "active" && st.CurrentStats.Responses >= len(expected)+1 // the redirect hop has its own
	})

	// The redirect's hop is a request of its own to wait for: a wait
	// reaching back to the start matches its 302.
	res, err := e.call("wait_for_request", map[string]any{"sessionId": sess.SessionID, "status": 302,
		"since": started.StartTime.Format(time.RFC3339Nano), "timeoutSeconds": 10})
	if err != nil || res.IsError {
		t.Fatalf("wait_for_request: %v %s", err, text(res))
	}
	var waited api.WaitResult
	if err := json.Unmarshal(res.RawStructuredContent, &waited); err != nil {
		t.Fatal(err)
	}
	if w := waited.Request; !waited.Matched || w == nil || w.Response == nil || w.Response.Status != 302 ||
		!strings.Contains(w.Request.RequestID, ":redirected.") || w.Request.URL != site.URL+"/redirect" {
		t.Errorf("wait_for_request for the 302: %s", text(res))
	}

	res, err = e.call("stop_network_capture", map[string]any{"sessionId": sess.SessionID})
	if err != nil || res.IsError {
		t.Fatalf("stop_network_capture: %v %s", err, text(res))
	}
	raw := res.RawStructuredContent
	var stopped api.StopResult
	if err := json.Unmarshal(raw, &stopped); err != nil {
		t.Fatal(err)
	}
	t.Logf("stop_network_capture: %d requests, %d responses in %d ms, a result of %d bytes", stopped.Summary.TotalRequests, stopped.Summary.TotalResponses, stopped.Duration, wireSize(res))
	if n := wireSize(res); n > api.DefaultResultBytes {
		t.Errorf("the default stop result takes %d bytes, over %d", n, api.DefaultResultBytes)
	}
	if stopped.Overview == nil || len(stopped.Overview.Requests) != stopped.Summary.TotalRequests {
		t.Errorf("the overview does not name every request: %+v", stopped.Overview)
	}
	t.Logf("stop_network_capture (excerpt): %s", excerpt(stopped))
	// The whole capture, as a file.
	full, fileBytes := e.wholeCapture(sess.SessionID)
	d := full.Data

	// Every request the server saw is in the capture, with its method.
	seen := site.requests()
	for _, want := range expected {
		if !contains(seen, want.Method, want.Path) {
			t.Errorf("the server never saw %s %s (it saw %v)", want.Method, want.Path, seen)
		}
	}
	for _, s := range seen {
		r := findRequest(d, site, s.Method, s.Path)
		if r == nil {
			t.Errorf("%s %s reached the server but is not in the capture", s.Method, s.Path)
			continue
		}
		if r.Timestamp.Before(started.StartTime.Add(-time.Second)) || r.Timestamp.After(stopped.EndTime.Add(time.Second)) {
			t.Errorf("%s %s: timestamp %v outside the capture (%v – %v)", s.Method, s.Path, r.Timestamp, started.StartTime, stopped.EndTime)
		}
		if r.TabID != sess.TabID {
			t.Errorf("%s %s: tabId %d, want %d", s.Method, s.Path, r.TabID, sess.TabID)
		}
	}

	// GET with a JSON body.
	if resp := responseFor(t, d, site, "GET", "/api/get"); resp.Status != 200 || resp.Body != getJSON || resp.MimeType != "application/json" {
		t.Errorf("GET /api/get: status %d mime %q body %q", resp.Status, resp.MimeType, resp.Body)
	}
	// POST with a JSON body and a custom header.
	post := findRequest(d, site, "POST", "/api/post")
	if post == nil || post.PostData != postJSON || header(post.Headers, "X-Tabtap-Test") != "yes" {
		t.Errorf("POST /api/post: %+v", post)
	}
	if resp := responseFor(t, d, site, "POST", "/api/post"); resp.Body != `{"received":24}` {
		t.Errorf("POST /api/post response body %q", resp.Body)
	}
	// A redirect: the hop and its target are separate records, linked.
	hop := findRequest(d, site, "GET", "/redirect")
	final := findRequest(d, site, "GET", "/api/final")
	if hop == nil || final == nil {
		t.Fatalf("redirect chain missing: %+v %+v", hop, final)
	}
	if !strings.Contains(hop.RequestID, ":redirected.") || final.RedirectedFrom != site.URL+"/redirect" {
		t.Errorf("redirect ids: hop %q, final %q from %q", hop.RequestID, final.RequestID, final.RedirectedFrom)
	}
	if r := responseByID(d, hop.RequestID); r == nil || r.Status != 302 || !strings.HasSuffix(r.RedirectURL, "/api/final") {
		t.Errorf("redirect response: %+v", r)
	}
	if r := responseByID(d, final.RequestID); r == nil || r.Status != 200 || r.Body != "final stop" {
		t.Errorf("redirect target response: %+v", r)
	}
	// A 404.
	if resp := responseFor(t, d, site, "GET", "/missing"); resp.Status != 404 || !strings.Contains(resp.Body, "404 page not found") {
		t.Errorf("GET /missing: %d %q", resp.Status, resp.Body)
	}
	// A binary body and an image, byte for byte.
	for _, b := range []struct {
		path string
		want []byte
		mime string
	}{{"/bin", site.blob, "application/octet-stream"}, {"/img.png", site.png, "image/png"}} {
		resp := responseFor(t, d, site, "GET", b.path)
		got, err := base64.StdEncoding.DecodeString(resp.BodyBase64)
		if err != nil || !bytes.Equal(got, b.want) || resp.Body != "" || resp.MimeType != b.mime {
			t.Errorf("GET %s: mime %q, %d bytes (want %d), text %q, err %v", b.path, resp.MimeType, len(got), len(b.want), resp.Body, err)
		}
	}
	if img := findRequest(d, site, "GET", "/img.png"); img == nil || img.ResourceType != "Image" {
		t.Errorf("the image's request: %+v", img)
	}
	// Secrets: the header is there, its value is not, anywhere.
	if auth := findRequest(d, site, "GET", "/api/auth"); auth == nil || header(auth.Headers, "Authorization") != "Bearer "+redact.Redacted {
		t.Errorf("Authorization not redacted: %+v", auth)
	}
	if resp := responseFor(t, d, site, "GET", "/api/cookie"); header(resp.Headers, "Set-Cookie") != "tt_session="+redact.Redacted+"; Path=/" {
		t.Errorf("Set-Cookie not redacted: %v", resp.Headers)
	}
	if done := findRequest(d, site, "GET", "/done"); done == nil || header(done.Headers, "Cookie") != "tt_session="+redact.Redacted {
		t.Errorf("the request after the cookie was set should carry a redacted Cookie header: %+v", done)
	}
	for _, secret := range []string{secretToken, secretCookie} {
		if bytes.Contains(raw, []byte(secret)) || strings.Contains(text(res), secret) || bytes.Contains(fileBytes, []byte(secret)) {
			t.Errorf("the secret %q leaked into the result", secret)
		}
	}
	// One request, its body read through get_request.
	img := findRequest(d, site, "GET", "/img.png")
	var detail api.RequestDetail
	e.tool("get_request", map[string]any{"sessionId": sess.SessionID, "requestId": img.RequestID}, &detail)
	if got, err := base64.StdEncoding.DecodeString(detail.Response.BodyBase64); err != nil || !bytes.Equal(got, site.png) || detail.BodyPage == nil || detail.BodyPage.Total != int64(len(site.png)) {
		t.Errorf("get_request of the image: %d bytes, page %+v, err %v", len(got), detail.BodyPage, err)
	}

	// Wrong calls get sentences a person can act on.
	if msg := e.toolError("get_network_capture_status", map[string]any{"sessionId": "s-zzzz-9"}); !strings.Contains(msg, "session s-zzzz-9 not found") {
		t.Errorf("unknown session: %q", msg)
	}
	if msg := e.toolError("start_network_capture", map[string]any{"sessionId": sess.SessionID, "maxBodyBytes": "lots"}); !strings.Contains(msg, "maxBodyBytes") {
		t.Errorf("wrong argument type: %q", msg)
	}
	if msg := e.toolError("start_network_capture", map[string]any{"sessionId": sess.SessionID, "captureBodys": true}); !strings.Contains(msg, "captureBodys") {
		t.Errorf("misspelt option: %q", msg)
	}
}

func waitFor(t testing.TB, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func contains(seen []seenRequest, method, path string) bool {
	for _, s := range seen {
		if s.Method == method && s.Path == path {
			return true
		}
	}
	return false
}

func findRequest(d *api.Data, s *site, method, path string) *api.Request {
	for i := range d.Requests {
		r := &d.Requests[i]
		if r.Method == method && s.pathOf(r.URL) == path {
			return r
		}
	}
	return nil
}

func responseByID(d *api.Data, id string) *api.Response {
	for i := range d.Responses {
		if d.Responses[i].RequestID == id {
			return &d.Responses[i]
		}
	}
	return nil
}

func responseFor(t *testing.T, d *api.Data, s *site, method, path string) *api.Response {
	t.Helper()
	r := findRequest(d, s, method, path)
	if r == nil {
		t.Fatalf("no request %s %s in the capture", method, path)
	}
	resp := responseByID(d, r.RequestID)
	if resp == nil {
		t.Fatalf("no response for %s %s (%s)", method, path, r.RequestID)
	}
	return resp
}

func header(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// excerpt shows the shape of a stop result in a few lines: the summary and
// the first records of each kind, bodies cut.
func excerpt(r api.StopResult) string {
	d := *r.Data
	d.Requests = d.Requests[:min(2, len(d.Requests))]
	d.Responses = append([]api.Response(nil), d.Responses[:min(2, len(d.Responses))]...)
	for i := range d.Responses {
		if len(d.Responses[i].Body) > 60 {
			d.Responses[i].Body = d.Responses[i].Body[:60] + "…"
		}
		d.Responses[i].BodyBase64 = ""
	}
	d.WSFrames = d.WSFrames[:min(2, len(d.WSFrames))]
	d.StreamingResponses = nil
	r.Data = &d
	b, _ := json.MarshalIndent(r, "", "  ")
	return string(b)
}
