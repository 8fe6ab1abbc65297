package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

// plantedSecrets are one distinct secret for each place a credential
// shows up in real traffic, by where it is planted.
var plantedSecrets = map[string]string{
	"sign-in form's password (POST navigation)":      "signinE2E4q8N2wT6",
	"Authorization bearer":                           "bearerE2E7x9Q2mK4",
	"cookie set, then sent":                          "cookieE2E5p8W1zR3",
	"?token= login link (URL, Referer, …)":           "loginE2E3n6T8vB1",
	"Location redirect with ?code=":                  "codeE2E9k2L5wQ7",
	"X-API-Key header":                               "apikeyE2E4h7J2sD9",
	"X-CSRF-Token header":                            "csrfE2E8g1F6xC2",
	"form password= POST":                            "formpwE2E2d5S9aZ4",
	"JSON access_token, echoed in body/frame":        "accessE2E6y3U7qE5",
	"WebSocket URL token":                            "wsurlE2E1c4V8bN6",
	"OAuth access_token, then Bearer and {\"auth\"}": "oauthE2E5m9K3xR7wQ2",
	"OAuth refresh_token":                            "refreshE2E2b6Y8pL4",
}

func secret(where string) string { return plantedSecrets[where] }

const oauthToken = "OAuth access_token, then Bearer and {\"auth\"}"

// signinPage is a sign-in form, filled and sent by its script as a person
// would: a POST navigation whose form body holds the password.
var signinPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>sign in</title></head>
<body>
<form id="f" method="post" action="/s/signin">
<input name="username" value="ann"><input type="password" name="password">
</form>
<script>
const f = document.getElementById('f');
f.password.value = '` + secret("sign-in form's password (POST navigation)") + `';
f.submit();
</script>
</body></html>`

// secretsPage is the application behind the sign-in, and plants the rest:
// it sends a bearer token, gets a cookie and sends it back, sends API-key
// and CSRF headers, posts a password form, gets an access token in JSON
// that it echoes to the server (which echoes it in a body) and over a
// WebSocket, follows an OAuth-like redirect whose Location carries a
// code, trades the code for an OAuth token (JSON, token_type Bearer),
// then sends that token as Authorization: Bearer and in the socket's auth
// frame {"auth":"…"}, which the server answers {"auth":"ok"}; the socket's
// URL has a token too.
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
    const code = new URL((await fetch('/s/oauth')).url).searchParams.get('code');
    const oauth = await fetch('/s/oauth/token', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
      body: 'grant_type=authorization_code&code=' + code + '&client_id=tabtap'}).then(r => r.json());
    if (oauth.token_type !== 'Bearer') throw new Error('token_type ' + oauth.token_type);
    await fetch('/s/api/me', {headers: {'Authorization': 'Bearer ' + oauth.access_token}}).then(r => r.json());
    await fetch('/s/api/profile').then(r => r.text());
    await new Promise((resolve, reject) => {
      const ws = new WebSocket('ws://' + location.host + '/s/ws?token=` + secret("WebSocket URL token") + `');
      let got = 0;
      ws.onopen = () => ws.send(JSON.stringify({auth: oauth.access_token}));
      ws.onmessage = (m) => {
        got++;
        if (got === 1) {
          if (m.data !== '{"auth":"ok"}') reject(new Error('auth ' + m.data));
          ws.send('my token is ' + tok);
        } else { ws.close(); resolve(); }
      };
      ws.onerror = () => reject(new Error('websocket failed'));
    });
  } catch (e) {
    errs.push(String(e));
  }
  await fetch('/done?errors=' + encodeURIComponent(errs.join(';')));
})();
</script>
</body></html>`

