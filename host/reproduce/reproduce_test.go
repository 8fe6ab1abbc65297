package reproduce

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/redact"
)

func TestSecretsNamePlaces(t *testing.T) {
	for _, c := range []struct {
		name string
		req  api.Request
		want []Secret
	}{{
		name: "query parameters, an encoded name, the path, the fragment, a password",
		req: api.Request{Method: "GET", URL: "https://ann:[redacted]@x.test/reset/[redacted]/go?a=1&access%5Ftoken=[redacted]&sig=ab[redacted]cd#k=[redacted]&[redacted]",
			Headers: map[string]string{}},
		want: []Secret{sec("TABTAP_URL_PASSWORD", "url:password"), sec("TABTAP_URL", "url"), sec("TABTAP_QUERY_ACCESS_TOKEN", "query:access_token"),
			sec("TABTAP_QUERY_SIG", "query:sig"), sec("TABTAP_QUERY_K", "query:k"), sec("TABTAP_URL_2", "url")},
	}, {
		name: "cookies, a header twice, names that collide",
		req: api.Request{Method: "GET", URL: "https://x.test/", Headers: map[string]string{
			"cookie":      "a=[redacted]; __Host-sid=[redacted]; b=2",
			"X-Api-Key":   "[redacted]",
			"x-auth":      "[redacted] and [redacted]",
			"Referer":     "https://x.test/?code=[redacted]",
			"Cookie-Like": "c=[redacted]",
		}},
		want: []Secret{sec("TABTAP_COOKIE_A", "cookie:a"), sec("TABTAP_COOKIE_HOST_SID", "cookie:__Host-sid"),
			sec("TABTAP_COOKIE_LIKE", "header:Cookie-Like"), sec("TABTAP_REFERER", "header:Referer"),
			sec("TABTAP_X_API_KEY", "header:X-Api-Key"), sec("TABTAP_X_AUTH", "header:x-auth"), sec("TABTAP_X_AUTH_2", "header:x-auth")},
	}, {
		name: "JSON fields, nested, in arrays, with odd keys",
		req: api.Request{Method: "POST", URL: "https://x.test/", Headers: map[string]string{"Content-Type": "application/json"},
			PostData: `{"a":{"b":[1,{"token":"[redacted]"}]},"odd key\u2028":"[redacted]","k":"x[redacted]y[redacted]"}`},
		want: []Secret{sec("TABTAP_BODY_A_B_1_TOKEN", "body:$.a.b[1].token"), sec("TABTAP_BODY_ODD_KEY", `body:$['odd key\u2028']`),
			sec("TABTAP_BODY_K", "body:$.k"), sec("TABTAP_BODY_K_2", "body:$.k")},
	}, {
		name: "a form without a content type",
		req:  api.Request{Method: "POST", URL: "https://x.test/", Headers: map[string]string{}, PostData: "user=a&pass%77ord=[redacted]"},
		want: []Secret{sec("TABTAP_BODY_PASSWORD", "body:password")},
	}, {
		name: "a text body that is none of those",
		req: api.Request{Method: "POST", URL: "https://x.test/", Headers: map[string]string{"Content-Type": "text/plain"},
			PostData: "my token is [redacted]"},
		want: []Secret{sec("TABTAP_BODY", "body")},
	}, {
		name: "JSON that does not parse",
		req: api.Request{Method: "POST", URL: "https://x.test/", Headers: map[string]string{"Content-Type": "application/json"},
			PostData: `{"token": "[redacted]", oops`},
		want: []Secret{sec("TABTAP_BODY", "body")},
	}, {
		name: "masks in a binary body",
		req: api.Request{Method: "POST", URL: "https://x.test/", Headers: map[string]string{},
			PostDataBase64: base64.StdEncoding.EncodeToString([]byte("\x00[********]\x01[******]\x02[*]"))},
		want: []Secret{sec("TABTAP_BODY", "body"), sec("TABTAP_BODY_2", "body")},
	}} {
		t.Run(c.name, func(t *testing.T) {
			c.req.HeadersRaw = true
			code, err := Write(Curl, &c.req, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(code.Secrets, c.want) {
				t.Errorf("secrets\n %v\nwant\n %v", code.Secrets, c.want)
			}
			if strings.Contains(code.Code, marker) || maskPattern.MatchString(code.Code) {
				t.Errorf("the code holds a hidden value's stand-in:\n%s", code.Code)
			}
		})
	}
}

// Places come from what a page controls (cookie names, JSON keys,
// parameter names): named in the code's comments, none may end a comment
// and become code.
func TestPlacesCannotEscapeComments(t *testing.T) {
	evil := "x\n;touch PWNED\n\u2028process.exit(42)\u2029\r__import__(\"os\")._exit(42)"
	req := &api.Request{Method: "POST", URL: "http://127.0.0.1:1/?" + evil + "=[redacted]", HeadersRaw: true,
		Headers:  map[string]string{"Cookie": evil + "=[redacted]", "Content-Type": "application/json"},
		PostData: `{"` + strings.ReplaceAll(evil, "\n", `\n`) + `":"[redacted]"}`}
	for _, s := range mustWrite(t, Curl, req).Secrets {
		if strings.ContainsAny(s.Where, "\n\r\u2028\u2029") {
			t.Errorf("where %q holds a line end", s.Where)
		}
	}
	dir := t.TempDir()
	for _, c := range []struct{ lang, file, tool, check string }{
		{Curl, "a.sh", "sh", "-n"}, {Fetch, "a.js", "node", "--check"}, {Python, "a.py", "python3", "-m py_compile"},
	} {
		code := mustWrite(t, c.lang, req).Code
		path := filepath.Join(dir, c.file)
		if err := os.WriteFile(path, []byte(code), 0o600); err != nil {
			t.Fatal(err)
		}
		args := append(strings.Fields(c.check), path)
		if out, err := exec.Command(c.tool, args...).CombinedOutput(); err != nil {
			t.Errorf("%s: the code does not parse: %v\n%s\n%s", c.lang, err, out, code)
		}
		// Run, it fails to connect (port 1), and does nothing else.
		run := exec.Command(c.tool, path)
		run.Dir = dir
		run.Env = os.Environ()
		for _, s := range mustWrite(t, c.lang, req).Secrets {
			run.Env = append(run.Env, s.Name+"=v")
		}
		out, err := run.CombinedOutput()
		if run.ProcessState == nil || run.ProcessState.ExitCode() == 42 || run.ProcessState.ExitCode() == 0 {
			t.Errorf("%s: %v, want a failure to connect:\n%s", c.lang, err, out)
		}
		if _, err := os.Stat(filepath.Join(dir, "PWNED")); err == nil {
			t.Errorf("%s: running the code ran a place's text", c.lang)
		}
	}
}

// sec is a Secret, for tables.
func sec(name, where string) Secret { return Secret{Name: name, Where: where} }

func mustWrite(t *testing.T, lang string, req *api.Request) Code {
	t.Helper()
	code, err := Write(lang, req, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestHeadersLeftOut(t *testing.T) {
	req := &api.Request{Method: "GET", URL: "https://x.test/", HeadersRaw: true, Headers: map[string]string{
		":authority": "x.test", ":method": "GET", ":path": "/", ":scheme": "https",
		"host": "x.test", "Content-Length": "0", "connection": "keep-alive", "Accept-Encoding": "gzip",
		"sec-fetch-site": "same-origin", "Sec-CH-UA-Platform": `"Linux"`, "Accept": "*/*", "sec-gpc": "1",
		"bad name": "x",
	}}
	for _, lang := range Languages {
		code := mustWrite(t, lang, req)
		for _, gone := range []string{":authority", "x.test\"", "Content-Length", "keep-alive", "sec-fetch", "Sec-CH", `"bad name"`} {
			if strings.Contains(code.Code, gone) {
				t.Errorf("%s: %q is in the code", lang, gone)
			}
		}
		if !strings.Contains(code.Code, "*/*") || !strings.Contains(code.Code, "sec-gpc") {
			t.Errorf("%s: a header that matters is missing:\n%s", lang, code.Code)
		}
		if len(code.Notes) != 1 || !strings.Contains(code.Notes[0], `"bad name"`) {
			t.Errorf("%s: notes %q, want one about the malformed name", lang, code.Notes)
		}
	}
	// No response known: the browser's Accept-Encoding says it asked.
	if c := mustWrite(t, Curl, req); !strings.Contains(c.Code, "--compressed") {
		t.Errorf("no --compressed for a request that accepted gzip:\n%s", c.Code)
	}
	// A response that came uncompressed says otherwise.
	c, _ := Write(Curl, req, &api.Response{Headers: map[string]string{"content-type": "text/html"}}, Options{})
	if strings.Contains(c.Code, "--compressed") {
		t.Errorf("--compressed for a response that was not:\n%s", c.Code)
	}
}

func TestNotesAndErrors(t *testing.T) {
	// The page's headers only: the browser's cookies are not known.
	c := mustWrite(t, Fetch, &api.Request{Method: "GET", URL: "https://x.test/", Headers: map[string]string{}})
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "cookies") {
		t.Errorf("notes %q, want one about the headers the browser adds", c.Notes)
	}
	c = mustWrite(t, Python, &api.Request{Method: "GET", URL: "https://x.test/", HeadersRaw: true, Headers: map[string]string{}, PostData: "x"})
	if len(c.Notes) != 1 || strings.Contains(c.Code, "data=") {
		t.Errorf("a GET with a body: notes %q, code:\n%s", c.Notes, c.Code)
	}
	c = mustWrite(t, Curl, &api.Request{Method: "POST", URL: "https://x.test/", HeadersRaw: true, Headers: map[string]string{}, PostData: "abc", PostDataTruncated: true})
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "cut") {
		t.Errorf("a cut body: notes %q", c.Notes)
	}
	c, err := Write(Curl, &api.Request{Method: "POST", URL: "https://x.test/", HeadersRaw: true, Headers: map[string]string{}, PostData: "p=[redacted]"}, nil, Options{BodyFile: "/tmp/it's body"})
	if err != nil || !strings.Contains(c.Code, `--data-binary '@/tmp/it'\''s body'`) || len(c.Secrets) != 0 || len(c.Notes) != 1 {
		t.Errorf("a body file: %v %+v", err, c)
	}
	for _, bad := range []struct {
		lang string
		req  *api.Request
		want string
	}{
		{"ruby", &api.Request{Method: "GET", URL: "https://x.test/"}, "curl, fetch or python"},
		{Curl, nil, "not recorded"},
		{Curl, &api.Request{RequestID: "7", URL: "https://x.test/", Partial: true}, "method of request 7 is unknown"},
		{Curl, &api.Request{Method: "GET", URL: "wss://x.test/"}, "only http and https"},
		{Curl, &api.Request{Method: "G T", URL: "https://x.test/"}, "malformed method"},
		{Curl, &api.Request{Method: "POST", URL: "https://x.test/", PostDataBase64: "!!"}, "not valid base64"},
	} {
		if _, err := Write(bad.lang, bad.req, nil, Options{}); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Write(%s, %+v): %v, want an error with %q", bad.lang, bad.req, err, bad.want)
		}
	}
}

