package reproduce

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/reproduce/reproducetest"
)

// hostile is a header value that a shell, JavaScript or Python would
// misread if the code quoted it wrongly.
const hostile = `it's "$(touch PWNED1)" ` + "`touch PWNED2`" + ` \ \\ $HOME ${HOME} %s %n !x !! {a,b} * ? ; | & < > ~ # */ -->`

// hostileSecret is a secret's value with the same traps: the code must
// pass it on, never run it.
const hostileSecret = `s3cr'et"$(touch PWNED3)` + "`touch PWNED4`" + `\;|&<>$HOME%s`

// runCase is a request as the browser sent it. Its strings hold {{NAME}}
// where a secret was: the capture shows "[redacted]" there (a mask of
// the value's length in a binary body), and the code reads the value
// from the variable NAME.
type runCase struct {
	name    string
	method  string
	path    string // after the server's origin
	headers map[string]string
	body    string
	binary  bool
	secrets map[string]string
	want    []Secret
	// The server's answer.
	status     int
	respBody   string
	compressed bool
}

var runCases = []runCase{{
	name:   "GET with a bearer token, a cookie, a token parameter and hostile headers",
	method: "GET",
	path:   "/api/v1/it's/$x/[1]/caf%C3%A9?page=2&token={{TABTAP_QUERY_TOKEN}}&q=a%20b&f[a]=1",
	headers: map[string]string{
		"Accept":          "application/json, text/plain, */*",
		"Authorization":   "Bearer {{TABTAP_AUTHORIZATION}}",
		"Cookie":          "sid={{TABTAP_COOKIE_SID}}; theme=dark; pref={{TABTAP_COOKIE_PREF}}",
		"X-Hostile":       hostile,
		"X-Dup":           "one\ntwo, three",
		"X-Empty":         "",
		"User-Agent":      `Mozilla/5.0 (X11; Linux x86_64) "quoted"`,
		"Sec-Fetch-Mode":  "cors",
		"sec-ch-ua":       `"Chromium";v="156"`,
		"Accept-Encoding": "gzip, deflate, br, zstd",
		"Connection":      "keep-alive",
	},
	secrets: map[string]string{
		"TABTAP_QUERY_TOKEN":   "tok%2Ben%3D",
		"TABTAP_AUTHORIZATION": hostileSecret,
		"TABTAP_COOKIE_SID":    "sid-0123456789abcdef",
		"TABTAP_COOKIE_PREF":   "prefvalue-42",
	},
	want: []Secret{
		sec("TABTAP_QUERY_TOKEN", "query:token"), sec("TABTAP_AUTHORIZATION", "header:Authorization"),
		sec("TABTAP_COOKIE_SID", "cookie:sid"), sec("TABTAP_COOKIE_PREF", "cookie:pref"),
	},
	status: 200, respBody: `{"user":"ann","note":"it's $(id)"}` + "\n", compressed: true,
}, {
	name:   "JSON POST with secret fields and hostile strings",
	method: "POST",
	path:   "/api/items",
	headers: map[string]string{
		"Content-Type": "application/json; charset=utf-8",
		"X-CSRF-Token": "{{TABTAP_X_CSRF_TOKEN}}",
	},
	body: "{\n\"user\": {\"name\": \"O'Brien \\\"$(touch PWNED5)\\\" `id` \\\\ é ✓ \u2028 \u2029 \\n\",\n" +
		"  \"password\": \"{{TABTAP_BODY_USER_PASSWORD}}\"},\n" +
		"  \"tokens\": [\"{{TABTAP_BODY_TOKENS_0}}\", \"x\"], \"n\": 1}",
	secrets: map[string]string{
		"TABTAP_X_CSRF_TOKEN":       "csrf-abcdefgh",
		"TABTAP_BODY_USER_PASSWORD": hostileSecret,
		"TABTAP_BODY_TOKENS_0":      "list-token-1234",
	},
	want: []Secret{
		sec("TABTAP_X_CSRF_TOKEN", "header:X-CSRF-Token"), sec("TABTAP_BODY_USER_PASSWORD", "body:$.user.password"),
		sec("TABTAP_BODY_TOKENS_0", "body:$.tokens[0]"),
	},
	status: 201, respBody: "created\n",
}, {
	name:    "form POST answered by a redirect, which the code does not follow",
	method:  "POST",
	path:    "/login",
	headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
	body:    "user=ann&password={{TABTAP_BODY_PASSWORD}}&next=%2Fhome%3Fa%3D1",
	secrets: map[string]string{"TABTAP_BODY_PASSWORD": "pass%27word%24%28id%29"},
	want:    []Secret{sec("TABTAP_BODY_PASSWORD", "body:password")},
	status:  302, respBody: "see /home\n",
}, {
	name:    "multipart POST with CRLF lines",
	method:  "POST",
	path:    "/upload",
	headers: map[string]string{"Content-Type": "multipart/form-data; boundary=----tabtap"},
	body: "------tabtap\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nit's $(touch PWNED6) %s\r\n" +
		"------tabtap\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{{TABTAP_BODY_CSRF}}\r\n" +
		"------tabtap\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n" +
		"line one\nline two\ttabbed\r\n------tabtap--\r\n",
	secrets: map[string]string{"TABTAP_BODY_CSRF": "multipart-csrf-99"},
	want:    []Secret{sec("TABTAP_BODY_CSRF", "body:csrf")},
	status:  200, respBody: "ok",
}, {
	name:    "binary PUT with a value hidden by a mask",
	method:  "PUT",
	path:    "/blob",
	headers: map[string]string{"Content-Type": "application/octet-stream"},
	body:    "\x00\x01\xff'$(touch PWNED7)\nTABTAP_BODY\n{{TABTAP_BODY}}\r\x1b\x00tail\xfe",
	binary:  true,
	secrets: map[string]string{"TABTAP_BODY": "maskedsecret"},
	want:    []Secret{sec("TABTAP_BODY", "body")},
	status:  204,
}, {
	name:    "text with control characters",
	method:  "POST",
	path:    "/text",
	headers: map[string]string{"Content-Type": "text/plain;charset=UTF-8"},
	body:    "a\rb\x1bc\x00d\u2028e'f\"g\\h\r\n",
	status:  200, respBody: "\x00\xff binary answer\r\n",
}, {
	name:    "large text body",
	method:  "POST",
	path:    "/big",
	headers: map[string]string{"Content-Type": "text/plain"},
	body:    strings.Repeat("a line with it's own 'quotes' and $(touch PWNED8)\nTABTAP_BODY\nEOF\n", 1000),
	status:  200, respBody: "big",
}, {
	name:   "PUT without a body",
	method: "PUT", path: "/empty", headers: map[string]string{},
	status: 200, respBody: "empty",
}, {
	name:   "DELETE",
	method: "DELETE", path: "/items/7", headers: map[string]string{"Authorization": "Basic {{TABTAP_AUTHORIZATION}}"},
	secrets: map[string]string{"TABTAP_AUTHORIZATION": "YW5uOnB3"},
	want:    []Secret{sec("TABTAP_AUTHORIZATION", "header:Authorization")},
	status:  200, respBody: "deleted",
}, {
	name:   "HEAD",
	method: "HEAD", path: "/head", headers: map[string]string{"Accept": "*/*"},
	status: 200,
}}

