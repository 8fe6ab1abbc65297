package redact

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
)

// recordedEvents returns the DevTools events of the engine's recordings
// of real Chromium traffic.
func recordedEvents(tb testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("..", "capture", "testdata", "*.jsonl"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no recordings in ../capture/testdata: %v", err)
	}
	var out []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			out = append(out, sc.Text())
		}
		fh.Close()
	}
	return out
}

// eventRecord turns one DevTools event into a request and a response
// holding every string the event carries: its URLs as URLs, its headers
// as headers, and the rest as bodies.
func eventRecord(line string) (api.Request, api.Response, bool) {
	var ev struct {
		Params map[string]any `json:"params"`
	}
	if json.Unmarshal([]byte(line), &ev) != nil {
		return api.Request{}, api.Response{}, false
	}
	req := api.Request{Headers: map[string]string{}, Initiator: &api.Initiator{}}
	resp := api.Response{Headers: map[string]string{}}
	var bodies []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && (key == "headers" || key == "requestHeaders") {
					req.Headers[k] = s
					resp.Headers[k] = s
					continue
				}
				walk(k, x)
			}
		case []any:
			for _, x := range v {
				walk(key, x)
			}
		case string:
			switch {
			case strings.Contains(strings.ToLower(key), "url"):
				switch {
				case req.URL == "":
					req.URL = v
				case req.DocumentURL == "":
					req.DocumentURL = v
				default:
					req.Initiator.URL = v
				}
				resp.URL, resp.RedirectURL = v, req.URL
			default:
				bodies = append(bodies, v)
			}
		}
	}
	walk("", ev.Params)
	req.PostData = strings.Join(bodies, "&")
	resp.Body = strings.Join(bodies, "\n")
	return req, resp, true
}

// wholeToken returns where v stands in s as a whole token, or -1.
func wholeToken(s, v string) int {
	for from := 0; ; {
		i := strings.Index(s[from:], v)
		if i < 0 {
			return -1
		}
		i += from
		if !continuesBefore(s, i) && !continuesAfter(s, i+len(v)) {
			return i
		}
		from = i + 1
	}
}

// FuzzRecords learns from and scrubs records made of recorded events,
// mutated, with a planted secret: scrubbing never fails, never changes a
// header's name, is idempotent, and leaves no learned value as a whole
// token in any field.
func FuzzRecords(f *testing.F) {
	for _, line := range recordedEvents(f) {
		f.Add(line, "planted-Secret-0042")
	}
	f.Add(`{"params":{"url":"https://a/?token=x1y2z3w4v5","headers":{"Authorization":"Bearer abcdefgh1234"}}}`, "abcdefgh1234")
	f.Fuzz(func(t *testing.T, line, secret string) {
		req, resp, ok := eventRecord(line)
		if !ok {
			return
		}
		s := NewSet()
		s.Learn(secret)
		s.LearnURL(req.URL)
		s.LearnURL(req.DocumentURL)
		s.LearnHeaders(req.Headers)
		s.LearnBody("", req.PostData)
		s.LearnBody("application/json", resp.Body)
		sc := s.Scrubber()

		r1, p1 := req, resp
		r1.Initiator = &api.Initiator{URL: req.Initiator.URL}
		sc.Request(&r1)
		sc.Response(&p1)
		for k := range req.Headers {
			if _, ok := r1.Headers[k]; !ok {
				t.Fatalf("header %q lost", k)
			}
		}
		fields := []string{r1.URL, r1.DocumentURL, r1.Initiator.URL, r1.PostData, p1.URL, p1.RedirectURL, p1.Body}
		for _, v := range r1.Headers {
			fields = append(fields, v)
		}
		for _, v := range p1.Headers {
			fields = append(fields, v)
		}
		for _, learned := range s.Values() {
			for _, field := range fields {
				if i := wholeToken(field, learned); i >= 0 {
					t.Fatalf("learned value %q left in %q at %d", learned, field, i)
				}
			}
		}
		r2, p2 := r1, p1
		sc.Request(&r2)
		sc.Response(&p2)
		if r2.URL != r1.URL || r2.PostData != r1.PostData || p2.Body != p1.Body || r2.Initiator.URL != r1.Initiator.URL {
			t.Fatalf("scrubbing twice changed the result:\n%q\n%q", r1.PostData, r2.PostData)
		}
		for k, v := range r1.Headers {
			if r2.Headers[k] != v {
				t.Fatalf("header %s: %q then %q", k, v, r2.Headers[k])
			}
		}
	})
}
