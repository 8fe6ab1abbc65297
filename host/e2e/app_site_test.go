package e2e

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// appSite is a web application as a person's browser meets it a second
// time: its document and static files carry validators (the browser
// revalidates them and the server answers 304), one is cached outright, its bundle is 3 MB of
// gzipped script, and a service worker answers one of its API calls. Its
// page writes what it built into #out and calls /done with that text, so a
// replay can be checked against the real thing.
type appSite struct {
	URL    string
	srv    *http.Server
	files  map[string]appFile // by path
	mu     sync.Mutex
	loads  int              // /done calls
	seen   map[string]int   // requests by path
	status map[string][]int // statuses answered, by path
	doneCh chan string      // the text of each /done
}

// appFile is one static file of the app.
type appFile struct {
	body  []byte
	gzip  []byte // the body gzipped, served to browsers that accept it
	ctype string
	cache string // Cache-Control
}

// appText is what the page shows once everything it needs has loaded.
const appText = "bundle ok 3000000; items a,b,c; user tabtap; hello from the app; from a blob; image 4x4; font DejaVu"

// bundleSize is the size of the app's main script, uncompressed.
const bundleSize = 3_000_000

func newAppSite(t *testing.T) *appSite {
	s := &appSite{files: map[string]appFile{}, seen: map[string]int{}, status: map[string][]int{}, doneCh: make(chan string, 8)}
	s.files["/static/app.js"] = appFile{body: appBundle(), ctype: "text/javascript", cache: "no-cache"}
	s.files["/static/style.css"] = appFile{body: []byte(appCSS), ctype: "text/css", cache: "no-cache"}
	s.files["/static/vendor.js"] = appFile{body: []byte(`window.vendor = "tabtap";`), ctype: "text/javascript", cache: "public, max-age=3600"}
	s.files["/static/next.js"] = appFile{body: []byte(`window.next = true;`), ctype: "text/javascript", cache: "no-cache"}
	s.files["/static/logo.png"] = appFile{body: pngBytes(t), ctype: "image/png", cache: "no-cache"}
	font, err := os.ReadFile("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
	if err != nil {
		// Any bytes do for the network; the page's text does not depend on them.
		font = bytes.Repeat([]byte{0, 1, 0, 0}, 4096)
	}
	s.files["/static/font.ttf"] = appFile{body: font, ctype: "font/ttf", cache: "no-cache"}
	s.files["/sw.js"] = appFile{body: []byte(appServiceWorker), ctype: "text/javascript", cache: "no-cache"}
	for p, f := range s.files {
		if strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".css") {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(f.body)
			zw.Close()
			f.gzip = buf.Bytes()
			s.files[p] = f
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/app", func(w http.ResponseWriter, r *http.Request) {
		// The document has a validator too: the second load revalidates
		// it, and the server answers 304.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("ETag", `"app-1"`)
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(appHTML))
	})
	mux.HandleFunc("/static/", s.serveFile)
	mux.HandleFunc("/sw.js", s.serveFile)
	mux.HandleFunc("/api/items", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"items":["a","b","c"]}`)
	})
	mux.HandleFunc("/api/user", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"name":"tabtap"}`)
	})
	mux.HandleFunc("/api/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "hello from the app")
	})
	mux.HandleFunc("/done", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
		s.mu.Lock()
		s.loads++
		s.mu.Unlock()
		s.doneCh <- r.URL.Query().Get("text")
	})
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	ln := loopback(t, "127.0.0.1")
	s.srv = &http.Server{Handler: s.count(mux)}
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	s.URL = "http://" + ln.Addr().String()
	return s
}

// count notes each request and the status it got.
func (s *appSite) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: 200}
		next.ServeHTTP(sw, r)
		s.mu.Lock()
		s.seen[r.URL.Path]++
		s.status[r.URL.Path] = append(s.status[r.URL.Path], sw.status)
		s.mu.Unlock()
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// serveFile serves a static file with an ETag, gzipped when the browser
// accepts it; http.ServeContent answers If-None-Match with 304.
func (s *appSite) serveFile(w http.ResponseWriter, r *http.Request) {
	f, ok := s.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	body := f.body
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8])
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Cache-Control", f.cache)
	w.Header().Set("Vary", "Accept-Encoding")
	if f.gzip != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		body, etag = f.gzip, etag+`-gz`
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("ETag", etag+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// waitDone waits for the page's next /done and returns the text it sent.
func (s *appSite) waitDone(t *testing.T) string {
	t.Helper()
	select {
	case text := <-s.doneCh:
		return text
	case <-time.After(60 * time.Second):
		s.mu.Lock()
		defer s.mu.Unlock()
		t.Fatalf("the app page did not finish; the server saw %v", s.seen)
		return ""
	}
}

// statuses returns the statuses the server answered for a path so far.
func (s *appSite) statuses(path string) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.status[path]...)
}