// scrubbed is the request as the capture shows it.
func (c runCase) scrubbed(origin string) *api.Request {
	fill := func(s string, binary bool) string {
		for name, v := range c.secrets {
			hidden := marker
			if binary {
				hidden = "[" + strings.Repeat("*", len(v)-2) + "]"
			}
			s = strings.ReplaceAll(s, "{{"+name+"}}", hidden)
		}
		return s
	}
	r := &api.Request{RequestID: "1", Method: c.method, URL: origin + fill(c.path, false), HeadersRaw: true, Headers: map[string]string{}}
	for k, v := range c.headers {
		r.Headers[k] = fill(v, false)
	}
	if c.binary {
		r.PostDataBase64 = base64.StdEncoding.EncodeToString([]byte(fill(c.body, true)))
	} else {
		r.PostData = fill(c.body, false)
	}
	return r
}

// original fills in the secrets' values.
func (c runCase) original(s string) string {
	for name, v := range c.secrets {
		s = strings.ReplaceAll(s, "{{"+name+"}}", v)
	}
	return s
}

// received is what the test server was sent.
type received struct {
	method, uri string
	header      http.Header
	body        []byte
}

// TestRun runs the code of every case in every language against a local
// server: the server must receive what the browser sent, secrets filled
// in from the environment, and the code must print the status and the
// body the server answered.
func TestRun(t *testing.T) {
	for _, bin := range []string{"sh", "curl", "node", "python3", "base64"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s is needed to run the code this package writes: %v", bin, err)
		}
	}
	var mu sync.Mutex
	var got received
	var current runCase
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = received{method: r.Method, uri: r.RequestURI, header: r.Header.Clone(), body: b}
		c := current
		mu.Unlock()
		if c.status == 302 {
			w.Header().Set("Location", "/home")
		}
		body := []byte(c.respBody)
		if c.compressed && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			zw.Write(body)
			zw.Close()
			body = z.Bytes()
			w.Header().Set("Content-Encoding", "gzip")
		}
		w.WriteHeader(c.status)
		w.Write(body)
	}))
	defer srv.Close()

	for _, c := range runCases {
		for _, lang := range Languages {
			t.Run(c.name+"/"+lang, func(t *testing.T) {
				mu.Lock()
				current, got = c, received{}
				mu.Unlock()
				var resp *api.Response
				if c.compressed {
					resp = &api.Response{Headers: map[string]string{"Content-Encoding": "gzip"}}
				}
				code, err := Write(lang, c.scrubbed(srv.URL), resp, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(code.Secrets, c.want) && (len(code.Secrets) > 0 || len(c.want) > 0) {
					t.Errorf("secrets %v, want %v", code.Secrets, c.want)
				}
				for _, v := range c.secrets {
					if strings.Contains(code.Code, v) {
						t.Errorf("the code holds the secret %q", v)
					}
				}
				if strings.Contains(code.Code, marker) {
					t.Errorf("the code holds %s", marker)
				}
				status, stdout := runCode(t, lang, code.Code, c.secrets)
				mu.Lock()
				g := got
				mu.Unlock()
				checkReceived(t, c, g)
				if c.method != "HEAD" && stdout != c.respBody {
					t.Errorf("printed %q, want the body %q", stdout, c.respBody)
				}
				if status != c.status {
					t.Errorf("printed the status %d, want %d", status, c.status)
				}
				if t.Failed() {
					t.Logf("code:\n%s", code.Code)
				}
			})
		}
	}
}

