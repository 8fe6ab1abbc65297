package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// busySite is a page as heavy as real applications get: /busy?n=N&frames=F
// loads a 3 MB script, fetches /item/0 … /item/N-1 (JSON of varied sizes,
// a few failing), opens a WebSocket that pushes F frames while the page
// sends one for every hundred it gets, then calls /done.
type busySite struct {
	*site
	script []byte // the 3 MB script, as served
}

func newBusySite(t testing.TB) *busySite {
	b := &busySite{script: bigScript(3 << 20)}
	b.site = newSite(t, b.handlers)
	return b
}

// bigScript is a valid script of about n bytes that does little.
func bigScript(n int) []byte {
	var sb strings.Builder
	sb.WriteString("window.bundle = [];\n")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; sb.Len() < n; i++ {
		fmt.Fprintf(&sb, "window.bundle.push(function f%d(x) { return x * %d + %q; });\n", i, rng.IntN(1000), strconv.FormatUint(rng.Uint64(), 36))
	}
	sb.WriteString("window.bundleReady = window.bundle.length;\n")
	return []byte(sb.String())
}

func (b *busySite) handlers(mux *http.ServeMux) {
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		frames, _ := strconv.Atoi(r.URL.Query().Get("frames"))
		fmt.Fprintf(w, busyHTML, n, frames)
	})
	mux.HandleFunc("/big.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b.script)
	})
	mux.HandleFunc("/item/", func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/item/"))
		w.Header().Set("Cache-Control", "no-store")
		if i%53 == 7 {
			http.Error(w, `{"error":"no such item"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%d,"name":"item %d","tags":[%s]}`, i, i, strings.Repeat(`"tag",`, i%40)+`"last"`)
	})
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		frames, _ := strconv.Atoi(r.URL.Query().Get("frames"))
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
		defer cancel()
		go func() { // what the page sends
			for {
				if _, _, err := c.Read(ctx); err != nil {
					return
				}
			}
		}()
		for i := range frames {
			msg := fmt.Sprintf(`{"seq":%d,"price":%d.25,"symbol":"TT"}`, i, 100+i%50)
			if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
				return
			}
		}
		c.Write(ctx, websocket.MessageText, []byte(`{"done":true}`))
		// The page closes the socket once it has everything.
		<-ctx.Done()
	})
}

// busyHTML takes the number of fetches and of frames.
const busyHTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>busy</title><script src="/big.js"></script></head>
<body><h1>busy</h1><script>
(async () => {
  const n = %d, frames = %d, errors = [];
  try {
    if (window.bundleReady < 1000) errors.push('bundle ' + window.bundleReady);
    for (let i = 0; i < n; i += 20) {
      await Promise.all(Array.from({length: Math.min(20, n - i)}, (_, k) => fetch('/item/' + (i + k)).then(r => r.text())));
    }
    if (frames > 0) {
      await new Promise((resolve, reject) => {
        const ws = new WebSocket('ws://' + location.host + '/feed?frames=' + frames);
        let got = 0;
        ws.onmessage = (m) => {
          got++;
          if (got %% 100 === 0) ws.send('ack ' + got);
          if (m.data === '{"done":true}') { ws.close(1000, 'bye'); resolve(); }
        };
        ws.onerror = () => reject(new Error('socket'));
      });
    }
  } catch (e) {
    errors.push(String(e));
  }
  await fetch('/done?errors=' + encodeURIComponent(errors.join(';')));
  document.title = 'done';
})();
</script></body></html>`
