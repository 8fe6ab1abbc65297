package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/har/hartest"
)

// capturedLoad captures one load of url in the session's tab with the
// default options, waits for done, and returns the whole capture (read
// from the JSON file stop_network_capture wrote) and the path of its HAR.
func (e *env) capturedLoad(sessionID, url string, done func()) (api.StopResult, string) {
	t := e.t
	t.Helper()
	e.tool("start_network_capture", map[string]any{"sessionId": sessionID, "url": url}, nil)
	done()
	// The server answered /done; the capture has it once the browser's
	// events have come through, and the page's other requests before it.
	waitFor(t, "the capture of /done and of every response", func() bool {
		var page api.GetDataResult
		e.tool("get_network_capture_data", map[string]any{"sessionId": sessionID, "urlFilter": "/done", "kind": "responses"}, &page)
		var st api.StatusResult
		e.tool("get_network_capture_status", map[string]any{"sessionId": sessionID}, &st)
		return len(page.Data.Responses) > 0 && st.CurrentStats.Responses >= st.CurrentStats.Requests
	})
	dir := t.TempDir()
	jsonPath, harPath := filepath.Join(dir, "capture.json"), filepath.Join(dir, "capture.har")
	start := time.Now()
	e.tool("stop_network_capture", map[string]any{"sessionId": sessionID, "outputPath": jsonPath}, nil)
	t.Logf("stop with outputPath took %v", time.Since(start).Round(time.Millisecond))
	e.tool("stop_network_capture", map[string]any{"sessionId": sessionID, "format": "har", "outputPath": harPath}, nil)
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var res api.StopResult
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if res.Data == nil {
		t.Fatalf("the capture file %s holds no data", jsonPath)
	}
	return res, harPath
}

// bodyBytes is a response's body as bytes, whether kept as text or base64.
func bodyBytes(t *testing.T, r *api.Response) []byte {
	t.Helper()
	if r.BodyBase64 != "" {
		b, err := base64.StdEncoding.DecodeString(r.BodyBase64)
		if err != nil {
			t.Fatalf("%s: bodyBase64: %v", r.URL, err)
		}
		return b
	}
	return []byte(r.Body)
}