// runCode runs code with the secrets in its environment, in a folder of
// its own that must stay empty (no PWNED file), and returns the status it
// printed and the body.
func runCode(t *testing.T, lang, code string, secrets map[string]string) (status int, stdout string) {
	t.Helper()
	dir := t.TempDir()
	status, stdout, _ = reproducetest.Run(t, dir, lang, code, secrets)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("running the code made %s: it ran part of a value", e.Name())
	}
	return status, stdout
}

// checkReceived compares what the server got with what the browser sent.
func checkReceived(t *testing.T, c runCase, g received) {
	t.Helper()
	if g.method != c.method {
		t.Errorf("method %q, want %q", g.method, c.method)
	}
	if want := c.original(c.path); g.uri != want {
		t.Errorf("URL %q, want %q", g.uri, want)
	}
	for k, v := range c.headers {
		if dropped(k) {
			continue
		}
		want := strings.ReplaceAll(c.original(v), "\n", ", ")
		vs, ok := g.header[http.CanonicalHeaderKey(k)]
		if !ok {
			t.Errorf("header %s not sent", k)
			continue
		}
		if got := strings.Join(vs, ", "); got != want {
			t.Errorf("header %s: %q, want %q", k, got, want)
		}
	}
	if want := c.original(c.body); string(g.body) != want {
		t.Errorf("body %q, want %q", g.body, want)
	}
	if c.body == "" && c.method == "PUT" && g.header.Get("Content-Length") != "0" {
		t.Errorf("Content-Length %q, want 0 as a browser sends", g.header.Get("Content-Length"))
	}
}
