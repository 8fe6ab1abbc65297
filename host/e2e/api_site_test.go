package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/coder/websocket"
)

// The notebook app is a page whose API is known: kernels named by UUIDs,
// users by numbers, JSON bodies with nested objects and arrays, fields
// that only some answers have, a socket of typed JSON messages, and a
// sign-in that hands out a token the page then sends. Three values each
// appear once in what the page receives: in a body, in a frame, in a
// header.
const (
	nbBodyNeedle   = "needle-body-42a9"
	nbFrameNeedle  = "needle-frame-9c1e"
	nbHeaderNeedle = "needle-header-5d2b"
	nbSecret       = "nbAccessE2E7r4T1q"
)

var nbKernels = []string{"4f6c2a1e-8b3d-4c5e-9f10-2a3b4c5d6e7f", "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"}

// nbKernel is a kernel as the API answers it; extra adds fields only
// some kernels have.
func nbKernel(i int, extra string) string {
	return fmt.Sprintf(`{"id":%q,"name":"kernel %d","state":%q,"created":"2026-12-0%dT09:30:00Z","owner":{"id":%d,"email":"user%d@nb.test"},`+
		`"tags":["python","gpu-%d"],"resources":{"cpu":%d.5,"memory":%d}%s}`,
		nbKernels[i], i, []string{"idle", "busy", "idle"}[i], i+1, 7+i%2, 7+i%2, i, i+1, 512*(i+1), extra)
}

// nbRoutes serves the notebook app under /nb.
func nbRoutes(mux *http.ServeMux) {
	answer := func(w http.ResponseWriter, status int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
	mux.HandleFunc("GET /nb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, nbPage)
	})
	mux.HandleFunc("GET /nb/static/app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		ids, _ := json.Marshal(nbKernels)
		io.WriteString(w, "window.nbKernels = "+string(ids)+";\n")
	})
	mux.HandleFunc("GET /nb/static/app.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		io.WriteString(w, "body { font-family: sans-serif; }\n")
	})
	mux.HandleFunc("POST /nb/api/login", func(w http.ResponseWriter, r *http.Request) {
		answer(w, 200, `{"access_token":"`+nbSecret+`","token_type":"Bearer","expires_in":3600}`)
	})
	authorized := func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer "+nbSecret }
	mux.HandleFunc("GET /nb/api/kernels", func(w http.ResponseWriter, r *http.Request) {
		if !authorized(r) {
			answer(w, 401, `{"message":"sign in first"}`)
			return
		}
		answer(w, 200, `{"kernels":[`+nbKernel(0, `,"env":{"PYTHONPATH":"/srv"}`)+","+nbKernel(1, "")+","+nbKernel(2, "")+`],"total":3}`)
	})
	mux.HandleFunc("GET /nb/api/kernels/{id}", func(w http.ResponseWriter, r *http.Request) {
		for i, id := range nbKernels {
			if id == r.PathValue("id") {
				extra := ""
				if i == 1 {
					extra = `,"note":"` + nbBodyNeedle + `"`
				}
				answer(w, 200, nbKernel(i, extra))
				return
			}
		}
		answer(w, 404, `{"message":"no such kernel","id":"`+r.PathValue("id")+`"}`)
	})
	mux.HandleFunc("POST /nb/api/kernels", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Trace-Id", nbHeaderNeedle)
		answer(w, 201, nbKernel(2, `,"spec":{"language":"R","args":["--vanilla"]}`))
	})
	mux.HandleFunc("DELETE /nb/api/kernels/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /nb/api/users/{user}/sessions", func(w http.ResponseWriter, r *http.Request) {
		next := `null`
		if r.URL.Query().Get("cursor") == "" {
			next = `"c2"`
		}
		answer(w, 200, fmt.Sprintf(`{"sessions":[{"id":"s-%s-1","kernel":%q,"started":"2026-12-01T10:00:00Z"}],"next":%s}`, r.PathValue("user"), nbKernels[0], next))
	})
	mux.HandleFunc("GET /nb/api/kernels/{id}/channels", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := r.Context()
		if _, _, err := c.Read(ctx); err != nil { // execute
			return
		}
		for _, m := range []string{
			`{"type":"status","state":"busy","msg_id":"m1"}`,
			`{"type":"output","text":"` + nbFrameNeedle + `","data":{"text/plain":"2"},"msg_id":"m1"}`,
			`{"type":"status","state":"idle","msg_id":"m1"}`,
		} {
			if err := c.Write(ctx, websocket.MessageText, []byte(m)); err != nil {
				return
			}
		}
		c.Read(ctx) // until the page closes it
	})
}

// nbAPI is the API the page uses, as describe_api should list it.
var nbAPI = []string{
	"GET /done",
	"GET /nb/api/kernels",
	"POST /nb/api/kernels",
	"GET /nb/api/kernels/{kernelId}",
	"DELETE /nb/api/kernels/{kernelId}",
	"POST /nb/api/login",
	"GET /nb/api/users/{userId}/sessions",
}

var nbPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>notebook</title>
<link rel="stylesheet" href="/nb/static/app.css">
<script src="/nb/static/app.js"></script>
</head>
<body><div id="out"></div>
<script>
(async () => {
  const errs = [];
  const api = async (method, path, body) => {
    const headers = {'Authorization': 'Bearer ' + window.token};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch('/nb/api' + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
    return r.status === 204 ? null : r.json();
  };
  try {
    const login = await fetch('/nb/api/login', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({user: 'ann', remember: true})}).then(r => r.json());
    window.token = login.access_token;
    const list = await api('GET', '/kernels');
    for (const k of list.kernels) await api('GET', '/kernels/' + k.id);
    await api('GET', '/kernels/00000000-0000-4000-8000-000000000000');
    await api('POST', '/kernels', {name: 'ir', spec: {language: 'R', args: ['--vanilla']}});
    await api('DELETE', '/kernels/' + window.nbKernels[2]);
    await api('GET', '/users/7/sessions?limit=5');
    await api('GET', '/users/8/sessions?limit=5&cursor=c2');
    await new Promise((resolve, reject) => {
      const ws = new WebSocket('ws://' + location.host + '/nb/api/kernels/' + window.nbKernels[0] + '/channels');
      ws.onopen = () => ws.send(JSON.stringify({op: 'execute', code: '1+1', msg_id: 'm1'}));
      ws.onmessage = (m) => { if (JSON.parse(m.data).state === 'idle') { ws.close(); resolve(); } };
      ws.onerror = () => reject(new Error('websocket failed'));
    });
  } catch (e) {
    errs.push(String(e));
  }
  document.getElementById('out').textContent = errs.length ? errs.join('; ') : 'ok';
  await fetch('/done?errors=' + encodeURIComponent(errs.join(';')));
})();
</script>
</body></html>`

// newNotebookSite serves the notebook app beside the standard pages.
func newNotebookSite(t *testing.T) *site { return newSite(t, nbRoutes) }
