package redact

import (
	"encoding/base64"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/internal/testenv"
)

// served is how a server serves the files of a package: the Content-Type
// and the resource type of the browser's request, by extension. Files
// of other kinds (TypeScript sources, READMEs) are not served to pages.
var served = map[string]struct{ contentType, resourceType string }{
	".js":    {"text/javascript; charset=utf-8", "Script"},
	".mjs":   {"text/javascript; charset=utf-8", "Script"},
	".cjs":   {"text/javascript; charset=utf-8", "Script"},
	".css":   {"text/css; charset=utf-8", "Stylesheet"},
	".map":   {"application/json", "Fetch"},
	".json":  {"application/json", "Fetch"},
	".txt":   {"text/plain; charset=utf-8", "Fetch"},
	".html":  {"text/html; charset=utf-8", "Document"},
	".svg":   {"image/svg+xml", "Image"},
	".ttf":   {"font/ttf", "Font"},
	".woff":  {"font/woff", "Font"},
	".woff2": {"font/woff2", "Font"},
}

// TestCorpusOfRealCodeIsUnchanged passes every file that the npm packages
// pinned in testdata/corpus ship (jquery, angular, moment, monaco-editor,
// bootstrap, react-dom, lodash and what they depend on: scripts, styles,
// source maps, JSON, fonts) through redaction as the response body a page
// gets, served with its type, in a capture that has learned secrets
// elsewhere: every file leaves byte-identical, says nothing was hidden, and
// teaches nothing. None of these files holds a secret.
func TestCorpusOfRealCodeIsUnchanged(t *testing.T) {
	dir := filepath.Join(testenv.NPM(t, "redact-corpus", filepath.Join("testdata", "corpus")), "node_modules")
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			if _, ok := served[strings.ToLower(filepath.Ext(p))]; ok {
				files = append(files, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) < 3000 {
		t.Fatalf("the corpus holds %d files, want the packages' 3,000 and more", len(files))
	}

	// Secrets a capture learned from its sign-in, none of which these
	// files hold.
	set := NewSet()
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		set.Learn(randomToken(r, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 24))
	}
	learned := set.Len()
	var d api.Data
	byKind := map[string][2]int{} // files, bytes by content type
	total := 0
	for i, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		how := served[strings.ToLower(filepath.Ext(p))]
		id := fmt.Sprint(i)
		rel, _ := filepath.Rel(dir, p)
		u := "https://cdn.example/" + filepath.ToSlash(rel)
		resp := api.Response{RequestID: id, URL: u, Status: 200, MimeType: strings.Split(how.contentType, ";")[0],
			Headers: map[string]string{"Content-Type": how.contentType, "Cache-Control": "public, max-age=31536000", "ETag": `"` + id + `"`}}
		if utf8.Valid(b) {
			resp.Body = string(b)
			set.LearnBody(how.contentType, resp.Body)
		} else {
			resp.BodyBase64 = base64.StdEncoding.EncodeToString(b)
		}
		d.Requests = append(d.Requests, api.Request{RequestID: id, URL: u, Method: "GET", ResourceType: how.resourceType,
			Headers: map[string]string{"Accept": "*/*", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Referer": "https://app.example/"}})
		d.Responses = append(d.Responses, resp)
		k := byKind[resp.MimeType]
		byKind[resp.MimeType] = [2]int{k[0] + 1, k[1] + len(b)}
		total += len(b)
	}
	if set.Len() != learned {
		t.Errorf("the corpus taught %d values: %q", set.Len()-learned, set.Values()[learned:min(set.Len(), learned+20)])
	}
	want := api.Data{Requests: append([]api.Request(nil), d.Requests...), Responses: append([]api.Response(nil), d.Responses...)}
	set.Scrubber().Data(&d)
	changed := 0
	for i := range d.Responses {
		got, w := d.Responses[i], want.Responses[i]
		if got.Body != w.Body || got.BodyBase64 != w.BodyBase64 || !reflect.DeepEqual(got.Headers, w.Headers) || got.Redacted != nil || d.Requests[i].Redacted != nil {
			changed++
			if changed <= 10 {
				t.Errorf("%s changed: redacted %q %q; %s", got.URL, got.Redacted, d.Requests[i].Redacted, firstDiff(w.Body, got.Body))
			}
		}
	}
	kinds := make([]string, 0, len(byKind))
	for k, v := range byKind {
		kinds = append(kinds, fmt.Sprintf("%s %d files %.1f MB", k, v[0], float64(v[1])/(1<<20)))
	}
	sort.Strings(kinds)
	t.Logf("corpus: %d files, %.1f MB (%s): %d changed", len(files), float64(total)/(1<<20), strings.Join(kinds, ", "), changed)
}

// firstDiff shows where two texts first differ.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-40)
	return fmt.Sprintf("at %d: %q became %q", i, a[from:min(len(a), i+60)], b[from:min(len(b), i+60)])
}
