package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// liveSite is a page that talks over more than request/response pairs: a
// WebSocket both ways, an EventSource, a body streamed in chunks, a
// cross-site iframe (on a second loopback address, so it runs in its own
// process), a dedicated worker and a popup. Each makes a request the server
// records, so the test knows what the capture must hold.
type liveSite struct {
	*site
	Other string // http://127.0.0.2:PORT, a different site
}

// Known content of the live page's traffic.
var (
	wsBinarySent     = []byte{1, 2, 3, 0, 255}
	wsBinaryReceived = []byte{255, 0, 3, 2, 1}
	streamChunks     = []string{"chunk one;", "chunk two;", "chunk three;", "chunk four."}
	eventSource      = []struct{ Name, ID, Data string }{{"tick", "1", "one"}, {"message", "2", "two"}, {"done", "3", "three"}}
)

func newLiveSite(t *testing.T) *liveSite {
	ls := &liveSite{}
	s := newSite(t, ls.handlers)
	ls.site = s

	other := http.NewServeMux()
	other.HandleFunc("/frame", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, `<!doctype html><title>frame</title><script>fetch('/frame-api?from=iframe').then(r => r.text()).then(t => parent.postMessage('frame:' + t, '*'));</script>`)
	})
	other.HandleFunc("/frame-api", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "from the other site")
	})
	ln := loopback(t, "127.0.0.2")
	srv := &http.Server{Handler: s.record(other)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	ls.Other = "http://" + ln.Addr().String()
	return ls
}

// handlers adds the live page's endpoints to the main site.
func (ls *liveSite) handlers(mux *http.ServeMux) {
	mux.HandleFunc("/live", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, strings.ReplaceAll(livePageHTML, "{{OTHER}}", ls.Other))
	})
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
		defer cancel()
		if err := c.Write(ctx, websocket.MessageText, []byte("welcome")); err != nil {
			return
		}
		for {
			typ, msg, err := c.Read(ctx)
			if err != nil {
				return
			}
			if typ == websocket.MessageText {
				err = c.Write(ctx, websocket.MessageText, []byte("echo:"+string(msg)))
			} else {
				err = c.Write(ctx, websocket.MessageBinary, wsBinaryReceived)
			}
			if err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/events", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-store")
		f := w.(http.Flusher)
		for _, e := range eventSource {
			if e.Name != "message" {
				fmt.Fprintf(w, "event: %s\n", e.Name)
			}
			fmt.Fprintf(w, "id: %s\ndata: %s\n\n", e.ID, e.Data)
			f.Flush()
			time.Sleep(30 * time.Millisecond)
		}
		<-r.Context().Done() // the page closes the EventSource
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		f := w.(http.Flusher)
		for _, c := range streamChunks {
			io.WriteString(w, c)
			f.Flush()
			time.Sleep(80 * time.Millisecond)
		}
	})
	mux.HandleFunc("/worker.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, `fetch('/worker-api?from=worker').then(r => r.text()).then(t => postMessage('worker:' + t));`)
	})
	mux.HandleFunc("/worker-api", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "from the worker's fetch")
	})
	mux.HandleFunc("/popup", func(w http.ResponseWriter, r *http.Request) {
		// As far away as a sign-in page on another continent: a popup's
		// first load is seen when it takes longer than attaching to the
		// new tab, which a local server does not.
		time.Sleep(250 * time.Millisecond)
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, `<!doctype html><title>popup</title><script>
fetch('/popup-api?from=popup');
</script>`)
	})
	mux.HandleFunc("/popup-api", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "from the popup")
	})
}

const livePageHTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>tabtap live page</title></head>
<body>
<a id="pop" href="/popup" target="_blank">open the popup</a>
<script>
const log = [];
const messages = (prefix) => new Promise(resolve => {
  addEventListener('message', function on(e) {
    if (typeof e.data === 'string' && e.data.startsWith(prefix)) { removeEventListener('message', on); resolve(e.data); }
  });
});
(async () => {
  try {
    // WebSocket: text and binary both ways.
    await new Promise((resolve, reject) => {
      const ws = new WebSocket('ws://' + location.host + '/ws');
      ws.binaryType = 'arraybuffer';
      let got = 0;
      ws.onmessage = (m) => {
        got++;
        if (got === 1) { ws.send('hello'); }
        if (got === 2) { ws.send(new Uint8Array([1, 2, 3, 0, 255])); }
        if (got === 3) { ws.close(1000, 'bye'); resolve(); }
      };
      ws.onerror = reject;
    });
    // EventSource: three events, then close.
    await new Promise((resolve, reject) => {
      const es = new EventSource('/events');
      es.addEventListener('done', () => { es.close(); resolve(); });
      es.onerror = () => { es.close(); reject(new Error('eventsource failed')); };
    });
    // A body read as a stream.
    const reader = (await fetch('/stream')).body.getReader();
    while (!(await reader.read()).done) {}
    // A cross-site iframe that fetches on its own.
    const frameDone = messages('frame:');
    const f = document.createElement('iframe');
    f.src = '{{OTHER}}/frame';
    document.body.appendChild(f);
    await frameDone;
    // A dedicated worker that fetches.
    await new Promise(resolve => { const w = new Worker('/worker.js'); w.onmessage = () => resolve(); });
  } catch (e) {
    log.push(String(e));
  }
  // The test now clicks the link, which opens the popup.
  await fetch('/done?errors=' + encodeURIComponent(log.join(';')));
})();
</script>
</body></html>`
