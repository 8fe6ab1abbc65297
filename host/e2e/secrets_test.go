package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

// plantedSecrets are one distinct secret for each place a credential
// shows up in real traffic, by where it is planted.
var plantedSecrets = map[string]string{
	"Authorization bearer":                    "bearerE2E7x9Q2mK4",
	"cookie set, then sent":                   "cookieE2E5p8W1zR3",
	"?token= login link (URL, Referer, …)":    "loginE2E3n6T8vB1",
	"Location redirect with ?code=":           "codeE2E9k2L5wQ7",
	"X-API-Key header":                        "apikeyE2E4h7J2sD9",
	"X-CSRF-Token header":                     "csrfE2E8g1F6xC2",
	"form password= POST":                     "formpwE2E2d5S9aZ4",
	"JSON access_token, echoed in body/frame": "accessE2E6y3U7qE5",
	"WebSocket URL token":                     "wsurlE2E1c4V8bN6",
}

func secret(where string) string { return plantedSecrets[where] }

// secretsPage is a sign-in flow that plants every secret: the page is
// opened with a login link, sends a bearer token, gets a cookie and sends
// it back, sends API-key and CSRF headers, posts a password form, gets an
// access token in JSON that it echoes to the server (which echoes it in a
// body) and over a WebSocket, follows an OAuth-like redirect whose
// Location carries a code, and opens a WebSocket whose URL has a token.
var secretsPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>secrets</title></head>
<body>
<img src="/s/pixel.png" alt="">
<script>
(async () => {
  const errs = [];
  try {
    await fetch('/s/api/auth', {headers: {'Authorization': 'Bearer ` + secret("Authorization bearer") + `'}});
    await fetch('/s/api/cookie');
    await fetch('/s/api/keys', {headers: {'X-API-Key': '` + secret("X-API-Key header") + `', 'X-CSRF-Token': '` + secret("X-CSRF-Token header") + `'}});
    await fetch('/s/form', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
      body: 'user=ann&password=` + secret("form password= POST") + `'});
    const login = await fetch('/s/api/login', {method: 'POST'}).then(r => r.json());
    const tok = login.access_token;
    await fetch('/s/oauth').then(r => r.text());
    await fetch('/s/api/profile').then(r => r.text());
    await new Promise((resolve, reject) => {
      const ws = new WebSocket('ws://' + location.host + '/s/ws?token=` + secret("WebSocket URL token") + `');
      ws.onopen = () => ws.send('my token is ' + tok);
      ws.onmessage = () => { ws.close(); resolve(); };
      ws.onerror = () => reject(new Error('websocket failed'));
    });
  } catch (e) {
    errs.push(String(e));
  }
  await fetch('/done?errors=' + encodeURIComponent(errs.join(';')));
})();
</script>
</body></html>`

// secretsSite serves secretsPage and the endpoints it calls.
func secretsSite(t *testing.T) *site {
	return newSite(t, func(mux *http.ServeMux) {
		mux.HandleFunc("/s/login", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, secretsPage)
		})
		mux.HandleFunc("/s/pixel.png", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		})
		mux.HandleFunc("/s/api/auth", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"ok":true}`)
		})
		mux.HandleFunc("/s/api/cookie", func(w http.ResponseWriter, r *http.Request) {
			http.SetCookie(w, &http.Cookie{Name: "tt_sess", Value: secret("cookie set, then sent"), Path: "/"})
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"cookie":"set"}`)
		})
		mux.HandleFunc("/s/api/keys", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"keys":"ok"}`)
		})
		mux.HandleFunc("/s/form", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "form ok")
		})
		mux.HandleFunc("/s/api/login", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, secret("JSON access_token, echoed in body/frame"))
		})
		mux.HandleFunc("/s/oauth", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/s/callback?code="+secret("Location redirect with ?code=")+"&state=xyz", http.StatusFound)
		})
		mux.HandleFunc("/s/callback", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "signed in")
		})
		mux.HandleFunc("/s/api/profile", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "your session: "+secret("JSON access_token, echoed in body/frame"))
		})
		mux.HandleFunc("/s/ws", func(w http.ResponseWriter, r *http.Request) {
			c, err := websocket.Accept(w, r, nil)
			if err != nil {
				return
			}
			defer c.CloseNow()
			ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
			defer cancel()
			for {
				typ, msg, err := c.Read(ctx)
				if err != nil {
					return
				}
				if err := c.Write(ctx, typ, append([]byte("echo: "), msg...)); err != nil {
					return
				}
			}
		})
	})
}