// appBundle is a 3 MB script that says it arrived whole: its last line
// only runs when all of it parsed.
func appBundle() []byte {
	const tail = "window.bundle = 'ok';\n"
	var b bytes.Buffer
	b.WriteString("window.filler = [];\n")
	for i := 0; b.Len() < bundleSize-len(tail)-200; i++ {
		fmt.Fprintf(&b, "window.filler.push(%q);\n", fmt.Sprintf("%07d %s", i, strings.Repeat("tabtap", 8)))
	}
	b.WriteString("//" + strings.Repeat("-", bundleSize-len(tail)-b.Len()-3) + "\n")
	b.WriteString(tail)
	return b.Bytes()
}

const appCSS = `@font-face { font-family: "AppFont"; src: url("/static/font.ttf") format("truetype"); }
body { font-family: "AppFont", sans-serif; background: url("/static/logo.png"); }
#out { color: #222; }
`

// appServiceWorker answers /api/hello itself, with the same text the
// server gives, and leaves everything else to the network.
const appServiceWorker = `self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (e) => {
  if (new URL(e.request.url).pathname === '/api/hello') {
    e.respondWith(new Response('hello from the app', {headers: {'Content-Type': 'text/plain', 'X-Served-By': 'service-worker'}}));
  }
});
`

// appHTML loads the bundle, a cached vendor script, styles with a font and
// an image, an image twice (the second from the memory cache), a data:
// image, JSON over fetch and XHR, and /api/hello (from the service worker
// once it controls the page); it prefetches a script for later.
const appHTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>tabtap app</title>
<link rel="stylesheet" href="/static/style.css">
<link rel="prefetch" href="/static/next.js">
<script src="/static/vendor.js"></script>
<script src="/static/app.js"></script>
</head>
<body>
<p style="font-family: AppFont">tabtap app</p>
<img id="logo" src="/static/logo.png" alt=""><img src="/static/logo.png" alt="">
<img id="dot" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==" alt="">
<div id="out"></div>
<script>
(async () => {
  const parts = [];
  try {
    parts.push('bundle ' + window.bundle + ' ' + (window.filler.length > 0 ? 3000000 : 0));
    const items = await fetch('/api/items').then(r => r.json());
    parts.push('items ' + items.items.join(','));
    const user = await new Promise((resolve, reject) => {
      const x = new XMLHttpRequest();
      x.open('GET', '/api/user');
      x.onload = () => resolve(JSON.parse(x.responseText));
      x.onerror = reject;
      x.send();
    });
    parts.push('user ' + user.name);
    if (navigator.serviceWorker) {
      try {
        await navigator.serviceWorker.register('/sw.js');
        if (!navigator.serviceWorker.controller) {
          await Promise.race([
            new Promise(r => navigator.serviceWorker.addEventListener('controllerchange', r, {once: true})),
            new Promise(r => setTimeout(r, 1000)),
          ]);
        }
      } catch (e) { /* no service worker (a replay may block them): the server answers */ }
    }
    parts.push(await fetch('/api/hello').then(r => r.text()));
    parts.push(await fetch(URL.createObjectURL(new Blob(['from a blob'], {type: 'text/plain'}))).then(r => r.text()));
    const logo = document.getElementById('logo');
    await (logo.complete ? Promise.resolve() : new Promise(r => logo.onload = r));
    parts.push('image ' + logo.naturalWidth + 'x' + logo.naturalHeight);
    await document.fonts.load('16px AppFont');
    parts.push(document.fonts.check('16px AppFont') ? 'font DejaVu' : 'font missing');
  } catch (e) {
    parts.push('error ' + e);
  }
  const text = parts.join('; ');
  document.getElementById('out').textContent = text;
  await fetch('/done?text=' + encodeURIComponent(text));
  document.title = 'done';
})();
</script>
</body></html>`
