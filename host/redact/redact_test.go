package redact

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"unsafe"

	"github.com/tabtap/tabtap/host/api"
)

func TestClassify(t *testing.T) {
	for name, want := range map[string]strength{
		"token": strong, "access_token": strong, "id_token": strong, "refresh_token": strong, "accessToken": strong,
		"client_secret": strong, "password": password, "passwd": password, "pass": password, "pwd": password, "newPassword": password,
		"api_key": strong, "apikey": strong, "X-Api-Key": strong, "x-goog-api-key": strong, "X-Auth-Token": strong,
		"X-CSRF-Token": strong, "X-XSRF-TOKEN": strong, "X-XSRFToken": strong, "csrfmiddlewaretoken": strong,
		"session": strong, "sessionid": strong, "PHPSESSID": strong, "JSESSIONID": strong, "auth": strong,
		"oauth_verifier": strong, "authorization": strong, "SAMLResponse": strong, "X-Amz-Credential": strong,
		"X-Amz-Security-Token": strong, "authenticity_token": strong,
		"code": weak, "sig": weak, "signature": weak, "X-Amz-Signature": weak, "key": weak, "sid": weak,
		"author": notSecret, "authors": notSecret, "authority": notSecret, ":authority": notSecret,
		"content-length": notSecret, "content-type": notSecret, "www-authenticate": notSecret,
		"sec-websocket-key": notSecret, "zipcode": notSecret, "errorCode": notSecret, "keyboard": notSecret,
		"access-control-allow-headers": notSecret, "state": notSecret, "client_id": notSecret, "": notSecret,
		"monkey": notSecret, "q": notSecret, "user": notSecret, "username": notSecret,
		"token_type": notSecret, "tokenType": notSecret, "expires_in": notSecret, "access_token_expires_in": notSecret,
		"sessionTimeout": notSecret, "authUrl": notSecret, "token_endpoint": notSecret, "cookieDomain": notSecret,
		"passwordRequired": notSecret, "authorize": notSecret, "authorization_code": strong, "reset_password_token": password,
	} {
		if got := classify(name); got != want {
			t.Errorf("classify(%q) = %d, want %d", name, got, want)
		}
	}
	for name, want := range map[string]bool{
		"Authorization": true, "Proxy-Authorization": true, "Cookie": true, "Set-Cookie": true,
		"X-Api-Key": true, "x-goog-api-key": true, "X-Auth-Token": true, "X-CSRF-Token": true, "X-XSRF-TOKEN": true,
		"Ocp-Apim-Subscription-Key": true, "X-Functions-Key": true, "X-Hub-Signature-256": true,
		"Content-Length": false, "Content-Type": false, "Accept": false, "User-Agent": false, "Referer": false,
		"Location": false, "Sec-WebSocket-Key": false, "Sec-WebSocket-Accept": false, "WWW-Authenticate": false,
		":authority": false, "Keep-Alive": false, "Access-Control-Allow-Headers": false, "Code": false, "Etag": false,
		"Cache-Control": false, "X-Request-Id": false, "Sec-Fetch-Mode": false, "Content-Security-Policy": false,
		"Sec-Fetch-Site": false, "Accept-Language": false, "sec-ch-ua": false, "Access-Control-Allow-Credentials": false,
	} {
		if got := IsSecretHeader(name); got != want {
			t.Errorf("IsSecretHeader(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://a.example/login?token=abc123&next=/home":                                       "https://a.example/login?token=[redacted]&next=/home",
		"https://a.example/cb?code=4/0AX4XfWh7&state=xyz#frag":                                  "https://a.example/cb?code=[redacted]&state=xyz#frag",
		"https://a.example/#access_token=eyJ.x.y&token_type=Bearer":                             "https://a.example/#access_token=[redacted]&token_type=Bearer",
		"https://a.example/#/route?id_token=t0k3n9":                                             "https://a.example/#/route?id_token=[redacted]",
		"https://user:hunter2@a.example/path?q=1":                                               "https://user:[redacted]@a.example/path?q=1",
		"https://a.example/s3?X-Amz-Signature=9f3ab27c41&X-Amz-Date=2026":                       "https://a.example/s3?X-Amz-Signature=[redacted]&X-Amz-Date=2026",
		"https://a.example/login?token=ok&session=new&auth=1":                                   "https://a.example/login?token=ok&session=new&auth=1",
		"https://a.example/?redirect_uri=https%3A%2F%2Fb.example%2Fcb%3Fcode%3Dsecret1%26x%3D1": "https://a.example/?redirect_uri=https%3A%2F%2Fb.example%2Fcb%3Fcode%3D[redacted]%26x%3D1",
		"https://a.example/plain/path":                                                          "https://a.example/plain/path",
		"https://a.example/?q=token&author=bob":                                                 "https://a.example/?q=token&author=bob",
		"wss://a.example/socket?apikey=k9x7q2&v=2":                                              "wss://a.example/socket?apikey=[redacted]&v=2",
		"": "",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestBody(t *testing.T) {
	sc := Pattern
	for _, c := range []struct{ ct, in, want string }{
		{"application/x-www-form-urlencoded", "user=bob&password=hunter22&remember=1", "user=bob&password=[redacted]&remember=1"},
		{"", "user=bob&password=hunter22", "user=bob&password=[redacted]"},
		{"application/json", `{"access_token":"ya29.a0AfH6SM","expires_in":3600,"token_type":"Bearer","user":{"name":"x"}}`,
			`{"access_token":"[redacted]","expires_in":3600,"token_type":"Bearer","user":{"name":"x"}}`},
		{"application/json", `{"auth":"ok"}`, `{"auth":"ok"}`},
		{"application/json", `{"auth":"invalid","session":"expired","token":null,"csrf":true,"key":"Enter"}`, `{"auth":"invalid","session":"expired","token":null,"csrf":true,"key":"Enter"}`},
		{"application/json", `{ "password" : "p w", "n": null, "apiKey": 12 }`, `{ "password" : "[redacted]", "n": null, "apiKey": 12 }`},
		{"application/json", `{"msg":"{\"session_id\":\"s9f3a2c\",\"x\":1}"}`, `{"msg":"{\"session_id\":\"[redacted]\",\"x\":1}"}`},
		{"application/json", `{"author":"Ann","authority":"x","content":"token=1"}`, `{"author":"Ann","authority":"x","content":"token=1"}`},
		// Code: names say nothing of values there; a known format does.
		{"text/javascript", `firebase.init({apiKey: "AIzaSy0", projectId: 'p'}); const accessToken = 'abc'; fetch(u, {credentials: 'same-origin'})`,
			`firebase.init({apiKey: "AIzaSy0", projectId: 'p'}); const accessToken = 'abc'; fetch(u, {credentials: 'same-origin'})`},
		{"text/javascript", `var t = {defaultToken: "invalid", tokenPostfix: ".js"}; this.$tokens.length; x.session_id = "s9f3a2c";`,
			`var t = {defaultToken: "invalid", tokenPostfix: ".js"}; this.$tokens.length; x.session_id = "s9f3a2c";`},
		{"text/javascript", `const k = "AIzaSyD8x7Kq2mP4vN9rT1wZ5bC3hJ6lF0gE2aS";`, `const k = "[redacted]";`},
		{"text/css", `.a{background:url(/i.png?token=abc123def)} .sk-fading-circle-with-long-name-x{}`, `.a{background:url(/i.png?token=abc123def)} .sk-fading-circle-with-long-name-x{}`},
		{"text/html", `<input type="hidden" name="authenticity_token" value="Zx9+=">`, `<input type="hidden" name="authenticity_token" value="[redacted]">`},
		{"text/html", `<meta name="csrf-token" content="c5rf9x2k"><meta name="viewport" content="w">`, `<meta name="csrf-token" content="[redacted]"><meta name="viewport" content="w">`},
		{"text/html", `<a href="/cb?x=1&amp;token=t0k3n99">go</a><script>const credentials = 'same-origin'; var session = {token: "abc123xyz"};</script>`,
			`<a href="/cb?x=1&amp;token=[redacted]">go</a><script>const credentials = 'same-origin'; var session = {token: "abc123xyz"};</script>`},
		{"application/json", `{"url":"https://x/cb?a=1\u0026code=zz81a7"}`, `{"url":"https://x/cb?a=1\u0026code=[redacted]"}`},
		{"multipart/form-data; boundary=B", "--B\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nbob\r\n--B\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nhunter22\r\n--B--\r\n",
			"--B\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nbob\r\n--B\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n[redacted]\r\n--B--\r\n"},
		{"text/plain", "nothing secret here: a=b, c: d", "nothing secret here: a=b, c: d"},
		{"application/json", `{"password":"[redacted]"}`, `{"password":"[redacted]"}`},
	} {
		if got := sc.Body(c.ct, c.in); got != c.want {
			t.Errorf("Body(%q, %q)\n got %q\nwant %q", c.ct, c.in, got, c.want)
		}
	}
}

func TestHeaders(t *testing.T) {
	in := map[string]string{
		"Authorization":  "Bearer eyJhbGciOi.payload.sig",
		"Cookie":         "sid=abcdef123456; theme=dark; _ga=GA1.1.42.17",
		"Set-Cookie":     "tt_session=s3cr3tvalue99; Path=/; HttpOnly\nlang=en; Max-Age=60",
		"X-Api-Key":      "k-123456789",
		"X-CSRF-Token":   "c5rf-9x2k",
		"X-Xsrf-Token":   "Fetch",
		"Sec-Fetch-Site": "same-origin",
		"Referer":        "https://a.example/login?token=leak1234&x=1",
		"Location":       "/cb?code=zz81a7",
		"Content-Length": "42",
		"Content-Type":   "application/json",
	}
	got := Pattern.Headers(in)
	want := map[string]string{
		"Authorization":  "Bearer [redacted]",
		"Cookie":         "sid=[redacted]; theme=dark; _ga=[redacted]",
		"Set-Cookie":     "tt_session=[redacted]; Path=/; HttpOnly\nlang=en; Max-Age=60",
		"X-Api-Key":      Redacted,
		"X-CSRF-Token":   Redacted,
		"X-Xsrf-Token":   "Fetch",
		"Sec-Fetch-Site": "same-origin",
		"Referer":        "https://a.example/login?token=[redacted]&x=1",
		"Location":       "/cb?code=[redacted]",
		"Content-Length": "42",
		"Content-Type":   "application/json",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
	if in["Authorization"] != "Bearer eyJhbGciOi.payload.sig" {
		t.Error("Headers changed its argument")
	}
}

func TestLearnedValuesScrubbedEverywhere(t *testing.T) {
	s := NewSet()
	s.LearnHeaders(map[string]string{
		"Authorization": "Bearer bearer-credential-1",
		"Cookie":        "sid=cookieval0042abc; theme=darkmode",
		"X-Api-Key":     "apikey-value-77",
	})
	s.LearnURL("https://a.example/login?token=url-token-555&x=1")
	s.LearnBody("application/json", `{"access_token":"json-token-999","note":"hello world"}`)
	s.LearnBody("application/x-www-form-urlencoded", "user=bob&password=form-pass-321")
	s.LearnHeaders(map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("bob:basic-pass-42"))})
	for _, v := range []string{"bearer-credential-1", "cookieval0042abc", "apikey-value-77", "url-token-555", "json-token-999", "form-pass-321", "basic-pass-42"} {
		if !s.Contains(v) {
			t.Errorf("%q not learned (learned %q)", v, s.Values())
		}
	}
	for _, v := range []string{"darkmode", "hello world", "bob", "1"} {
		if s.Contains(v) {
			t.Errorf("%q learned, but it is no secret", v)
		}
	}
	sc := s.Scrubber()
	if sc != s.Scrubber() {
		t.Error("the scrubber is not cached")
	}
	text := "echo bearer-credential-1 and cookieval0042abc, url-token-555 json-token-999 form-pass-321 apikey-value-77 basic-pass-42 darkmode"
	got := sc.Text(text)
	if want := "echo [redacted] and [redacted], [redacted] [redacted] [redacted] [redacted] [redacted] darkmode"; got != want {
		t.Errorf("Text:\n got %q\nwant %q", got, want)
	}
	// Learned later than the record that holds it: still scrubbed, by the
	// scrubber made after.
	r := api.Request{URL: "https://b.example/p/late-secret-0001", Headers: map[string]string{"X-Echo": "late-secret-0001"}}
	s.Learn("late-secret-0001")
	if sc == s.Scrubber() {
		t.Error("the scrubber was not rebuilt after a value was learned")
	}
	s.Scrubber().Request(&r)
	if strings.Contains(r.URL, "late-secret") || strings.Contains(r.Headers["X-Echo"], "late-secret") {
		t.Errorf("late secret kept: %+v", r)
	}
	// Binary content keeps its length.
	bin := append([]byte{0, 1, 2}, []byte("json-token-999")...)
	bin = append(bin, 0xff)
	out, _ := base64.StdEncoding.DecodeString(sc.Base64(base64.StdEncoding.EncodeToString(bin)))
	if len(out) != len(bin) || strings.Contains(string(out), "json-token-999") || out[0] != 0 || out[len(out)-1] != 0xff {
		t.Errorf("Base64: %q", out)
	}
}

func TestLearnBounds(t *testing.T) {
	s := NewSet()
	for _, v := range []string{"short", "true", "aaaaaaaaaaaa", "has space in it", "x[redacted]y", "********", strings.Repeat("ab12", 2000)} {
		s.Learn(v)
		if s.Contains(v) {
			t.Errorf("%q learned", v)
		}
	}
	for i := 0; i < MaxValues+10; i++ {
		s.Learn("value-" + strings.Repeat("z", 3) + string(rune('a'+i%26)) + itoa(i))
	}
	if s.Len() != MaxValues || s.Skipped() == 0 {
		t.Errorf("Len %d, Skipped %d", s.Len(), s.Skipped())
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestNilScrubberChangesNothing(t *testing.T) {
	var sc *Scrubber
	r := api.Request{URL: "https://a/?token=x", Headers: map[string]string{"Authorization": "Bearer x"}}
	sc.Request(&r)
	if r.URL != "https://a/?token=x" || r.Headers["Authorization"] != "Bearer x" {
		t.Errorf("nil scrubber changed %+v", r)
	}
}

func TestRecordsKeepShapeAndShareNothing(t *testing.T) {
	s := NewSet()
	in := &api.Initiator{Type: "script", URL: "https://a/app.js?key=AIza12345678"}
	stored := api.Request{
		URL: "https://a/api?access_token=tok-000111", Headers: map[string]string{"Cookie": "sid=abcdefgh12345"},
		Initiator: in, PostData: `{"password":"pw-987654321"}`, DocumentURL: "https://a/?token=doc-123456789",
		BlockedCookies: []api.BlockedCookie{{Name: "b", Line: "b=zzzzzzzz9999", Reasons: []string{"x"}}},
	}
	s.LearnURL(stored.URL)
	s.LearnHeaders(stored.Headers)
	cp := stored
	s.Scrubber().Request(&cp)
	if stored.Initiator.URL != "https://a/app.js?key=AIza12345678" || stored.Headers["Cookie"] != "sid=abcdefgh12345" || stored.BlockedCookies[0].Line != "b=zzzzzzzz9999" {
		t.Errorf("scrubbing a copy changed the stored record: %+v %+v", stored, *stored.Initiator)
	}
	if cp.URL != "https://a/api?access_token=[redacted]" || cp.Initiator.URL != "https://a/app.js?key=[redacted]" ||
		cp.Headers["Cookie"] != "sid=[redacted]" || cp.PostData != `{"password":"[redacted]"}` ||
		cp.DocumentURL != "https://a/?token=[redacted]" || cp.BlockedCookies[0].Line != "b=[redacted]" {
		t.Errorf("scrubbed: %+v %+v", cp, *cp.Initiator)
	}
}

// TestLargeContentsAreScrubbedOnce checks the cache of scrubbed contents:
// a large body read twice is the same scrubbed text, and a value learned
// afterwards is hidden the next time.
func TestLargeContentsAreScrubbedOnce(t *testing.T) {
	s := NewSet()
	s.Learn("first-secret-9f3a2c")
	body := strings.Repeat("padding text, ", 1000) + "first-secret-9f3a2c and second-secret-7b1e44 " + strings.Repeat("more, ", 1000)
	one := s.Scrubber().Body("text/plain", body)
	two := s.Scrubber().Body("text/plain", body)
	if strings.Contains(one, "first-secret") || one != two {
		t.Fatalf("a cached scrub differs or leaks")
	}
	if unsafe.StringData(one) != unsafe.StringData(two) {
		t.Error("the second read was scrubbed again")
	}
	s.Learn("second-secret-7b1e44")
	if got := s.Scrubber().Body("text/plain", body); strings.Contains(got, "second-secret") || strings.Contains(got, "first-secret") {
		t.Error("a value learned after the first read is not hidden")
	}
	b64 := base64.StdEncoding.EncodeToString([]byte(body))
	if got, _ := base64.StdEncoding.DecodeString(s.Scrubber().Base64(b64)); bytes.Contains(got, []byte("secret-")) || len(got) != len(body) {
		t.Error("binary content keeps a secret or changed length")
	}
}