// captureSecrets runs the sign-in flow under an agent's capture and
// returns everything the agent can read of it, each output by name:
// stop_network_capture as JSON and as HAR, a paged read, and get_request
// of every request.
func captureSecrets(t *testing.T, e *env, s *site, settings map[string]any) (session api.Session, outputs map[string]string) {
	t.Helper()
	e.tool("initialize_session", map[string]any{"url": "about:blank"}, &session)
	args := map[string]any{"sessionId": session.SessionID, "url": s.URL + "/s/login?token=" + secret("?token= login link (URL, Referer, …)")}
	for k, v := range settings {
		args[k] = v
	}
	e.tool("start_network_capture", args, nil)
	waitForDone(t, s)
	if errs := s.pageErrors(); errs != "" {
		t.Fatalf("the page's script failed: %s", errs)
	}
	waitFor(t, "the frames and the last responses", func() bool {
		var st api.StatusResult
		e.tool("get_network_capture_status", map[string]any{"sessionId": session.SessionID}, &st)
		return st.CurrentStats.WSFrames >= 2 && st.CurrentStats.Responses >= 12
	})
	outputs = map[string]string{}
	read := func(name, tool string, args map[string]any) []byte {
		res, err := e.call(tool, args)
		if err != nil || res.IsError {
			t.Fatalf("%s: %v %s", name, err, text(res))
		}
		raw := res.RawStructuredContent
		if len(raw) == 0 {
			raw, _ = json.Marshal(res.StructuredContent)
		}
		outputs[name] = text(res) + "\n" + string(raw)
		return raw
	}
	read("stop_network_capture (json)", "stop_network_capture", map[string]any{"sessionId": session.SessionID})
	read("stop_network_capture (har)", "stop_network_capture", map[string]any{"sessionId": session.SessionID, "format": "har"})
	var requests []api.Request
	for _, kind := range []string{api.KindHTTP, api.KindWSFrames} {
		for offset, n := 0, 0; ; n++ {
			name := fmt.Sprintf("get_network_capture_data %s page %d", kind, n)
			raw := read(name, "get_network_capture_data", map[string]any{"sessionId": session.SessionID, "kind": kind, "offset": offset, "limit": 500})
			var page api.GetDataResult
			if err := json.Unmarshal(raw, &page); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			requests = append(requests, page.Data.Requests...)
			if page.NextOffset == nil {
				break
			}
			offset = *page.NextOffset
		}
	}
	if len(requests) < 12 {
		t.Fatalf("get_network_capture_data: %d requests", len(requests))
	}
	for _, r := range requests {
		read("get_request "+r.RequestID+" ("+s.pathOf(r.URL)+")", "get_request", map[string]any{"sessionId": session.SessionID, "requestId": r.RequestID})
	}
	return session, outputs
}

// popupDownload downloads a tab's capture as HAR with the popup's button,
// as the person would, and returns the file's content.
func popupDownload(t *testing.T, e *env, tabID int64) string {
	t.Helper()
	popupURL := "chrome-extension://" + nativehost.ExtensionID + "/popup.html?tabId=" + jsonNumber(tabID)
	e.devtoolsGet("/json/new?" + url.PathEscape(popupURL))
	_, popup := e.target("popup.html")
	b, _ := e.popupHAR(popup)
	return string(b)
}

