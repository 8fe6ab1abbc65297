package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tabtap/tabtap/host/api"
)

// bundleToken is the one secret of the bundle site: an access token its
// API hands out, then takes as Authorization: Bearer and in the socket's
// auth frame.
const bundleToken = "tbE2EpQ7xK2mW9vR4nL8cJ3hF6gD1sA5zY0uBq"

// namesBundle is a 3 MB script of the kind real bundles are, full of
// names that look secret (token, credentials, session, key, auth, csrf,
// password, apiKey) and of values that are not secrets: keywords,
// placeholders, hashes. Its last line runs only when all of it parsed.
func namesBundle() []byte {
	var b strings.Builder
	b.WriteString("window.mods = [];\n")
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; b.Len() < 3<<20; i++ {
		fmt.Fprintf(&b, `window.mods.push({token:function(e){return e.token||null},defaultToken:"invalid",tokenPostfix:".ts",`+
			`credentials:"same-origin",session:{key:"k%d",auth:"ok",id:null,sessionId:"",token_type:"Bearer"},apiKey:"YOUR_API_KEY",`+
			`password:"",secret:!1,csrf:"X-CSRF-Token",headers:function(t){return{Authorization:"Bearer "+t,"X-Session":this.session.key}},`+
			`url:function(t){return"/api/items?page=%d&token="+encodeURIComponent(t)+"&key="+this.session.key},hash:"%016x",`+
			`auth:{provider:"oidc",tokenUrl:"https://idp.example/token?client_id=app%d",scope:"openid"}});`+
			"window.mods[%d].$tokens=[];window.mods[%d].$tokens.length;\n",
			i, i, rng.Uint64(), i, i, i)
	}
	b.WriteString("window.bundleReady = window.mods.length;\n")
	return []byte(b.String())
}

// namesCSS is a style sheet of the same names.
func namesCSS() []byte {
	var b strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&b, ".token-%d,.session-key-%d,.auth-ok{color:#%06x;--auth-token:\"invalid\";background:url(/b/i.png?key=k%d&token=t%d)}\n", i, i, i*37%0xffffff, i, i)
	}
	return []byte(b.String())
}

// namesConfig is JSON an app reads at start: secret names, no secrets.
const namesConfig = `{"auth":{"provider":"oidc","tokenUrl":"https://idp.example/token","session":"cookie","csrf":true,"password":null},` +
	`"features":{"token":"enabled","apiKey":"required"},"keys":["Enter","Escape"],"credentials":"include"}`

// bundleSite serves a page that loads namesBundle, namesCSS and
// namesConfig while a real token flows through its API and its socket.
type bundleSite struct {
	*site
	bundle, css []byte
}

