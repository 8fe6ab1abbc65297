package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/apidesc"
	"github.com/tabtap/tabtap/host/search"
	"github.com/tabtap/tabtap/internal/testenv"
)

// searchResult is search_network_capture's result as the client gets it.
type searchResult struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId"`
	search.Result
}

// describeResult is describe_api's result as the client gets it.
type describeResult struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId"`
	apidesc.Description
	OpenAPI      *apidesc.Document `json:"openapi"`
	OutputPath   string            `json:"outputPath"`
	BytesWritten int64             `json:"bytesWritten"`
}

// TestSearchAndDescribeAPI captures the notebook app in Chromium and asks,
// through a real MCP client, where three values come from and what API
// the page uses: each value is found in one call; the token the page
// signs in with is found nowhere; describe_api lists exactly the app's API
// with its templates and schemas; its OpenAPI document validates and
// holds no secret.
func TestSearchAndDescribeAPI(t *testing.T) {
	e := newEnv(t)
	s := newNotebookSite(t)
	e.launch()
	sess, _ := e.capturePage(s, "/nb")
	id := sess.SessionID
	e.status(id, "the socket's four frames", func(st api.StatusResult) bool { return st.CurrentStats.WSFrames >= 4 })

	// Search the running capture: each value once, each in one call.
	for q, want := range map[string]string{
		nbBodyNeedle:   "response responseBody ",
		nbFrameNeedle:  "wsFrame payload ",
		nbHeaderNeedle: "response responseHeader X-Trace-Id",
	} {
		res, err := e.call("search_network_capture", map[string]any{"sessionId": id, "query": q})
		if err != nil || res.IsError {
			t.Fatalf("search %s: %v %s", q, err, text(res))
		}
		var r searchResult
		e.tool("search_network_capture", map[string]any{"sessionId": id, "query": q}, &r)
		if r.Total != 1 || len(r.Matches) != 1 {
			t.Fatalf("search %s: %+v", q, r)
		}
		m := r.Matches[0]
		if got := m.Kind + " " + m.Where + " " + m.Name; got != want || !strings.Contains(m.Snippet, q) {
			t.Errorf("search %s: %s (%+v), want %s", q, got, m, want)
		}
		t.Logf("search_network_capture %q: %d bytes as the agent reads them; it begins:\n%s", q, wireSize(res), head(text(res), 600))
		// get_request pages straight to it.
		switch {
		case m.BodyOffset != nil:
			var detail struct {
				Response struct {
					Body string `json:"body"`
				} `json:"response"`
			}
			e.tool("get_request", map[string]any{"sessionId": id, "requestId": m.RequestID, "bodyOffset": *m.BodyOffset, "bodyLength": len(q)}, &detail)
			if detail.Response.Body != q {
				t.Errorf("get_request at bodyOffset %d: %q", *m.BodyOffset, detail.Response.Body)
			}
		case m.Item != nil:
			var detail struct {
				WSFrames []struct {
					Payload string `json:"payload"`
				} `json:"wsFrames"`
			}
			e.tool("get_request", map[string]any{"sessionId": id, "requestId": m.RequestID, "offset": *m.Item, "limit": 1}, &detail)
			if len(detail.WSFrames) != 1 || !strings.Contains(detail.WSFrames[0].Payload, q) {
				t.Errorf("get_request at item %d: %+v", *m.Item, detail.WSFrames)
			}
		}
	}
	// The token the page signed in with was in a body, in headers and in
	// every API call: nothing finds it, however it is asked for.
	for _, q := range []string{nbSecret, "/" + nbSecret[:8] + "/", strings.ToUpper(nbSecret)} {
		var r searchResult
		e.tool("search_network_capture", map[string]any{"sessionId": id, "query": q}, &r)
		if r.Total != 0 {
			t.Errorf("search for the secret %s found %+v", q, r.Matches)
		}
	}

	// The API, once the capture is stopped.
	e.tool("stop_network_capture", map[string]any{"sessionId": id, "outputPath": filepath.Join(t.TempDir(), "nb.json")}, nil)
	res, err := e.call("describe_api", map[string]any{"sessionId": id})
	if err != nil || res.IsError {
		t.Fatalf("describe_api: %v %s", err, text(res))
	}
	t.Logf("describe_api: %d bytes as the agent reads them; it begins:\n%s", wireSize(res), head(text(res), 1200))
	var d describeResult
	e.tool("describe_api", map[string]any{"sessionId": id}, &d)
	var got []string
	for _, ep := range d.Endpoints {
		if ep.Origin != s.URL {
			t.Errorf("endpoint of another origin: %+v", ep)
		}
		got = append(got, ep.Method+" "+ep.Path)
	}
	if strings.Join(got, "\n") != strings.Join(nbAPI, "\n") {
		t.Errorf("describe_api lists\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(nbAPI, "\n"))
	}
	ep := func(method, path string) apidesc.Endpoint {
		for _, ep := range d.Endpoints {
			if ep.Method == method && ep.Path == path {
				return ep
			}
		}
		t.Fatalf("no %s %s", method, path)
		return apidesc.Endpoint{}
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	if k := ep("GET", "/nb/api/kernels/{kernelId}"); k.Count != 4 || js(k.Statuses) != `{"200":3,"404":1}` ||
		js(k.ResponseSchema.Required) != `["id","name","state","created","owner","tags","resources"]` || len(k.ResponseSchema.Properties) != 8 {
		t.Errorf("GET kernel: %s", js(k))
	}
	if k := ep("GET", "/nb/api/kernels"); !strings.Contains(js(k.ResponseSchema), `"owner":{"type":"object","properties":{"id":{"type":"integer"},"email":{"type":"string","format":"email"}},"required":["id","email"]}`) ||
		!strings.Contains(js(k.ResponseSchema), `"tags":{"type":"array","items":{"type":"string"}}`) {
		t.Errorf("GET kernels: %s", js(k.ResponseSchema))
	}
	if k := ep("POST", "/nb/api/kernels"); js(k.RequestSchema) != `{"type":"object","properties":{"name":{"type":"string"},"spec":{"type":"object","properties":{"language":{"type":"string"},"args":{"type":"array","items":{"type":"string"}}},"required":["language","args"]}},"required":["name","spec"]}` {
		t.Errorf("POST kernels: %s", js(k.RequestSchema))
	}
	if u := ep("GET", "/nb/api/users/{userId}/sessions"); js(u.Query) != `["cursor","limit"]` || u.Count != 2 {
		t.Errorf("sessions: %s", js(u))
	}
	if len(d.WebSockets) != 1 || d.WebSockets[0].URL != "ws"+strings.TrimPrefix(s.URL, "http")+"/nb/api/kernels/{kernelId}/channels" ||
		d.WebSockets[0].Sent != 1 || d.WebSockets[0].Received != 3 || len(d.WebSockets[0].Messages) != 3 {
		t.Errorf("sockets: %s", js(d.WebSockets))
	}
	if d.Static.Scripts.Count != 1 || d.Static.Styles.Count != 1 || d.Static.Documents.Count != 1 {
		t.Errorf("static: %+v", d.Static)
	}

	// The OpenAPI document, whole in a new file.
	path := filepath.Join(t.TempDir(), "nb-openapi.json")
	var written describeResult
	e.tool("describe_api", map[string]any{"sessionId": id, "format": "openapi", "outputPath": path}, &written)
	doc, err := os.ReadFile(path)
	if err != nil || written.OutputPath != path || written.BytesWritten != int64(len(doc)) {
		t.Fatalf("describe_api wrote %+v: %v", written, err)
	}
	v := testenv.ValidateOpenAPI(t, path)
	t.Logf("the OpenAPI document (%d bytes): %+v", len(doc), v)
	if !v.Valid || v.Version != "3.1" {
		t.Errorf("the OpenAPI document is not valid OpenAPI 3.1: %+v", v)
	}
	if strings.Contains(string(doc), nbSecret) {
		t.Error("the OpenAPI document holds the secret")
	}
	for _, p := range []string{"/nb/api/kernels/{kernelId}", "/nb/api/users/{userId}/sessions"} {
		if !strings.Contains(string(doc), fmt.Sprintf("%q:", p)) {
			t.Errorf("the OpenAPI document has no path %s", p)
		}
	}
	// A file is new unless overwrite says otherwise.
	if msg := e.toolError("describe_api", map[string]any{"sessionId": id, "format": "openapi", "outputPath": path}); !strings.Contains(msg, "overwrite") {
		t.Errorf("writing over the file: %s", msg)
	}
	e.tool("describe_api", map[string]any{"sessionId": id, "format": "openapi", "outputPath": path, "overwrite": true}, nil)
}

// head is the first n bytes of s.
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