// popupHAR waits until a popup shows its tab's capture stopped, presses
// Download HAR as the person would, and returns the file and its name.
func (e *env) popupHAR(popup string) ([]byte, string) {
	t := e.t
	t.Helper()
	waitFor(t, "the popup to show the stopped capture", func() bool {
		var shown bool
		_ = json.Unmarshal(e.evaluateValue(popup, `!document.querySelector('#stopped-actions').hidden`), &shown)
		return shown
	})
	e.evaluate(popup, `document.querySelector('#har').click()`, true)
	var file string
	defer func() {
		if file == "" {
			t.Logf("popup message: %s; downloads: %v", e.evaluateValue(popup, `document.querySelector('#message').textContent`), mustGlob(e.downloads))
		}
	}()
	waitFor(t, "the popup's HAR download", func() bool {
		matches, _ := filepath.Glob(filepath.Join(e.downloads, "*.har"))
		if len(matches) == 0 {
			return false
		}
		file = matches[0]
		return true
	})
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b, file
}

// TestPlantedSecretsNeverLeaveByDefault plants one distinct secret in each
// place a credential travels: a default capture, its HAR, a paged read,
// get_request and the popup's download hold none of them; an agent cannot
// turn redaction off until the person allows it in the extension's
// options, and then the same capture holds them all.
func TestPlantedSecretsNeverLeaveByDefault(t *testing.T) {
	e := newEnv(t)
	e.launch()

	s1 := secretsSite(t)
	session, outputs := captureSecrets(t, e, s1, nil)
	var list api.ListCapturesResult
	e.tool("list_captures", nil, &list)
	b, _ := json.Marshal(list)
	outputs["list_captures"] = string(b)
	outputs["popup download (HAR)"] = popupDownload(t, e, session.TabID)
	for name, out := range outputs {
		for where, value := range plantedSecrets {
			if strings.Contains(out, value) {
				t.Errorf("%s holds the secret planted in the %s (%s)", name, where, value)
			}
		}
	}
	if !strings.Contains(outputs["stop_network_capture (json)"], "[redacted]") {
		t.Error("the default capture shows no [redacted] value")
	}
	t.Logf("default capture: %d outputs searched for %d planted secrets, none found", len(outputs), len(plantedSecrets))

	// An agent alone cannot turn redaction off.
	var again api.Session
	e.tool("initialize_session", map[string]any{"url": "about:blank"}, &again)
	msg := e.toolError("start_network_capture", map[string]any{"sessionId": again.SessionID, "redactSecrets": false})
	if !strings.Contains(msg, "redactSecrets") || !strings.Contains(msg, "settings") || !strings.Contains(msg, "options") {
		t.Errorf("redactSecrets: false without the person's leave: %q", msg)
	}

	// The person allows it, in the extension's options (its storage).
	_, worker := e.targetOf("service_worker", nativehost.ExtensionID)
	e.evaluate(worker, `chrome.storage.local.set({policy: {allowUnredacted: true}}).then(() => true)`, false)
	waitFor(t, "the daemon to hear of the person's setting", func() bool {
		res, err := e.call("start_network_capture", map[string]any{"sessionId": again.SessionID, "redactSecrets": false})
		if err != nil || res.IsError {
			return false
		}
		e.tool("stop_network_capture", map[string]any{"sessionId": again.SessionID}, nil)
		return true
	})

	s2 := secretsSite(t)
	_, clear := captureSecrets(t, e, s2, map[string]any{"redactSecrets": false})
	all := ""
	for _, out := range clear {
		all += out
	}
	for where, value := range plantedSecrets {
		if !strings.Contains(all, value) {
			t.Errorf("with redaction off by the person's leave, the secret planted in the %s (%s) is missing", where, value)
		}
	}
	if !strings.Contains(clear["stop_network_capture (json)"], `"redactSecrets":false`) {
		t.Error("the capture does not say redaction was off")
	}
}
