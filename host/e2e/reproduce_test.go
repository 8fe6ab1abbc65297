package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/install/nativehost"
	"github.com/tabtap/tabtap/host/reproduce/reproducetest"
)

// signedApp is a local app that signs in with a password, then
// authenticates every call with a session cookie and a bearer token (both
// random, made at sign-in), as real single-page apps do. Its page signs
// in, reads the user's orders, and calls an API of another site.
type signedApp struct {
	URL, other string
	password   string
	mu         sync.Mutex
	sid, token string
	orders     []string
	done       chan struct{}
	once       sync.Once
}

func random(prefix string) string {
	b := make([]byte, 16)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func newSignedApp(t *testing.T) *signedApp {
	a := &signedApp{password: random("pw-"), done: make(chan struct{}), orders: []string{"tea", "rice"}}
	other := http.NewServeMux()
	other.HandleFunc("/api/rates", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", a.URL)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"eur":1.08}`)
	})
	oln := loopback(t, "127.0.0.1")
	osrv := &http.Server{Handler: other}
	go osrv.Serve(oln)
	t.Cleanup(func() { osrv.Close() })
	// Another site to the browser: the same machine by another name.
	a.other = "http://localhost:" + strconv.Itoa(oln.Addr().(*net.TCPAddr).Port)

	mux := http.NewServeMux()
	mux.HandleFunc("/app", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, signedPage, a.password, a.other)
	})
	mux.HandleFunc("/api/login", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ User, Password string }
		if json.NewDecoder(r.Body).Decode(&in) != nil || in.Password != a.password {
			http.Error(w, `{"error":"wrong password"}`, http.StatusUnauthorized)
			return
		}
		a.mu.Lock()
		a.sid, a.token = random("sid-"), random("tok-")
		sid, token := a.sid, a.token
		a.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"user":"ann"}`, token)
	})
	mux.HandleFunc("/api/orders", func(w http.ResponseWriter, r *http.Request) {
		if !a.signedIn(r) {
			w.Header().Set("Content-Type", "application/json")
			http.Error(w, `{"error":"sign in first"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		a.mu.Lock()
		defer a.mu.Unlock()
		if r.Method == http.MethodPost {
			var in struct{ Item string }
			json.NewDecoder(r.Body).Decode(&in)
			a.orders = append(a.orders, in.Item)
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"id":%d,"item":%q}`, len(a.orders), in.Item)
			return
		}
		page := r.URL.Query().Get("page")
		b, _ := json.Marshal(map[string]any{"user": "ann", "page": page, "orders": a.orders})
		w.Write(b)
	})
	mux.HandleFunc("/done", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
		a.once.Do(func() { close(a.done) })
	})
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	ln := loopback(t, "127.0.0.1")
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	a.URL = "http://" + ln.Addr().String()
	return a
}

// signedIn reports whether a call carries both the session cookie and the
// bearer token of the last sign-in.
func (a *signedApp) signedIn(r *http.Request) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, err := r.Cookie("sid")
	return a.sid != "" && err == nil && c.Value == a.sid && r.Header.Get("Authorization") == "Bearer "+a.token
}

func (a *signedApp) secrets() (sid, token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.sid, a.token
}

// signedPage signs in with the password, then reads the orders with the
// token (the cookie goes by itself) and the rates of another site.
const signedPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>orders</title></head><body>
<script>
(async () => {
  const errs = [];
  try {
    const login = await fetch('/api/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({user: 'ann', password: '%s'})}).then(r => r.json());
    window.token = login.access_token;
    const orders = await fetch('/api/orders?page=1', {headers: {'Authorization': 'Bearer ' + window.token, 'Accept': 'application/json'}});
    if (orders.status !== 200) errs.push('orders: ' + orders.status);
    await orders.text();
    await fetch('%s/api/rates').then(r => r.text());
  } catch (e) {
    errs.push(String(e));
  }
  await fetch('/done?errors=' + encodeURIComponent(errs.join(';')));
})();
</script></body></html>`

// setOptions opens the extension's options page as a person does, types
// into its fields and saves. sites is typed into "Sites where agents may
// send requests as you"; changes ticks (or clears) "Including requests
// that change things".
func (e *env) setOptions(sites string, changes bool) {
	e.t.Helper()
	e.devtoolsGet("/json/new?" + url.PathEscape("chrome-extension://"+nativehost.ExtensionID+"/options.html"))
	id, page := e.target("options.html")
	defer e.devtoolsGet("/json/close/" + id)
	waitFor(e.t, "the options page to show the settings", func() bool {
		var ready bool
		_ = json.Unmarshal(e.evaluateValue(page, `document.readyState === 'complete' && !!document.querySelector('#sendSites')`), &ready)
		return ready
	})
	e.evaluate(page, `(() => { const t = document.querySelector('#sendSites'); t.focus(); t.select(); })()`, true)
	e.cdp(page, "Input.insertText", map[string]any{"text": sites})
	e.evaluate(page, `(() => {
	  const box = document.querySelector('#sendChanges');
	  if (box.checked !== `+strconv.FormatBool(changes)+`) box.click();
	  document.querySelector('#save').click();
	})()`, true)
	waitFor(e.t, "the options page to save", func() bool {
		var saved string
		_ = json.Unmarshal(e.evaluateValue(page, `document.querySelector('#saved').textContent`), &saved)
		return saved == "Saved."
	})
}

// TestReproduceAsCodeAndAsThePerson: on a signed-in app, a captured call
// written as curl, fetch and python runs with the hidden values set and
// gets what the browser got; sent again with send_request it goes as the
// person, only where the person allows; no secret reaches the agent.
func TestReproduceAsCodeAndAsThePerson(t *testing.T) {
	e := newEnv(t)
	app := newSignedApp(t)
	e.launch()

	var sess api.Session
	e.tool("initialize_session", map[string]any{"url": "about:blank"}, &sess)
	e.tool("start_network_capture", map[string]any{"sessionId": sess.SessionID, "url": app.URL + "/app"}, nil)
	select {
	case <-app.done:
	case <-time.After(45 * time.Second):
		t.Fatal("the app's page did not finish")
	}
	sid, token := app.secrets()
	if sid == "" {
		t.Fatal("the page did not sign in")
	}
	secrets := []string{sid, token, app.password}
	noSecret := func(what string, b []byte) {
		t.Helper()
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds a secret (%.8s…): %s", what, s, b)
			}
		}
	}
	orders := e.findRequest(sess.SessionID, "/api/orders", "GET")
	rates := e.findRequest(sess.SessionID, "/api/rates", "GET")

	// The call as code, run with each hidden value set.
	var shown api.RequestDetail
	waitFor(t, "the capture to hold the call's body", func() bool {
		e.tool("get_request", map[string]any{"sessionId": sess.SessionID, "requestId": orders}, &shown)
		return shown.Response != nil && shown.Response.Body != ""
	})
	if shown.Response == nil || shown.Response.Status != 200 || !strings.Contains(shown.Response.Body, `"orders":["tea","rice"]`) {
		t.Fatalf("the captured call: %+v", shown.Response)
	}
	for _, lang := range []string{"curl", "fetch", "python"} {
		res, err := e.call("get_request", map[string]any{"sessionId": sess.SessionID, "requestId": orders, "as": lang})
		if err != nil || res.IsError {
			t.Fatalf("get_request as %s: %v %s", lang, err, text(res))
		}
		raw, _ := json.Marshal(res)
		noSecret("get_request as "+lang, raw)
		var got api.RequestDetail
		structured(t, res, &got)
		if got.Code == "" {
			t.Fatalf("get_request as %s wrote no code: %s", lang, text(res))
		}
		env := map[string]string{}
		for _, s := range got.Secrets {
			switch s.Where {
			case "header:Authorization", "header:authorization":
				env[s.Name] = token
			case "cookie:sid":
				env[s.Name] = sid
			default:
				t.Errorf("%s: a secret at %s, which the call did not carry", lang, s.Where)
			}
		}
		if len(env) != 2 {
			t.Errorf("%s: secrets %+v, want the token and the cookie", lang, got.Secrets)
		}
		if lang == "curl" {
			t.Logf("get_request as curl, as the agent reads it:\n%s\nsecrets: %+v", got.Code, got.Secrets)
		}
		status, body, _ := reproducetest.Run(t, t.TempDir(), lang, got.Code, env)
		if status != int(shown.Response.Status) || body != shown.Response.Body {
			t.Errorf("%s: the code got %d %q, the capture holds %d %q", lang, status, body, shown.Response.Status, shown.Response.Body)
		} else if lang == "curl" {
			t.Logf("run with TABTAP_* set: %d %s", status, body)
		}
	}

	// Sent again as the person: refused until the person allows the site.
	msg := e.toolError("send_request", map[string]any{"sessionId": sess.SessionID, "requestId": orders})
	t.Logf("send_request with the default settings: %s", msg)
	if !strings.Contains(msg, "Sites where agents may send requests as you") || !strings.Contains(msg, "Extension options") {
		t.Errorf("the refusal does not name the setting and where to change it: %s", msg)
	}
	e.setOptions("127.0.0.1", false)
	var sent api.SendResult
	waitFor(t, "the daemon to hear of the person's setting", func() bool {
		res, err := e.call("send_request", map[string]any{"sessionId": sess.SessionID, "requestId": orders, "url": app.URL + "/api/orders?page=2"})
		if err != nil || res.IsError {
			return false
		}
		raw, _ := json.Marshal(res)
		noSecret("send_request", raw)
		structured(t, res, &sent)
		return true
	})
	if sent.Response == nil || sent.Response.Status != 200 || sent.Response.Body != `{"orders":["tea","rice"],"page":"2","user":"ann"}` || !sent.Joined {
		t.Errorf("send_request: %+v", sent)
	}
	t.Logf("send_request GET page=2: %d %s (joined the capture as %s)", sent.Response.Status, sent.Response.Body, sent.Request.RequestID)

	post := map[string]any{"sessionId": sess.SessionID, "requestId": orders, "method": "POST",
		"headers": map[string]any{"Content-Type": "application/json", "Accept": nil}, "body": `{"item":"soup"}`}
	msg = e.toolError("send_request", post)
	if !strings.Contains(msg, "POST can change things") || !strings.Contains(msg, "Including requests that change things") {
		t.Errorf("a POST without the person's leave: %s", msg)
	}
	t.Logf("send_request POST before the second setting: %s", msg)
	e.setOptions("127.0.0.1", true)
	waitFor(t, "the daemon to hear that requests may change things", func() bool {
		res, err := e.call("send_request", post)
		if err != nil || res.IsError {
			return false
		}
		structured(t, res, &sent)
		return true
	})
	if sent.Response == nil || sent.Response.Status != 201 || sent.Response.Body != `{"id":3,"item":"soup"}` {
		t.Errorf("send_request POST: %+v", sent.Response)
	}
	if msg := e.toolError("send_request", map[string]any{"sessionId": sess.SessionID, "requestId": rates}); !strings.Contains(msg, "to localhost") {
		t.Errorf("a site not in the list: %s", msg)
	}

	// The popup counts the two requests sent; the capture holds them, marked.
	e.devtoolsGet("/json/new?" + url.PathEscape("chrome-extension://"+nativehost.ExtensionID+"/popup.html?tabId="+jsonNumber(sess.TabID)))
	_, popup := e.target("popup.html")
	waitFor(t, "the popup to count the requests agents sent", func() bool {
		var said string
		_ = json.Unmarshal(e.evaluateValue(popup, `document.querySelector('#c-sent').hidden ? '' : document.querySelector('#c-sent').textContent`), &said)
		return said == "Agents sent 2 requests as you from this tab."
	})
	full, _ := e.wholeCapture(sess.SessionID)
	n := 0
	for _, r := range full.Data.Requests {
		if r.SentBy == "agent" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("the capture holds %d requests sent by agents, want 2", n)
	}
}

