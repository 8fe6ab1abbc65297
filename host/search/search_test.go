package search

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture/capturetest"
)

func run(t *testing.T, d *api.Data, a Args) Result {
	t.Helper()
	r, err := Search(context.Background(), d, a)
	if err != nil {
		t.Fatalf("%+v: %v", a, err)
	}
	return r
}

func where(r Result) string {
	var out []string
	for _, m := range r.Matches {
		out = append(out, m.Kind+"/"+m.Where+strings.TrimSuffix("/"+m.Name, "/"))
	}
	return strings.Join(out, " ")
}

// TestRecordedHTTPPage searches what the engine made of Chromium's events
// for the end-to-end test page, bodies given as the browser gives them.
func TestRecordedHTTPPage(t *testing.T) {
	d := capturetest.Replay(t, capturetest.Testdata("http-page.jsonl"), api.Settings{}, map[string]capturetest.Body{
		"/api/get": {Text: `{"items":[1,2,3],"marker":"needle-in-get"}`},
		"/bin":     {Text: base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 3, 'n', 'e', 'e', 'd', 'l', 'e'}), Base64: true},
		"/img.png": {Text: base64.StdEncoding.EncodeToString([]byte("\x89PNG needle")), Base64: true},
	})
	r := run(t, &d, Args{Query: "NEEDLE-in"})
	if r.Total != 1 || len(r.Matches) != 1 {
		t.Fatalf("needle-in-get: %+v", r)
	}
	m := r.Matches[0]
	if m.Kind != "response" || m.Where != "responseBody" || m.Method != "GET" || m.Status != 200 || !strings.HasSuffix(m.URL, "/api/get") ||
		m.BodyOffset == nil || m.Snippet != `{"items":[1,2,3],"marker":"needle-in-get"}` {
		t.Errorf("the match: %+v", m)
	}
	var body string
	for _, p := range d.Responses {
		if p.RequestID == m.RequestID {
			body = p.Body
		}
	}
	if !strings.HasPrefix(body[*m.BodyOffset:], "needle-in-get") {
		t.Errorf("bodyOffset %d does not point at the match in %q", *m.BodyOffset, body)
	}
	// Binary bodies are not searched: the image's bytes hold "needle".
	if r := run(t, &d, Args{Query: "needle"}); r.Total != 1 || r.Searched.Skipped < 2 {
		t.Errorf("binary bodies searched: %+v", r)
	}

	// A request body, and where in it.
	r = run(t, &d, Args{Query: `"n":42`})
	if where(r) != "request/requestBody" || *r.Matches[0].BodyOffset != int64(strings.Index(`{"hello":"world","n":42}`, `"n":42`)) {
		t.Errorf("POST body: %+v", r)
	}
	// A header's name and value.
	r = run(t, &d, Args{Query: "sec-fetch-mode", In: []string{InHeaders}})
	if r.Total < 10 || r.Matches[0].Where != "requestHeader" || r.Matches[0].Name != "Sec-Fetch-Mode" || !strings.HasPrefix(r.Matches[0].Snippet, "Sec-Fetch-Mode: ") {
		t.Errorf("a header name: %+v", r.Matches[:1])
	}
	r = run(t, &d, Args{Query: "/^Bearer /", In: []string{InHeaders}})
	if where(r) != "request/requestHeader/Authorization" || r.Matches[0].Snippet != "Authorization: Bearer [redacted]" {
		t.Errorf("Authorization: %+v", r)
	}
	// The recording holds secrets in the clear; nothing finds them.
	for _, secret := range []string{"s3cret-token-e2e", "cookie-secret-value-e2e", "/s3cret/", "/(?i)COOKIE-SECRET/"} {
		if r := run(t, &d, Args{Query: secret}); r.Total != 0 {
			t.Errorf("%q found: %+v", secret, r.Matches)
		}
	}
	// URLs, the redirect hop included.
	r = run(t, &d, Args{Query: "/redirect", In: []string{InURL}})
	if where(r) != "request/url" || !strings.HasSuffix(r.Matches[0].RequestID, ":redirected.1") || r.Matches[0].Status != 302 {
		t.Errorf("redirect: %+v", r)
	}
}