// secretsSite serves the sign-in, secretsPage and the endpoints it calls.
func secretsSite(t *testing.T) *site {
	return newSite(t, func(mux *http.ServeMux) {
		mux.HandleFunc("/s/login", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, signinPage)
		})
		mux.HandleFunc("/s/signin", func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || r.PostFormValue("password") != secret("sign-in form's password (POST navigation)") {
				http.Error(w, "wrong password", http.StatusForbidden)
				return
			}
			http.Redirect(w, r, "/s/app", http.StatusSeeOther)
		})
		mux.HandleFunc("/s/app", func(w http.ResponseWriter, r *http.Request) {
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
		mux.HandleFunc("/s/oauth/token", func(w http.ResponseWriter, r *http.Request) {
			if r.PostFormValue("code") != secret("Location redirect with ?code=") {
				http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600,"refresh_token":%q,"scope":"read write"}`,
				secret(oauthToken), secret("OAuth refresh_token"))
		})
		mux.HandleFunc("/s/api/me", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer "+secret(oauthToken) {
				http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"name":"ann","auth":"ok"}`)
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
				var auth struct{ Auth string }
				if json.Unmarshal(msg, &auth) == nil && auth.Auth != "" {
					reply := `{"auth":"ok"}`
					if auth.Auth != secret(oauthToken) {
						reply = `{"auth":"invalid"}`
					}
					if err := c.Write(ctx, websocket.MessageText, []byte(reply)); err != nil {
						return
					}
					continue
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
// wait_for_request (requests and a frame), stop_network_capture as JSON
// and as HAR, a paged read, get_request of every request, and the
// capture's resources.
func captureSecrets(t *testing.T, e *env, s *site, settings map[string]any) (session api.Session, outputs map[string]string) {
	t.Helper()
	e.tool("initialize_session", map[string]any{"url": "about:blank"}, &session)
	args := map[string]any{"sessionId": session.SessionID, "url": s.URL + "/s/login?token=" + secret("?token= login link (URL, Referer, …)")}
	for k, v := range settings {
		args[k] = v
	}
	var started api.StartCaptureResult
	e.tool("start_network_capture", args, &started)
	waitForDone(t, s)
	if errs := s.pageErrors(); errs != "" {
		t.Fatalf("the page's script failed: %s", errs)
	}
	waitFor(t, "the frames and the last responses", func() bool {
		var st api.StatusResult
		e.tool("get_network_capture_status", map[string]any{"sessionId": session.SessionID}, &st)
		return st.CurrentStats.WSFrames >= 4 && st.CurrentStats.Responses >= 16
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
	// Waits reaching back to the start, while the capture runs.
	since := map[string]any{"sessionId": session.SessionID, "since": started.StartTime.Format(time.RFC3339Nano), "timeoutSeconds": 10}
	for name, filter := range map[string]map[string]any{
		"wait_for_request /s/api/me":      {"urlFilter": "/s/api/me"},
		"wait_for_request /s/oauth/token": {"urlFilter": "/s/oauth/token"},
		"wait_for_request /s/app":         {"urlFilter": "/s/app"},
		"wait_for_request wsFrame auth":   {"kind": "wsFrame", "payloadFilter": "auth", "direction": "sent"},
	} {
		args := maps.Clone(since)
		maps.Copy(args, filter)
		var w api.WaitResult
		if err := json.Unmarshal(read(name, "wait_for_request", args), &w); err != nil || !w.Matched {
			t.Fatalf("%s: %+v %v", name, w, err)
		}
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
	for _, view := range []string{api.ViewSummary, api.ViewJSON, api.ViewHAR} {
		outputs["resource "+view] = readResource(t, e, "tabtap://captures/"+session.SessionID+"/"+started.CaptureID+"/"+view)
	}
	return session, outputs
}

// readResource reads an MCP resource's text.
func readResource(t *testing.T, e *env, uri string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req := mcp.ReadResourceRequest{}
	req.Params.URI = uri
	res, err := e.mcp.ReadResource(ctx, req)
	if err != nil || len(res.Contents) != 1 {
		t.Fatalf("reading %s: %v", uri, err)
	}
	tc, ok := res.Contents[0].(mcp.TextResourceContents)
	if !ok {
		t.Fatalf("%s is not text: %T", uri, res.Contents[0])
	}
	return tc.Text
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
	checkWhatWasHidden(t, s1, outputs["resource "+api.ViewJSON])

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

// checkWhatWasHidden reads the whole capture of the sign-in flow: what
// was hidden is said where (redacted), and what is no secret stays:
// token_type Bearer, {"auth":"ok"}, the ordinary headers.
func checkWhatWasHidden(t *testing.T, s *site, captureJSON string) {
	t.Helper()
	var res api.StopResult
	if err := json.Unmarshal([]byte(captureJSON), &res); err != nil || res.Data == nil {
		t.Fatalf("the capture resource: %v", err)
	}
	d := res.Data
	req := func(path string) *api.Request {
		for i := range d.Requests {
			if s.pathOf(d.Requests[i].URL) == path {
				return &d.Requests[i]
			}
		}
		t.Fatalf("no request for %s", path)
		return nil
	}
	resp := func(path string) *api.Response {
		id := req(path).RequestID
		for i := range d.Responses {
			if d.Responses[i].RequestID == id {
				return &d.Responses[i]
			}
		}
		t.Fatalf("no response for %s", path)
		return nil
	}
	if r := req("/s/signin"); r.Method != "POST" || r.PostData != "username=ann&password=[redacted]" || !slices.Contains(r.Redacted, "body:password") {
		t.Errorf("the sign-in form: %q, redacted %q", r.PostData, r.Redacted)
	}
	if r := resp("/s/oauth/token"); !strings.Contains(r.Body, `"access_token":"[redacted]","token_type":"Bearer","expires_in":3600,"refresh_token":"[redacted]","scope":"read write"`) ||
		!slices.Contains(r.Redacted, "body:$.access_token") || !slices.Contains(r.Redacted, "body:$.refresh_token") {
		t.Errorf("the OAuth token response: %s, redacted %q", r.Body, r.Redacted)
	}
	if r := req("/s/oauth/token"); !strings.Contains(r.PostData, "grant_type=authorization_code&code=[redacted]&client_id=tabtap") || !slices.Contains(r.Redacted, "body:code") {
		t.Errorf("the OAuth token request: %q, redacted %q", r.PostData, r.Redacted)
	}
	if r := req("/s/api/me"); header(r.Headers, "Authorization") != "Bearer [redacted]" || !slices.Contains(r.Redacted, "header:Authorization") {
		t.Errorf("the bearer request: %v, redacted %q", r.Headers, r.Redacted)
	}
	if r := resp("/s/api/me"); r.Body != `{"name":"ann","auth":"ok"}` || r.Redacted != nil {
		t.Errorf("the signed-in answer: %q, redacted %q", r.Body, r.Redacted)
	}
	var sent, ok bool
	for _, f := range d.WSFrames {
		switch f.Payload {
		case `{"auth":"[redacted]"}`:
			sent = f.Direction == "sent" && slices.Equal(f.Redacted, []string{"query:token", "payload:$.auth"})
		case `{"auth":"ok"}`:
			// The socket's URL has a token; the answer holds nothing hidden.
			ok = f.Direction == "received" && slices.Equal(f.Redacted, []string{"query:token"})
		}
	}
	if !sent || !ok {
		t.Errorf("the socket's auth frame and its answer: %+v", d.WSFrames)
	}
	for _, r := range d.Requests {
		for k, v := range r.Headers {
			if l := strings.ToLower(k); (strings.HasPrefix(l, "sec-") || strings.HasPrefix(l, "accept") || l == "user-agent" || l == "content-type") && strings.Contains(v, "[redacted]") {
				t.Errorf("%s: the ordinary header %s is %q", r.URL, k, v)
			}
		}
	}
	if res.Redacted == nil || res.Redacted.Records == 0 {
		t.Errorf("the capture does not count what was hidden: %+v", res.Redacted)
	}
	t.Logf("hidden in %d records: %v", res.Redacted.Records, res.Redacted.Places)
}
