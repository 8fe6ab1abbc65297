package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
)

// quickPopupBody is the document of a popup served at once.
const quickPopupBody = `<!doctype html><title>quick popup</title><script>fetch('/quick-api');</script>`

// TestPopupFirstDocument opens, from a captured tab, a popup whose server
// answers at once: faster than any extension can attach to a new tab. The
// popup's later requests are captured whole; its first document is in the
// capture, partial (known from its response on, or recorded after the
// fact: docs/records.md), with its status and the body the browser shows.
func TestPopupFirstDocument(t *testing.T) {
	e := newEnv(t)
	apis := make(chan struct{}, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/opener", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, `<!doctype html><title>opener</title><a id="pop" href="/quick-popup" target="_blank">open</a>`)
	})
	mux.HandleFunc("/quick-popup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, quickPopupBody)
	})
	mux.HandleFunc("/quick-api", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "from the quick popup")
		select {
		case apis <- struct{}{}:
		default:
		}
	})
	ln := loopback(t, "127.0.0.1")
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	base := "http://" + ln.Addr().String()
	e.launch()

	var sess api.Session
	e.tool("initialize_session", map[string]any{"url": "about:blank"}, &sess)
	e.tool("start_network_capture", map[string]any{"sessionId": sess.SessionID, "url": base + "/opener"}, nil)
	waitFor(t, "the opener", func() bool {
		var page api.GetDataResult
		e.tool("get_network_capture_data", map[string]any{"sessionId": sess.SessionID, "urlFilter": "/opener", "kind": "responses"}, &page)
		return len(page.Data.Responses) > 0
	})
	waitFor(t, "the opener's tab", func() bool {
		for _, tg := range e.targets() {
			if tg.Type == "page" && strings.Contains(tg.URL, "/opener") {
				return true
			}
		}
		return false
	})
	e.click("/opener", "#pop")
	<-apis
	waitFor(t, "the popup's API call in the capture", func() bool {
		var page api.GetDataResult
		e.tool("get_network_capture_data", map[string]any{"sessionId": sess.SessionID, "urlFilter": "/quick-api", "kind": "responses"}, &page)
		return len(page.Data.Responses) > 0 && (page.Data.Responses[0].Body != "" || page.Data.Responses[0].BodyError != "")
	})
	var stopped api.StopResult
	e.tool("stop_network_capture", map[string]any{"sessionId": sess.SessionID}, &stopped)
	d := stopped.Data
	api := findAny(d, "GET", "/quick-api")
	if api == nil || api.TabID == sess.TabID || api.Partial {
		t.Fatalf("the popup's own request: %+v", api)
	}
	if r := responseByID(d, api.RequestID); r == nil || r.Body != "from the quick popup" {
		t.Errorf("the popup's own request's response: %+v", r)
	}
	docs := 0
	for _, r := range d.Requests {
		if strings.HasSuffix(r.URL, "/quick-popup") {
			docs++
		}
	}
	if docs != 1 {
		t.Errorf("%d records of the popup's first document, want 1", docs)
	}
	doc := findAny(d, "GET", "/quick-popup")
	if doc == nil {
		t.Fatal("the popup's first document is not in the capture")
	}
	r := responseByID(d, doc.RequestID)
	if r == nil {
		t.Fatalf("the popup's first document has no response: %+v", doc)
	}
	t.Logf("the popup's first document: method %q, partial %v, type %q, frame %q, status %d, body %q, bodyError %q", doc.Method, doc.Partial, doc.ResourceType, doc.FrameID, r.Status, short(r.Body), r.BodyError)
	// Status 0: recorded after the fact, the browser keeps no status.
	if r.Status != 200 && r.Status != 0 || r.Body != quickPopupBody || doc.TabID == sess.TabID {
		t.Errorf("the popup's first document's response: %+v", r)
	}
}