// TestRecordedLivePage finds frames and stream items.
func TestRecordedLivePage(t *testing.T) {
	d := capturetest.Replay(t, capturetest.Testdata("live-page.jsonl"), api.Settings{}, nil)
	r := run(t, &d, Args{Query: "echo:", In: []string{InFrames}})
	if where(r) != "wsFrame/payload" || r.Matches[0].Item == nil || *r.Matches[0].Item != 2 || r.Matches[0].Direction != "received" ||
		r.Matches[0].Snippet != "echo:hello" || r.Matches[0].BodyOffset != nil || !strings.HasPrefix(r.Matches[0].URL, "ws://") {
		t.Errorf("a frame: %+v", r)
	}
	r = run(t, &d, Args{Query: "three", In: []string{InStreams}})
	if r.Total < 1 || r.Matches[0].Kind != "stream" || r.Matches[0].Where != "streamItem" || *r.Matches[0].Item != 2 {
		t.Errorf("an EventSource message: %+v", r)
	}
	r = run(t, &d, Args{Query: "chunk four", In: []string{InStreams}})
	if r.Total != 1 || r.Matches[0].Where != "streamItem" {
		t.Errorf("a chunk: %+v", r)
	}
}

func exchange(id, url string, req map[string]string, body string, resp map[string]string, respBody string) ([]api.Request, []api.Response) {
	return []api.Request{{RequestID: id, URL: url, Method: "POST", Headers: req, PostData: body}},
		[]api.Response{{RequestID: id, URL: url, Status: 200, Headers: resp, Body: respBody, MimeType: "application/json"}}
}