// TestRevisitKeepsEveryBodyAndItsHARReplays loads a web application twice
// in one profile, capturing each load with the defaults. The second load is
// a person's everyday one: the browser revalidates the app's files (the
// server answers 304), takes one from its cache, one from its memory cache,
// and the app's service worker answers an API call. Every response the page
// used has the body it used; then the HAR of that capture, with the server
// gone, serves the page again in Playwright's routeFromHAR.
func TestRevisitKeepsEveryBodyAndItsHARReplays(t *testing.T) {
	e := newEnv(t)
	app := newAppSite(t)
	replayDir := replayer(t)
	e.launch()

	var sess api.Session
	e.tool("initialize_session", map[string]any{"url": "about:blank"}, &sess)
	var texts [2]string
	first, _ := e.capturedLoad(sess.SessionID, app.URL+"/app", func() { texts[0] = app.waitDone(t) })
	second, harPath := e.capturedLoad(sess.SessionID, app.URL+"/app", func() { texts[1] = app.waitDone(t) })
	for i, text := range texts {
		if text != appText {
			t.Fatalf("load %d of the app rendered %q, want %q", i+1, text, appText)
		}
	}

	// The first load's bodies, by URL.
	firstBodies := map[string][]byte{}
	for i := range first.Data.Responses {
		r := &first.Data.Responses[i]
		if r.Status == 200 {
			firstBodies[r.URL] = bodyBytes(t, r)
		}
	}
	d := second.Data
	requests := map[string]*api.Request{}
	for i := range d.Requests {
		requests[d.Requests[i].RequestID] = &d.Requests[i]
	}
	var revalidated, cached, fromWorker, dataURLs, blobURLs int
	for i := range d.Responses {
		r := &d.Responses[i]
		req := requests[r.RequestID]
		body := bodyBytes(t, r)
		t.Logf("%3d %-9s cache=%-5v sw=%-5v %8d bytes %s %s", r.Status, req.ResourceType, r.FromCache, r.FromServiceWorker, len(body), short(r.URL), r.BodyError)
		if r.Failed {
			t.Errorf("%s failed: %s", r.URL, r.ErrorText)
			continue
		}
		if r.Status == 204 {
			continue
		}
		// Never an empty body that looks real: a body, or why there is none.
		// The browser keeps no copy of a revalidated prefetch.
		if strings.HasSuffix(r.URL, "/static/next.js") && r.Status == 304 && len(body) == 0 && strings.Contains(r.BodyError, "empty body") {
			continue
		}
		if len(body) == 0 || r.BodyError != "" || r.BodyTruncated {
			t.Errorf("%s (status %d): %d bytes, bodyError %q, truncated %v", r.URL, r.Status, len(body), r.BodyError, r.BodyTruncated)
			continue
		}
		path := strings.TrimPrefix(r.URL, app.URL)
		if f, ok := app.files[path]; ok && string(body) != string(f.body) {
			t.Errorf("%s: the body is not the file the server has (%d bytes, want %d)", path, len(body), len(f.body))
		}
		switch {
		case r.Status == 304:
			revalidated++
			if want, ok := firstBodies[r.URL]; !ok || string(want) != string(body) {
				t.Errorf("%s: the revalidated body (%d bytes) is not the one the first load had (%d bytes)", path, len(body), len(want))
			}
		case r.FromServiceWorker:
			fromWorker++
			if string(body) != "hello from the app" {
				t.Errorf("%s from the service worker: %q", path, body)
			}
		case r.FromCache:
			cached++
		}
		switch {
		case strings.HasPrefix(r.URL, "data:"):
			dataURLs++
		case strings.HasPrefix(r.URL, "blob:"):
			blobURLs++
			if string(body) != "from a blob" {
				t.Errorf("%s: %q", r.URL, body)
			}
		}
	}
	// What the server answered 304 is in the capture as a 304, with a body.
	served304 := 0
	for _, p := range []string{"/app", "/static/app.js", "/static/style.css", "/static/logo.png", "/static/font.ttf"} {
		st := app.statuses(p)
		if len(st) < 2 || st[len(st)-1] != 304 {
			t.Errorf("the server's answers for %s: %v, want a 304 on the second load", p, st)
			continue
		}
		served304++
	}
	t.Logf("second load: %d responses, %d revalidated (304), %d from a cache, %d from the service worker, %d data: URLs, %d blob: URLs",
		len(d.Responses), revalidated, cached, fromWorker, dataURLs, blobURLs)
	if revalidated < served304 || cached == 0 || fromWorker == 0 || dataURLs == 0 || blobURLs == 0 {
		t.Errorf("second load: %d revalidated (the server sent %d 304s), %d from a cache, %d from the service worker, %d data: and %d blob: URLs", revalidated, served304, cached, fromWorker, dataURLs, blobURLs)
	}
	if d := second.Dropped; d.Total() != 0 {
		t.Errorf("the defaults dropped something: %+v", d)
	}

	// The HAR is valid, and with the server gone it serves the page again.
	harJSON, err := os.ReadFile(harPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := hartest.Validate(harJSON); err != nil {
		t.Fatalf("the HAR does not validate: %v", err)
	}
	checkHARSizes(t, harJSON)
	app.srv.Close()
	start := time.Now()
	res := replay(t, replayDir, harPath, app.URL+"/app")
	t.Logf("replayed the HAR (%d bytes) in %v: %d requests served, text %q", len(harJSON), time.Since(start).Round(time.Millisecond), res.Finished, res.Text)
	if res.Text != appText || len(res.Failed) > 0 || len(res.Errors) > 0 {
		t.Errorf("the replay rendered %q (want %q); failed requests %q; page errors %q", res.Text, appText, res.Failed, res.Errors)
	}
}

// short cuts a long URL (a data: URL) for the log.
func short(u string) string {
	if len(u) > 80 {
		return u[:77] + "…"
	}
	return u
}

// checkHARSizes checks each entry's body against its sizes: content.size
// is the bytes content.text holds (decoded from base64 when encoded, and
// base64 only for a body that is not UTF-8 text), and a Content-Length the
// entry's headers declare for a body neither compressed nor cut agrees.
func checkHARSizes(t *testing.T, harJSON []byte) {
	t.Helper()
	var doc struct {
		Log struct {
			Entries []struct {
				Request  struct{ URL string } `json:"request"`
				Response struct {
					Status   int                            `json:"status"`
					Headers  []struct{ Name, Value string } `json:"headers"`
					BodySize int64                          `json:"bodySize"`
					Content  struct {
						Size     int64  `json:"size"`
						Text     string `json:"text"`
						Encoding string `json:"encoding"`
						Comment  string `json:"comment"`
					} `json:"content"`
				} `json:"response"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(harJSON, &doc); err != nil {
		t.Fatal(err)
	}
	for _, en := range doc.Log.Entries {
		r := en.Response
		held := []byte(r.Content.Text)
		if r.Content.Encoding == "base64" {
			b, err := base64.StdEncoding.DecodeString(r.Content.Text)
			if err != nil {
				t.Errorf("%s: content.text is not base64: %v", short(en.Request.URL), err)
				continue
			}
			if utf8.Valid(b) && !bytes.ContainsAny(b, "\x00") {
				t.Errorf("%s: a UTF-8 text body written as base64", short(en.Request.URL))
			}
			held = b
		}
		if r.Content.Text == "" || strings.Contains(r.Content.Comment, "cut") {
			continue
		}
		if int64(len(held)) != r.Content.Size {
			t.Errorf("%s: content.size %d for %d bytes held", short(en.Request.URL), r.Content.Size, len(held))
		}
		var length, encoding string
		for _, h := range r.Headers {
			switch strings.ToLower(h.Name) {
			case "content-length":
				length = h.Value
			case "content-encoding":
				encoding = h.Value
			}
		}
		if length != "" && encoding == "" && r.Status == 200 && length != strconv.Itoa(len(held)) {
			t.Errorf("%s: Content-Length %s for a body of %d bytes", short(en.Request.URL), length, len(held))
		}
		if r.BodySize > 0 && encoding == "" && r.BodySize != int64(len(held)) {
			t.Errorf("%s: bodySize %d for an uncompressed body of %d bytes", short(en.Request.URL), r.BodySize, len(held))
		}
	}
}
