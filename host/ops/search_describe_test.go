package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/shape"
)

func serveOp(t *testing.T, op Op, b Backend, args map[string]any) (*mcp.CallToolResult, error) {
	t.Helper()
	raw, _ := json.Marshal(args)
	return op.Serve(context.Background(), b, raw)
}

// TestSearchCapture searches a running capture through the operation: the
// page of matches, its headline, and within a small budget fewer matches
// with the way to the rest.
func TestSearchCapture(t *testing.T) {
	b := newRunning(t)
	for i := range 40 {
		b.load(fmt.Sprintf("r%d", i), fmt.Sprintf("https://app.test/api/items/%d", i), fmt.Sprintf(`{"id":%d,"ref":"ord_%04d"}`, i, i))
	}
	b.c.Stop("") // once its bodies are in
	res, err := serveOp(t, searchCapture, b, map[string]any{"sessionId": "s-1", "query": "ORD_0007"})
	if err != nil {
		t.Fatal(err)
	}
	var r searchResult
	decode(t, res, &r)
	if r.Total != 1 || r.CaptureID != "capture_1" || r.Matches[0].Where != "responseBody" || *r.Matches[0].BodyOffset != int64(strings.Index(`{"id":7,"ref":"ord_0007"}`, "ord_0007")) {
		t.Errorf("%+v", r)
	}
	if head := text(res); !strings.HasPrefix(head, `1 match for "ORD_0007" in capture capture_1; showing 1–1. First: responseBody of GET https://app.test/api/items/7 → 200.`) {
		t.Errorf("headline: %s", head)
	}
	res, err = serveOp(t, searchCapture, b, map[string]any{"sessionId": "s-1", "query": "ord_", "limit": 500, "maxResultBytes": api.MinResultBytes})
	if err != nil {
		t.Fatal(err)
	}
	decode(t, res, &r)
	if r.Total != 40 || r.Returned == 40 || r.NextOffset == nil || shape.Size(res) > api.MinResultBytes || !strings.Contains(text(res), fmt.Sprintf("Next page: offset %d.", r.Returned)) {
		t.Errorf("a small budget: %d returned of %d, %d bytes: %s", r.Returned, r.Total, shape.Size(res), text(res)[:200])
	}
	res, _ = serveOp(t, searchCapture, b, map[string]any{"sessionId": "s-1", "query": "absent"})
	if !strings.HasPrefix(text(res), `No match for "absent" in capture capture_1 (80 records`) {
		t.Errorf("no match: %s", text(res))
	}
	for args, want := range map[string]string{
		`{"sessionId":"s-1"}`:                           "query is required",
		`{"sessionId":"s-1","query":"x","in":["body"]}`: "in",
		`{"sessionId":"s-1","query":"x","limit":0}`:     "limit must be between 1 and 500",
		`{"sessionId":"s-2","query":"x"}`:               "session s-2 not found",
		`{"sessionId":"s-1","query":"x","where":"url"}`: "where",
	} {
		_, err := searchCapture.Serve(context.Background(), b, json.RawMessage(args))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", args, err, want)
		}
	}
}

