package tools

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/har/hartest"
)

// stopWith connects a session to a daemon whose stop returns data.
func stopWith(t *testing.T, data api.Data) *mcpSession {
	t.Helper()
	return connect(t, newFakeDaemon("aaaa").answer(api.StopCapture, stopped("s-aaaa-1", data)))
}

func stopArgs(kv ...any) map[string]any {
	args := map[string]any{"sessionId": "s-aaaa-1"}
	for i := 0; i < len(kv); i += 2 {
		args[kv[i].(string)] = kv[i+1]
	}
	return args
}

func ids[T any](xs []T, id func(T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

func TestStopCutsRecordsToFit(t *testing.T) {
	// Two large bodies and many small records: omitting the bodies is not
	// enough, so records go too, from the end.
	data := sampleData(60, func(i int) int {
		switch i {
		case 5:
			return 40_000
		case 10:
			return 20_000
		}
		return 100
	})
	const limit = 15_000
	s := stopWith(t, data)
	var res api.StopResult
	doc := s.ok(api.StopCapture, stopArgs("maxResultBytes", limit), &res)
	if len(doc) > limit {
		t.Errorf("result of %d bytes, over maxResultBytes %d", len(doc), limit)
	}
	if res.Summary != summaryOf(data) {
		t.Errorf("summary %+v, want the true totals %+v", res.Summary, summaryOf(data))
	}
	tr := res.Truncated
	if tr == nil || tr.BodiesOmitted < 2 || !strings.Contains(tr.Hint, "get_network_capture_data") || !strings.Contains(tr.Hint, "outputPath") {
		t.Fatalf("truncated %+v", tr)
	}
	got := res.Data
	kept := map[string]api.Response{}
	for _, r := range got.Responses {
		kept[r.RequestID] = r
	}
	for _, id := range []string{"r5", "r10"} {
		if r, ok := kept[id]; ok && (r.Body != "" || !r.ContentOmitted) {
			t.Errorf("%s kept its large body (%d bytes) or lacks contentOmitted", id, len(r.Body))
		}
	}
	// What stays is the start of each list, and the counts say how much
	// of each was left out.
	for _, c := range []struct {
		name      string
		kept, all []string
		cut       int
	}{
		{"requests", ids(got.Requests, func(r api.Request) string { return r.RequestID }), ids(data.Requests, func(r api.Request) string { return r.RequestID }), tr.Requests},
		{"responses", ids(got.Responses, func(r api.Response) string { return r.RequestID }), ids(data.Responses, func(r api.Response) string { return r.RequestID }), tr.Responses},
		{"wsFrames", ids(got.WSFrames, func(f api.WSFrame) string { return f.Timestamp.String() }), ids(data.WSFrames, func(f api.WSFrame) string { return f.Timestamp.String() }), tr.WSFrames},
		{"streamingResponses", ids(got.StreamingResponses, func(s api.StreamingResponse) string { return s.RequestID }), ids(data.StreamingResponses, func(s api.StreamingResponse) string { return s.RequestID }), tr.StreamingResponses},
	} {
		if len(c.kept)+c.cut != len(c.all) || !reflect.DeepEqual(c.kept, c.all[:len(c.kept)]) {
			t.Errorf("%s: kept %d, %d said cut, of %d; kept must be the start of the list", c.name, len(c.kept), c.cut, len(c.all))
		}
	}
	if tr.Requests == 0 {
		t.Error("no request was cut, yet the bodies alone could not make it fit")
	}
}

func TestStopOmitsTheLargestContentsFirst(t *testing.T) {
	data := sampleData(10, func(i int) int {
		if i == 2 {
			return 100_000
		}
		return 500
	})
	data.StreamingResponses[1].Chunks[0].Data = strings.Repeat("c", 50_000)
	data.WSFrames[2].Payload = strings.Repeat("w", 30_000)
	s := stopWith(t, data)
	var res api.StopResult
	doc := s.ok(api.StopCapture, stopArgs("maxResultBytes", 40_000), &res)
	if len(doc) > 40_000 {
		t.Errorf("result of %d bytes, over 40000", len(doc))
	}
	tr := res.Truncated
	if tr == nil || tr.BodiesOmitted != 3 || tr.Requests+tr.Responses+tr.WSFrames+tr.StreamingResponses != 0 {
		t.Fatalf("truncated %+v, want the three large contents omitted and no record cut", tr)
	}
	d := res.Data
	if r := d.Responses[2]; r.Body != "" || !r.ContentOmitted {
		t.Errorf("the 100 kB body was kept")
	}
	if st := d.StreamingResponses[1]; st.Chunks[0].Data != "" || !st.ContentOmitted || len(st.Chunks) != 2 {
		t.Errorf("the 50 kB chunk: %+v", st)
	}
	if f := d.WSFrames[2]; f.Payload != "" || !f.ContentOmitted {
		t.Errorf("the 30 kB frame was kept")
	}
	for i, r := range d.Responses[:10] {
		if i != 2 && i != 3 && (len(r.Body) != 500 || r.ContentOmitted) {
			t.Errorf("small body %d was cut: %d bytes, omitted %v", i, len(r.Body), r.ContentOmitted)
		}
	}
}

func TestStopLeavesAFittingCaptureAlone(t *testing.T) {
	data := sampleData(20, func(int) int { return 200 })
	s := stopWith(t, data)
	var res api.StopResult
	s.ok(api.StopCapture, stopArgs(), &res)
	if res.Truncated != nil || res.Format != "json" || res.HAR != nil {
		t.Errorf("truncated %+v, format %q, har %v", res.Truncated, res.Format, res.HAR != nil)
	}
	want, _ := json.Marshal(data)
	got, _ := json.Marshal(res.Data)
	if string(got) != string(want) {
		t.Error("a capture that fits came back changed")
	}
}

func TestStopAsHAR(t *testing.T) {
	data := sampleData(30, func(i int) int { return 1000 })
	s := stopWith(t, data)
	var res map[string]json.RawMessage
	doc := s.ok(api.StopCapture, stopArgs("format", "har"), &res)
	if _, ok := res["data"]; ok || string(res["format"]) != `"har"` {
		t.Errorf("a HAR result also carries data, or says format %s", res["format"])
	}
	hartest.Check(t, res["har"])
	var h struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(res["har"], &h); err != nil || len(h.Log.Entries) < 30 {
		t.Errorf("%d HAR entries for 30 requests (%v)", len(h.Log.Entries), err)
	}

	// maxResultBytes bounds a HAR result too.
	doc = s.ok(api.StopCapture, stopArgs("format", "har", "maxResultBytes", 8000), &res)
	if len(doc) > 8000 || res["truncated"] == nil {
		t.Errorf("HAR result of %d bytes for maxResultBytes 8000, truncated %s", len(doc), res["truncated"])
	}
	hartest.Check(t, res["har"])
}

func TestStopWritesOutputPath(t *testing.T) {
	data := sampleData(40, func(int) int { return 2000 })
	s := stopWith(t, data)
	dir := t.TempDir()
	t.Chdir(dir)

	// A relative path is refused: it would land wherever the client
	// started the server.
	if msg := s.fails(api.StopCapture, stopArgs("outputPath", "capture.json")); !strings.Contains(msg, "absolute path") {
		t.Errorf("relative outputPath: %q", msg)
	}
	// The whole capture goes to the file whatever maxResultBytes says.
	var res api.StopResult
	s.ok(api.StopCapture, stopArgs("outputPath", filepath.Join(dir, "capture.json"), "maxResultBytes", MinMaxResultBytes), &res)
	if res.OutputPath != filepath.Join(dir, "capture.json") {
		t.Errorf("outputPath %q, want the absolute path", res.OutputPath)
	}
	b, err := os.ReadFile(filepath.Join(dir, "capture.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Data != nil || res.Truncated != nil || res.BytesWritten != int64(len(b)) {
		t.Errorf("result carries data %v, truncated %v, bytesWritten %d of %d", res.Data != nil, res.Truncated, res.BytesWritten, len(b))
	}
	var full api.StopResult
	if err := json.Unmarshal(b, &full); err != nil || full.Data == nil || len(full.Data.Requests) != len(data.Requests) ||
		full.Data.Responses[7].Body != data.Responses[7].Body || full.OutputPath != "" {
		t.Errorf("the file does not hold the whole capture (%v)", err)
	}

	s.ok(api.StopCapture, stopArgs("outputPath", filepath.Join(dir, "capture.har"), "format", "har"), &res)
	b, err = os.ReadFile(filepath.Join(dir, "capture.har"))
	if err != nil {
		t.Fatal(err)
	}
	hartest.Check(t, b)
	if res.HAR != nil || res.Data != nil || res.Format != "har" || res.BytesWritten != int64(len(b)) {
		t.Errorf("HAR to a file: har %v, data %v, format %q, %d bytes written", res.HAR != nil, res.Data != nil, res.Format, res.BytesWritten)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".tabtap-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestStopFitsTheSmallestLimit(t *testing.T) {
	s := stopWith(t, sampleData(50, func(int) int { return 3000 }))
	for _, format := range []string{"json", "har"} {
		var res api.StopResult
		doc := s.ok(api.StopCapture, stopArgs("format", format, "maxResultBytes", MinMaxResultBytes), &res)
		if len(doc) > MinMaxResultBytes || res.Truncated == nil {
			t.Errorf("%s: %d bytes for maxResultBytes %d (truncated %+v)", format, len(doc), MinMaxResultBytes, res.Truncated)
		}
	}
}

// A page of records stays under about 1 MB: its largest contents go first.
func TestGetDataPageIsBounded(t *testing.T) {
	data := sampleData(20, func(i int) int {
		if i < 3 {
			return 600_000 // three large bodies
		}
		return 100
	})
	s := connect(t, newFakeDaemon("aaaa").answer(api.GetCaptureData, api.GetDataResult{SessionID: "s-aaaa-1", CaptureID: "c", Data: data, Limit: 100}))
	var res api.GetDataResult
	raw := s.ok(api.GetCaptureData, map[string]any{"sessionId": "s-aaaa-1"}, &res)
	if len(raw) > DefaultMaxResultBytes || res.ContentsOmitted < 1 || res.ContentsOmitted > 3 {
		t.Errorf("page of %d bytes, %d contents omitted", len(raw), res.ContentsOmitted)
	}
	kept := 0
	for _, r := range res.Data.Responses {
		if r.ContentOmitted {
			if r.Body != "" {
				t.Errorf("%s marked omitted but kept its body", r.RequestID)
			}
		} else if r.Body != "" {
			kept++
		}
	}
	if kept < 17 || len(res.Data.Responses) != len(data.Responses) {
		t.Errorf("%d of %d small bodies kept", kept, len(res.Data.Responses))
	}
}
