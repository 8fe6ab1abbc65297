package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// site is a local web site whose traffic is known in advance. It records
// every request it serves.
type site struct {
	URL  string // http://127.0.0.1:PORT
	mu   sync.Mutex
	seen []seenRequest
	done chan struct{}
	once sync.Once
	png  []byte
	blob []byte
}

// seenRequest is one request as the server saw it.
type seenRequest struct {
	Method, Path string
	Query        url.Values
	Header       http.Header
	Body         string
}

const (
	secretToken  = "s3cret-token-e2e"
	secretCookie = "cookie-secret-value-e2e"
	getJSON      = `{"items":[1,2,3],"name":"tabtap"}`
	postJSON     = `{"hello":"world","n":42}`
)

func newSite(t testing.TB, extra ...func(*http.ServeMux)) *site {
	s := &site{done: make(chan struct{})}
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for i := range 16 {
		img.Set(i%4, i/4, color.RGBA{uint8(i * 16), 0, 255, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	s.png = buf.Bytes()
	for i := range 300 {
		s.blob = append(s.blob, byte(i*7)) // includes NUL and bytes that are not UTF-8
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, pageHTML)
	})
	mux.HandleFunc("/img.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(s.png)
	})
	mux.HandleFunc("/api/get", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, getJSON)
	})
	mux.HandleFunc("/api/post", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"received":%d}`, r.ContentLength)
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/api/final", http.StatusFound)
	})
	mux.HandleFunc("/api/final", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "final stop")
	})
	mux.HandleFunc("/bin", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(s.blob)
	})
	mux.HandleFunc("/api/auth", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"authorized":%t}`, r.Header.Get("Authorization") == "Bearer "+secretToken)
	})
	mux.HandleFunc("/api/cookie", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "tt_session", Value: secretCookie, Path: "/"})
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"cookie":"set"}`)
	})
	mux.HandleFunc("/done", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
		s.once.Do(func() { close(s.done) })
	})
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})

	for _, add := range extra {
		add(mux)
	}
	ln := loopback(t, "127.0.0.1")
	srv := &http.Server{Handler: s.record(mux)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s.URL = "http://" + ln.Addr().String()
	return s
}

// record notes each request before serving it.
func (s *site) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if r.URL.Path != "/favicon.ico" {
			s.mu.Lock()
			s.seen = append(s.seen, seenRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: string(body)})
			s.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// pageErrors returns what the page's script reported with /done.
func (s *site) pageErrors() string {
	for _, r := range s.requests() {
		if r.Path == "/done" {
			return r.Query.Get("errors")
		}
	}
	return "(no /done request)"
}

// requests returns what the server saw.
func (s *site) requests() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenRequest(nil), s.seen...)
}

// expected is the page's traffic: method and path of each request the
// server must see, in the page's order.
var expected = []struct{ Method, Path string }{
	{"GET", "/page"}, {"GET", "/img.png"}, {"GET", "/api/get"}, {"POST", "/api/post"},
	{"GET", "/redirect"}, {"GET", "/api/final"}, {"GET", "/missing"}, {"GET", "/bin"},
	{"GET", "/api/auth"}, {"GET", "/api/cookie"}, {"GET", "/done"},
}

var pageHTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>tabtap end-to-end page</title></head>
<body>
<h1>tabtap</h1>
<img src="/img.png" alt="">
<script>
(async () => {
  const steps = [];
  try {
    await fetch('/api/get').then(r => r.json());
    await fetch('/api/post', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-Tabtap-Test': 'yes'}, body: '` + postJSON + `'});
    await fetch('/redirect').then(r => r.text());
    await fetch('/missing').then(r => r.text());
    await fetch('/bin').then(r => r.arrayBuffer());
    // The token is assembled here so that it appears in no body, only in the header.
    await fetch('/api/auth', {headers: {'Authorization': 'Bearer ' + ['` + secretToken[:6] + `', '` + secretToken[6:] + `'].join('')}}).then(r => r.json());
    await fetch('/api/cookie').then(r => r.json());
  } catch (e) {
    steps.push(String(e));
  }
  await fetch('/done?errors=' + encodeURIComponent(steps.join(';')));
  document.title = 'done';
})();
</script>
</body></html>`

// pathOf returns the path of an absolute URL on the site.
func (s *site) pathOf(u string) string {
	p := strings.TrimPrefix(u, s.URL)
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	return p
}