// TestDescribeAPI describes a capture through the operation: the summary
// with its headline, the OpenAPI document inline, and written whole to a
// new file once.
func TestDescribeAPI(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TABTAP_CAPTURES_DIR", dir)
	b := newRunning(t)
	for i := range 6 {
		b.load(fmt.Sprintf("r%d", i), fmt.Sprintf("https://app.test/api/items/%d", 100+i), fmt.Sprintf(`{"id":%d,"name":"item %d"}`, 100+i, i))
	}
	b.socket("ws1", "wss://app.test/live", `{"type":"tick","n":1}`, `{"type":"tick","n":2}`)
	b.c.Stop("") // once its bodies are in
	res, err := serveOp(t, describeAPI, b, map[string]any{"sessionId": "s-1"})
	if err != nil {
		t.Fatal(err)
	}
	var r describeResult
	decode(t, res, &r)
	if r.Description == nil || len(r.Endpoints) != 1 || r.Endpoints[0].Path != "/api/items/{itemId}" || r.Endpoints[0].Count != 6 || len(r.WebSockets) != 1 || r.Format != "summary" {
		t.Fatalf("%s", res.RawStructuredContent)
	}
	if head := text(res); !strings.HasPrefix(head, "The API capture capture_1 shows: 1 endpoint and 1 WebSocket, from 6 calls.") {
		t.Errorf("headline: %s", head)
	}
	res, err = serveOp(t, describeAPI, b, map[string]any{"sessionId": "s-1", "format": "openapi"})
	if err != nil {
		t.Fatal(err)
	}
	r = describeResult{}
	decode(t, res, &r)
	if r.OpenAPI == nil || r.OpenAPI.Paths["/api/items/{itemId}"] == nil || r.Description != nil || !strings.HasPrefix(text(res), "OpenAPI 3.1 document of the API capture capture_1 shows: 1 path.") {
		t.Errorf("openapi: %s", res.RawStructuredContent)
	}

	res, err = serveOp(t, describeAPI, b, map[string]any{"sessionId": "s-1", "format": "openapi", "outputPath": "api.json"})
	if err != nil {
		t.Fatal(err)
	}
	r = describeResult{}
	decode(t, res, &r)
	file, err := os.ReadFile(filepath.Join(dir, "api.json"))
	if err != nil || r.OutputPath != filepath.Join(dir, "api.json") || r.BytesWritten != int64(len(file)) || r.Description == nil || r.OpenAPI != nil {
		t.Fatalf("written: %v %s", err, res.RawStructuredContent)
	}
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if json.Unmarshal(file, &doc) != nil || doc.OpenAPI != "3.1.0" || doc.Paths["/api/items/{itemId}"] == nil {
		t.Errorf("the file: %s", file)
	}
	if !strings.Contains(text(res), "The whole OpenAPI document ("+fmt.Sprint(len(file))+" bytes) was written to "+r.OutputPath) {
		t.Errorf("headline: %s", text(res))
	}
	// A new file only, unless overwrite; JSON files only; a format it has.
	for args, want := range map[string]string{
		`{"sessionId":"s-1","format":"openapi","outputPath":"api.json"}`: "overwrite",
		`{"sessionId":"s-1","outputPath":"api.yaml"}`:                    "must end in .json",
		`{"sessionId":"s-1","format":"yaml"}`:                            "format must be summary or openapi",
		`{"sessionId":"s-1","urlFilter":"/(/"}`:                          "not a valid regular expression",
	} {
		_, err := describeAPI.Serve(context.Background(), b, json.RawMessage(args))
		if err == nil || !strings.Contains(err.Error(), want) || api.CodeOf(err) != api.CodeInvalid {
			t.Errorf("%s: %v, want %q", args, err, want)
		}
	}
	if _, err := serveOp(t, describeAPI, b, map[string]any{"sessionId": "s-1", "outputPath": "api.json", "overwrite": true}); err != nil {
		t.Errorf("overwrite: %v", err)
	}
	if files := filesIn(t, dir); len(files) != 1 {
		t.Errorf("the folder holds %v", files)
	}
}

func text(res *mcp.CallToolResult) string {
	if len(res.Content) == 0 {
		return ""
	}
	tc, _ := res.Content[0].(mcp.TextContent)
	return tc.Text
}

// BenchmarkSearchAndDescribe serves both operations on a capture of
// 2,000 JSON responses and 20,000 frames, as the daemon does: the
// capture's records copied out and scrubbed, the work, the result fitted.
//
//	go test ./host/ops -run xxx -bench SearchAndDescribe
func BenchmarkSearchAndDescribe(b *testing.B) {
	r := newRunning(b)
	for i := range 2000 {
		r.load(fmt.Sprintf("r%d", i), fmt.Sprintf("https://app.test/item/%d", i), fmt.Sprintf(`{"id":%d,"name":"item %d","tags":[%s]}`, i, i, strings.Repeat(`"tag",`, i%40)+`"last"`))
	}
	frames := make([]string, 20000)
	for i := range frames {
		frames[i] = fmt.Sprintf(`{"seq":%d,"price":%d.25,"symbol":"TT"}`, i, 100+i%50)
	}
	r.socket("ws", "wss://app.test/feed", frames...)
	r.c.Stop("")
	for _, c := range []struct {
		op   Op
		args string
	}{{searchCapture, `{"sessionId":"s-1","query":"\"name\":\"item 1999\""}`}, {describeAPI, `{"sessionId":"s-1"}`}} {
		b.Run(c.op.Name(), func(b *testing.B) {
			for b.Loop() {
				if _, err := c.op.Serve(context.Background(), r, json.RawMessage(c.args)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