func TestDecodedBodies(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"hidden":"in-gzip"}`))
	zw.Close()
	var br bytes.Buffer
	bw := brotli.NewWriter(&br)
	bw.Write([]byte(`{"hidden":"in-brotli"}`))
	bw.Close()
	b64 := base64.StdEncoding.EncodeToString
	d := &api.Data{Responses: []api.Response{
		{RequestID: "1", URL: "https://a.test/text", Status: 200, BodyBase64: b64([]byte("plain in-base64 text"))},
		{RequestID: "2", URL: "https://a.test/gz", Status: 200, BodyBase64: b64(gz.Bytes())},
		{RequestID: "3", URL: "https://a.test/br", Status: 200, BodyBase64: b64(br.Bytes()), Headers: map[string]string{"Content-Encoding": "br"}},
		{RequestID: "4", URL: "https://a.test/img", Status: 200, BodyBase64: b64([]byte("in-image")), MimeType: "image/png"},
	}, WSFrames: []api.WSFrame{{RequestID: "5", URL: "wss://a.test/ws", Binary: true, Payload: b64([]byte("binary in-frame")), Direction: "sent"}}}
	r := run(t, d, Args{Query: "in-"})
	got := map[string]Match{}
	for _, m := range r.Matches {
		got[m.RequestID] = m
	}
	if m := got["1"]; m.BodyOffset == nil || *m.BodyOffset != 6 {
		t.Errorf("base64 text: %+v", m)
	}
	if m := got["2"]; m.Snippet != `{"hidden":"in-gzip"}` || m.BodyOffset != nil {
		t.Errorf("gzip: %+v", m)
	}
	if m := got["3"]; m.Snippet != `{"hidden":"in-brotli"}` {
		t.Errorf("brotli: %+v", m)
	}
	if _, ok := got["4"]; ok || r.Searched.Skipped != 1 {
		t.Errorf("an image was searched: %+v", r)
	}
	if m := got["5"]; m.Snippet != "binary in-frame" {
		t.Errorf("a binary frame: %+v", m)
	}
}

// TestInflateBomb: a body that inflates without end is searched up to a
// bound.
func TestInflateBomb(t *testing.T) {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for range MaxInflatedBytes>>20 + 4 { // 20 MiB of text in about 20 KiB
		zw.Write(chunk)
	}
	zw.Write([]byte("needle"))
	zw.Close()
	d := &api.Data{Responses: []api.Response{{RequestID: "1", URL: "https://a.test/bomb", Status: 200, BodyBase64: base64.StdEncoding.EncodeToString(gz.Bytes())}}}
	r := run(t, d, Args{Query: "needle"})
	if r.Total != 0 || r.Searched.Bytes > MaxInflatedBytes+1000 {
		t.Errorf("the bomb: %+v", r)
	}
}

func TestPaging(t *testing.T) {
	d := &api.Data{}
	for i := range 30 {
		q, p := exchange(fmt.Sprint(i), fmt.Sprintf("https://a.test/item/%d", i), map[string]string{"X-Trace": fmt.Sprintf("trace-%d", i)}, "", nil, fmt.Sprintf(`{"trace":"trace-%d"}`, i))
		d.Requests, d.Responses = append(d.Requests, q...), append(d.Responses, p...)
	}
	r := run(t, d, Args{Query: "trace-"})
	if r.Total != 60 || r.Returned != 20 || *r.NextOffset != 20 || where(r)[:45] != "request/requestHeader/X-Trace response/respon" {
		t.Fatalf("first page: %d %d %v %s", r.Total, r.Returned, r.NextOffset, where(r))
	}
	limit := 50
	r2 := run(t, d, Args{Query: "trace-", Offset: 20, Limit: &limit})
	if r2.Returned != 40 || r2.NextOffset != nil || r2.Matches[0].RequestID != "10" {
		t.Errorf("last page: %d %v %+v", r2.Returned, r2.NextOffset, r2.Matches[0])
	}
	// A small budget: fewer matches, the rest a page away.
	all, err := Search(context.Background(), d, Args{Query: "trace-", Limit: &limit})
	if err != nil {
		t.Fatal(err)
	}
	small := all.Fit(2000)
	if b, _ := json.Marshal(small); len(b) > 2000 || small.Returned < 5 || *small.NextOffset != small.Returned {
		t.Errorf("budget: %d bytes, %d returned, next %v", len(b), small.Returned, small.NextOffset)
	}
	// Even a tiny budget returns the first match.
	if tiny := all.Fit(10); tiny.Returned != 1 || *tiny.NextOffset != 1 {
		t.Errorf("tiny budget: %+v", tiny)
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("x", 100) + "NEEDLE" + strings.Repeat("y", 100)
	s := snippet("", long, 100, 106)
	if s != "…"+strings.Repeat("x", 40)+"NEEDLE"+strings.Repeat("y", 40)+"…" {
		t.Errorf("context: %q", s)
	}
	// Cuts fall on character boundaries.
	u := strings.Repeat("é", 50) + "needle" + strings.Repeat("é", 50)
	if s := snippet("", u, 100, 106); !strings.Contains(s, "needle") || strings.ContainsRune(s, '\uFFFD') {
		t.Errorf("UTF-8: %q", s)
	}
	// A long match is cut too.
	if s := snippet("", strings.Repeat("z", 10000), 0, 10000); len(s) > snippetMatch+snippetContext+40 {
		t.Errorf("long match: %d bytes", len(s))
	}
}

func TestArgs(t *testing.T) {
	d := &api.Data{}
	zero, big := 0, int(api.SearchMatches.Max)+1
	for _, c := range []struct {
		a    Args
		want string
	}{
		{Args{}, "query is required"},
		{Args{Query: "/(/"}, "not a valid regular expression"},
		{Args{Query: "x", In: []string{"bodies"}}, `in takes url, headers, requestBody, responseBody, frames, streams, not "bodies"`},
		{Args{Query: "x", Limit: &zero}, "limit must be between 1 and 500, not 0"},
		{Args{Query: "x", Limit: &big}, "limit must be between 1 and 500"},
		{Args{Query: "x", Offset: -1}, "offset must not be negative"},
	} {
		_, err := Search(context.Background(), d, c.a)
		if err == nil || !strings.Contains(err.Error(), c.want) || api.CodeOf(err) != api.CodeInvalid {
			t.Errorf("%+v: %v, want %q", c.a, err, c.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	many := &api.Data{WSFrames: make([]api.WSFrame, 1000)}
	if _, err := Search(ctx, many, Args{Query: "x"}); err == nil {
		t.Error("a canceled search went on")
	}
}

// TestNotebook searches the end-to-end test's notebook app as Chromium
// showed it: a value once in a body, once in a frame, once in a header.
func TestNotebook(t *testing.T) {
	d := capturetest.Saved(t, capturetest.Testdata("notebook-capture.json"))
	for q, want := range map[string]string{
		"needle-body-42a9": "response/responseBody", "needle-frame-9c1e": "wsFrame/payload", "NEEDLE-header-5d2b": "response/responseHeader/X-Trace-Id",
	} {
		r := run(t, d, Args{Query: q})
		if r.Total != 1 || where(r) != want {
			t.Errorf("%s: %+v", q, r)
		}
	}
	r := run(t, d, Args{Query: "/kernels/[0-9a-f-]{36}$/", In: []string{InURL}})
	if r.Total != 5 { // four GETs and a DELETE (the socket's URL goes on)
		t.Errorf("a regex on URLs: %d %s", r.Total, where(r))
	}
}

// TestTimeLimit: a search that runs out of time says how far it got.
func TestTimeLimit(t *testing.T) {
	defer func(l time.Duration) { TimeLimit = l }(TimeLimit)
	TimeLimit = 0
	d := &api.Data{WSFrames: make([]api.WSFrame, 2000)}
	for i := range d.WSFrames {
		d.WSFrames[i] = api.WSFrame{RequestID: "ws", Payload: "x", Direction: "sent"}
	}
	r := run(t, d, Args{Query: "x"})
	if r.Incomplete == "" || r.Total == 0 || r.Total >= 2000 || r.Searched.Records >= 2000 {
		t.Errorf("%d found, %d records, %q", r.Total, r.Searched.Records, r.Incomplete)
	}
}