func newBundleSite(t *testing.T) *bundleSite {
	b := &bundleSite{bundle: namesBundle(), css: namesCSS()}
	b.site = newSite(t, func(mux *http.ServeMux) {
		mux.HandleFunc("/b/app", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, bundlePage)
		})
		mux.HandleFunc("/b/bundle.js", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(b.bundle)
		})
		mux.HandleFunc("/b/app.css", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/css")
			w.Write(b.css)
		})
		mux.HandleFunc("/b/config.json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, namesConfig)
		})
		mux.HandleFunc("/b/api/login", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, bundleToken)
		})
		mux.HandleFunc("/b/api/items", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer "+bundleToken {
				http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"items":[{"id":1,"token":"t1"}],"echo":"signed in with %s"}`, bundleToken)
		})
		mux.HandleFunc("/b/ws", func(w http.ResponseWriter, r *http.Request) {
			c, err := websocket.Accept(w, r, nil)
			if err != nil {
				return
			}
			defer c.CloseNow()
			ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
			defer cancel()
			_, msg, err := c.Read(ctx)
			if err != nil {
				return
			}
			reply := `{"auth":"invalid"}`
			if string(msg) == `{"auth":"`+bundleToken+`"}` {
				reply = `{"auth":"ok"}`
			}
			c.Write(ctx, websocket.MessageText, []byte(reply))
			c.Write(ctx, websocket.MessageText, []byte(`{"type":"session","token":"refresh soon","key":"Enter"}`))
			c.Read(ctx) // until the page closes
		})
	})
	return b
}

const bundlePage = `<!doctype html>
<html><head><meta charset="utf-8"><title>bundle</title>
<link rel="stylesheet" href="/b/app.css"><script src="/b/bundle.js"></script></head>
<body><h1>bundle</h1><script>
(async () => {
  const errs = [];
  try {
    if (!(window.bundleReady > 1000)) errs.push('bundle ' + window.bundleReady);
    const config = await fetch('/b/config.json').then(r => r.json());
    const login = await fetch('/b/api/login', {method: 'POST', credentials: config.credentials}).then(r => r.json());
    await fetch('/b/api/items', {headers: {Authorization: login.token_type + ' ' + login.access_token}}).then(r => r.json());
    await new Promise((resolve, reject) => {
      const ws = new WebSocket('ws://' + location.host + '/b/ws');
      let got = 0;
      ws.onopen = () => ws.send(JSON.stringify({auth: login.access_token}));
      ws.onmessage = (m) => {
        if (++got === 1 && m.data !== '{"auth":"ok"}') reject(new Error('auth ' + m.data));
        if (got === 2) { ws.close(); resolve(); }
      };
      ws.onerror = () => reject(new Error('socket'));
    });
  } catch (e) {
    errs.push(String(e));
  }
  await fetch('/done?errors=' + encodeURIComponent(errs.join(';')));
})();
</script></body></html>`

// TestSecretNamesInCodeAndARealToken loads a page whose 3 MB bundle, style
// sheet and config are full of names that look secret, while a real token
// flows through its API and its socket: the bundle, the style sheet and
// the config leave byte-identical, the document's and the bundle's
// headers unchanged, and the token is nowhere.
func TestSecretNamesInCodeAndARealToken(t *testing.T) {
	e := newEnv(t)
	e.launch()
	s := newBundleSite(t)
	var sess api.Session
	e.tool("initialize_session", map[string]any{"url": "about:blank"}, &sess)
	e.tool("start_network_capture", map[string]any{"sessionId": sess.SessionID, "url": s.URL + "/b/app"}, nil)
	waitForDone(t, s.site)
	if errs := s.pageErrors(); errs != "" {
		t.Fatalf("the page's script failed: %s", errs)
	}
	waitFor(t, "the frames and the last responses", func() bool {
		var st api.StatusResult
		e.tool("get_network_capture_status", map[string]any{"sessionId": sess.SessionID}, &st)
		return st.CurrentStats.WSFrames >= 3 && st.CurrentStats.Responses >= 8
	})
	dir := t.TempDir()
	jsonPath, harPath := filepath.Join(dir, "capture.json"), filepath.Join(dir, "capture.har")
	res, err := e.call("stop_network_capture", map[string]any{"sessionId": sess.SessionID, "outputPath": jsonPath})
	if err != nil || res.IsError {
		t.Fatalf("stop: %v %s", err, text(res))
	}
	e.tool("stop_network_capture", map[string]any{"sessionId": sess.SessionID, "format": "har", "outputPath": harPath}, nil)
	outputs := map[string]string{"stop_network_capture": text(res)}
	for name, p := range map[string]string{"the JSON file": jsonPath, "the HAR file": harPath} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		outputs[name] = string(b)
	}
	var whole api.StopResult
	if err := json.Unmarshal([]byte(outputs["the JSON file"]), &whole); err != nil || whole.Data == nil {
		t.Fatalf("the JSON file: %v", err)
	}
	d := whole.Data
	for i := range d.Requests {
		r := d.Requests[i]
		var detail api.RequestDetail
		e.tool("get_request", map[string]any{"sessionId": sess.SessionID, "requestId": r.RequestID}, &detail)
		b, _ := json.Marshal(detail)
		outputs["get_request "+s.pathOf(r.URL)] = string(b)
	}
	marks := strings.Count(outputs["the JSON file"], "[redacted]")
	t.Logf("%d records, %d [redacted] marks in the whole capture; hidden: %+v", len(d.Requests)+len(d.Responses)+len(d.WSFrames), marks, whole.Redacted)

	for name, out := range outputs {
		if strings.Contains(out, bundleToken) {
			t.Errorf("%s holds the token", name)
		}
	}
	var h struct {
		Log struct {
			Entries []struct {
				Request  struct{ URL string }
				Response struct {
					Content struct{ Text, Encoding string }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(outputs["the HAR file"]), &h); err != nil {
		t.Fatalf("the HAR file: %v", err)
	}
	harText := map[string]string{}
	for _, en := range h.Log.Entries {
		harText[s.pathOf(en.Request.URL)] = en.Response.Content.Text
	}
	byPath := map[string]*api.Response{}
	reqs := map[string]*api.Request{}
	for i := range d.Requests {
		reqs[d.Requests[i].RequestID] = &d.Requests[i]
	}
	for i := range d.Responses {
		r := &d.Responses[i]
		if q := reqs[r.RequestID]; q != nil {
			byPath[s.pathOf(q.URL)] = r
		}
	}
	for path, want := range map[string]string{"/b/bundle.js": string(s.bundle), "/b/app.css": string(s.css), "/b/config.json": namesConfig, "/b/app": bundlePage} {
		r := byPath[path]
		switch {
		case r == nil:
			t.Errorf("%s: no response", path)
		case r.Body != want:
			t.Errorf("%s changed (%d bytes, want %d): redacted %q", path, len(r.Body), len(want), r.Redacted)
		case harText[path] != want:
			t.Errorf("%s: the HAR's content is not the body as served", path)
		}
	}
	// An ordinary navigation's headers, and the bundle's: nothing hidden.
	for _, r := range d.Requests {
		if p := s.pathOf(r.URL); p == "/b/app" || p == "/b/bundle.js" || p == "/b/app.css" {
			resp := byPath[p]
			if r.Redacted != nil || resp == nil || resp.Redacted != nil || strings.Contains(mustJSON(r.Headers)+mustJSON(resp.Headers), "[redacted]") {
				t.Errorf("%s: headers changed: %v / %v", p, r.Headers, resp)
			}
		}
	}
	// The token is hidden where it flows, and said so.
	if r := byPath["/b/api/login"]; r == nil || r.Body != `{"access_token":"[redacted]","token_type":"Bearer","expires_in":3600}` {
		t.Errorf("the token response: %+v", r)
	}
	var authFrame, okFrame bool
	for _, f := range d.WSFrames {
		authFrame = authFrame || f.Payload == `{"auth":"[redacted]"}` && len(f.Redacted) == 1 && f.Redacted[0] == "payload:$.auth"
		okFrame = okFrame || f.Payload == `{"auth":"ok"}` && f.Redacted == nil
	}
	if !authFrame || !okFrame {
		t.Errorf("the socket's frames: %+v", d.WSFrames)
	}
	if whole.Redacted == nil || whole.Redacted.Places["header:Authorization"] != 1 {
		t.Errorf("the count of what was hidden: %+v", whole.Redacted)
	}
}