func TestEnvName(t *testing.T) {
	for in, want := range map[string]string{
		"Authorization": "AUTHORIZATION", "x-api-key": "X_API_KEY", "COOKIE___Host-sid": "COOKIE_HOST_SID",
		"": "SECRET", "--": "SECRET", "BODY_a.b[0].c": "BODY_A_B_0_C", "é": "SECRET",
		strings.Repeat("a", 80): strings.Repeat("A", 48),
	} {
		if got := envName(in); got != want {
			t.Errorf("envName(%q) = %q, want %q", in, got, want)
		}
	}
}

// The places the code names are those the record's own `redacted` names
// (docs/records.md), for requests scrubbed by the real rules.
func TestWhereAgreesWithTheRecord(t *testing.T) {
	const v = "Zq8vR2mX7kP4wL9tB3nY6cH"
	for _, r := range []api.Request{{
		Method: "GET", URL: "https://a.test/x?page=1&access_token=" + v + "1#sig=" + v + "2",
		Headers: map[string]string{"Authorization": "Bearer " + v + "3", "Cookie": "sid=" + v + "4; theme=dark; csrf=" + v + "5", "X-API-Key": v + "6", "Referer": "https://a.test/?token=" + v + "7"},
	}, {
		Method: "POST", URL: "https://a.test/login", Headers: map[string]string{"Content-Type": "application/json"},
		PostData: `{"user":{"password":"` + v + `8"},"items":[{"token":"` + v + `9"}],"x-token":"` + v + `0","n":1}`,
	}, {
		Method: "POST", URL: "https://a.test/login", Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
		PostData: "user=ann&password=" + v + "a&next=%2F",
	}, {
		Method: "POST", URL: "https://a.test/up", Headers: map[string]string{"Content-Type": "multipart/form-data; boundary=b"},
		PostData: "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n" + v + "b\r\n--b--\r\n",
	}} {
		r.HeadersRaw = true
		redact.Pattern.Request(&r)
		if len(r.Redacted) == 0 {
			t.Fatalf("redaction hid nothing in %+v", r)
		}
		code := mustWrite(t, Curl, &r)
		var got []string
		for _, s := range code.Secrets {
			if !slices.Contains(got, s.Where) {
				got = append(got, s.Where)
			}
		}
		if !slices.Equal(got, r.Redacted) {
			t.Errorf("%s %s: the code names\n %q\nthe record names\n %q", r.Method, r.URL, got, r.Redacted)
		}
	}
}
