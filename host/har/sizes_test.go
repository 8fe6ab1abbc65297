package har_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/har"
)

// TestSizesAgreeWithTheBytes builds entries whose bodies came compressed,
// plain, revalidated, from the cache and binary: content.size is the bytes
// held, bodySize what the network carried, and base64 is used exactly for
// the body that is not text.
func TestSizesAgreeWithTheBytes(t *testing.T) {
	bundle := strings.Repeat("console.log(1);\n", 1000)
	bin := []byte{0, 1, 2, 0xff, 0xfe}
	cases := []struct {
		name         string
		resp         api.Response
		size, body   int64
		compression  int64 // 0: none written
		text, base64 bool
	}{
		{"gzipped", api.Response{Status: 200, Headers: map[string]string{"Content-Encoding": "gzip", "Content-Length": "120"}, Body: bundle, BodySize: int64(len(bundle))},
			int64(len(bundle)), 120, int64(len(bundle)) - 120, true, false},
		{"plain, chunked", api.Response{Status: 200, Headers: map[string]string{}, Body: "hello"}, 5, 5, 0, true, false},
		{"revalidated", api.Response{Status: 304, Headers: map[string]string{"ETag": `"v1"`}, Body: bundle}, int64(len(bundle)), 0, 0, true, false},
		{"from the cache", api.Response{Status: 200, FromCache: true, Headers: map[string]string{"Content-Length": "5"}, Body: "hello"}, 5, 0, 0, true, false},
		{"binary", api.Response{Status: 200, Headers: map[string]string{"Content-Length": "5"}, BodyBase64: base64.StdEncoding.EncodeToString(bin)}, 5, 5, 0, false, true},
		{"cut", api.Response{Status: 200, Headers: map[string]string{}, Body: "hel", BodySize: 5, BodyTruncated: true}, 5, -1, 0, true, false},
	}
	for _, c := range cases {
		c.resp.RequestID, c.resp.URL, c.resp.Source = "1", "https://app.test/x", page
		h := har.Build(api.StopResult{Data: &api.Data{
			Requests:  []api.Request{{RequestID: "1", URL: "https://app.test/x", Method: "GET", Source: page, Timestamp: t0}},
			Responses: []api.Response{c.resp},
		}}, "test")
		r := h.Log.Entries[0].Response
		if r.Content.Size != c.size || r.BodySize != c.body {
			t.Errorf("%s: content.size %d, bodySize %d; want %d and %d", c.name, r.Content.Size, r.BodySize, c.size, c.body)
		}
		if got := r.Content.Compression; (got == nil) != (c.compression == 0) || got != nil && *got != c.compression {
			t.Errorf("%s: compression %v, want %d", c.name, got, c.compression)
		}
		if (r.Content.Encoding == "base64") != c.base64 || (r.Content.Text != "") != (c.text || c.base64) {
			t.Errorf("%s: encoding %q, text %d bytes", c.name, r.Content.Encoding, len(r.Content.Text))
		}
	}
}