// structured decodes a tool result's structured content.
func structured(t *testing.T, res *mcp.CallToolResult, out any) {
	t.Helper()
	raw := res.RawStructuredContent
	if len(raw) == 0 {
		raw, _ = json.Marshal(res.StructuredContent)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("decoding %s: %v", raw, err)
	}
}

// findRequest returns the id of the first request of a session's capture
// whose URL has path and whose method is method, once the capture has it
// (the page's last events may still be on their way).
func (e *env) findRequest(sessionID, path, method string) string {
	e.t.Helper()
	var page api.GetDataResult
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		e.tool("get_network_capture_data", map[string]any{"sessionId": sessionID, "urlFilter": path, "method": method}, &page)
		if len(page.Data.Requests) > 0 && len(page.Data.Responses) > 0 {
			break
		}
	}
	if len(page.Data.Requests) == 0 {
		var all api.GetDataResult
		e.tool("get_network_capture_data", map[string]any{"sessionId": sessionID, "kind": "requests", "limit": 50}, &all)
		var seen []string
		for _, r := range all.Data.Requests {
			seen = append(seen, r.Method+" "+r.URL)
		}
		e.t.Fatalf("no %s %s in the capture, which holds %d requests: %q", method, path, all.Total, seen)
	}
	return page.Data.Requests[0].RequestID
}
