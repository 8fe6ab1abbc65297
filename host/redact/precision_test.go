package redact

import (
	"encoding/hex"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
)

// What the issue found rewritten, and what a secret-free page holds: none
// of it is hidden under a secret name, and none of it is learned.
var notSecrets = []string{
	"same-origin", "same-site", "cross-site", "include", "omit", "Bearer", "bearer", "Basic", "ok", "OK", "invalid",
	"expired", "none", "null", "undefined", "true", "false", "3600", "0", "1.5", "-1", "1e9", "no-cache",
	"strict-origin-when-cross-origin", "text/html", "application/json", "sameOrigin", "XMLHttpRequest",
	"getElementById", "ERR_INVALID_TOKEN", "en-US", "Fetch", "required", "navigate", "document", "keyword.control",
	"invalid token", "not logged in", "access_denied", "refresh_token", "authorization_code", "********", "xxxxxxxx",
	"notLoggedIn", "defaultToken", "tokenPostfix", "csrfmiddlewaretoken",
}

func TestWordsKeywordsNumbersAreNoSecrets(t *testing.T) {
	for _, v := range notSecrets {
		for _, st := range []strength{weak, strong} {
			if hides(v, st) {
				t.Errorf("hides(%q, %d): it is no secret", v, st)
			}
			if learnable(v, st) {
				t.Errorf("learnable(%q, %d): it is no secret", v, st)
			}
		}
	}
	for _, v := range []string{"hunter2", "correct horse battery staple", "password", "1234"} {
		if !hides(v, password) {
			t.Errorf("a password, %q, is not hidden under a password name", v)
		}
	}
	for _, v := range []string{"123456", "4/0AX4XfWh7", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", "s9f3a2c", "ya29.a0AfH6SM", "QmVhcmVyVG9rZW4"} {
		if !hides(v, strong) {
			t.Errorf("%q is not hidden under a secret name", v)
		}
	}
}

// randomToken makes a token of n bytes of alphabet.
func randomToken(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// TestRandomTokensAreSecrets: tokens as servers make them are hidden and
// learned, whatever letters they happen to hold.
func TestRandomTokensAreSecrets(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 13))
	for _, c := range []struct {
		name     string
		alphabet string
		n        int
		minShare float64 // of the tokens learned
	}{
		{"hex 32", "0123456789abcdef", 32, 1},
		{"base62 16", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16, 0.999},
		{"base62 24", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 24, 1},
		{"base64url 43", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", 43, 1},
		// Letters only, by chance: one in a thousand reads as camelCase words.
		{"letters 20", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 20, 0.998},
		{"base32 26", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 26, 1},
	} {
		learned, confidentToo := 0, 0
		const n = 10000
		for range n {
			v := randomToken(r, c.alphabet, c.n)
			if learnable(v, strong) && hides(v, strong) {
				learned++
			}
			if confident(v) {
				confidentToo++
			}
		}
		if share := float64(learned) / n; share < c.minShare {
			t.Errorf("%s: %.4f of random tokens learned, want at least %.4f", c.name, share, c.minShare)
		}
		t.Logf("%s: %d of %d learned, %d confident enough for code", c.name, learned, n, confidentToo)
	}
	if v := hex.EncodeToString([]byte("0123456789abcdef")); !confident(v) {
		t.Errorf("a 32-digit hex token is not confident: %.0f bits", entropyBits(v))
	}
}

func TestLearnedValuesAreWholeTokens(t *testing.T) {
	s := NewSet()
	s.Learn("Tk9x2mQ7vL4p")
	sc := s.Scrubber()
	for in, want := range map[string]string{
		"a Tk9x2mQ7vL4p b":          "a [redacted] b",
		"/p/Tk9x2mQ7vL4p?x=1":       "/p/[redacted]?x=1",
		`{"t":"Tk9x2mQ7vL4p"}`:      `{"t":"[redacted]"}`,
		"x%3DTk9x2mQ7vL4p%26":       "x%3D[redacted]%26",
		`a\u0026Tk9x2mQ7vL4p`:       `a\u0026[redacted]`,
		`line\nTk9x2mQ7vL4p`:        `line\n[redacted]`,
		"xTk9x2mQ7vL4p":             "xTk9x2mQ7vL4p",
		"Tk9x2mQ7vL4pz":             "Tk9x2mQ7vL4pz",
		"$Tk9x2mQ7vL4p":             "$Tk9x2mQ7vL4p",
		"_Tk9x2mQ7vL4p_":            "_Tk9x2mQ7vL4p_",
		"Tk9x2mQ7vL4p-thumb.png":    "[redacted]-thumb.png",
		"Tk9x2mQ7vL4pTk9x2mQ7vL4p ": "Tk9x2mQ7vL4pTk9x2mQ7vL4p ",
	} {
		if got := sc.Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOrdinaryHeadersAreNeverChanged: not even for a value learned
// elsewhere.
func TestOrdinaryHeadersAreNeverChanged(t *testing.T) {
	s := NewSet()
	s.Learn("Tk9x2mQ7vL4pW3nB")
	s.LearnHeader("X-Mode", "same-origin")
	s.LearnBody("application/json", `{"credentials":"same-origin","token_type":"Bearer","auth":"ok"}`)
	if s.Len() != 1 {
		t.Fatalf("learned %q", s.Values())
	}
	sc := s.Scrubber()
	h := map[string]string{
		"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors", "Accept": "Tk9x2mQ7vL4pW3nB", "Accept-Language": "en-US,en;q=0.9",
		"Content-Type": "text/plain; Tk9x2mQ7vL4pW3nB", "User-Agent": "Mozilla/5.0 Tk9x2mQ7vL4pW3nB", "Cache-Control": "no-cache",
		"sec-ch-ua": `"Chromium";v="156"`, "ETag": `"Tk9x2mQ7vL4pW3nB"`, "Access-Control-Allow-Credentials": "true",
	}
	if got := sc.Headers(h); !reflect.DeepEqual(got, h) {
		t.Errorf("ordinary headers changed: %v", got)
	}
}

// TestCodeChangesOnlyForHighConfidence: in scripts and styles, learned
// values random enough and known token formats are hidden; names, and
// learned values that could be part of ordinary code, are not.
func TestCodeChangesOnlyForHighConfidence(t *testing.T) {
	s := NewSet()
	s.Learn("hunter22x")                          // a learned password: too little entropy for code
	s.Learn("Zq8vR2mX7kP4wL9tB3nY6cH1")           // a session token
	s.LearnHeader("Authorization", "Bearer Tok3") // too short to be learned
	sc := s.Scrubber()
	const jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	script := `var p="hunter22x", s="Zq8vR2mX7kP4wL9tB3nY6cH1", t="` + jwt + `", k="AKIAZ7Q2M9X4K3L8P1W6", x={token:"abc123def", credentials:"same-origin"};`
	want := `var p="hunter22x", s="[redacted]", t="[redacted]", k="[redacted]", x={token:"abc123def", credentials:"same-origin"};`
	for _, ct := range []string{"text/javascript", "application/javascript; charset=utf-8", "text/css"} {
		if got := sc.Body(ct, script); got != want {
			t.Errorf("%s:\n got %s\nwant %s", ct, got, want)
		}
	}
	// The same text as data: the name-based guess and the password apply.
	if got := sc.Body("application/json", script); strings.Contains(got, "hunter22x") || strings.Contains(got, "abc123def") {
		t.Errorf("as data: %s", got)
	}
	// A response of a Script request is code whatever its type says.
	d := api.Data{
		Requests:  []api.Request{{RequestID: "1", ResourceType: "Script"}},
		Responses: []api.Response{{RequestID: "1", MimeType: "text/plain", Body: script}},
	}
	sc.Data(&d)
	if d.Responses[0].Body != want {
		t.Errorf("a Script served as text/plain: %s", d.Responses[0].Body)
	}
}

func TestKnownTokenFormats(t *testing.T) {
	for _, tok := range []string{
		"eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2EifQ.c2lnbmF0dXJlLXJhbmRvbS12YWx1ZQ",
		"AKIAZ7Q2M9X4K3L8P1W6", "AIzaSyD8x7Kq2mP4vN9rT1wZ5bC3hJ6lF0gE2aS",
		"ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "github_pat_11ABCDEFG0abcdefghij_KLMNOPqrstuv1234567890",
		"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
		"glpat-Ab3dE6gH9jK2mN5pQ8sT", "npm_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
		"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",
		"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1b2c3\n-----END RSA PRIVATE KEY-----",
	} {
		for _, ct := range []string{"text/javascript", "text/html", "application/json", "text/css"} {
			if got := Pattern.Body(ct, "a = '"+tok+"';"); got != "a = '[redacted]';" {
				t.Errorf("%s in %s: %q", tok, ct, got)
			}
		}
	}
	for _, near := range []string{
		"sk-fading-circle", "sk-chase-dot-before-and-after-long-enough-0", "eyJ.is.short", "AKIA_NOT_A_KEY_AT_ALL",
		"ghp_short", "AKIAAAAAAAAAAAAAAAAA", "xghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "-----BEGIN CERTIFICATE-----",
	} {
		if got := Pattern.Body("text/javascript", "a = '"+near+"';"); got != "a = '"+near+"';" {
			t.Errorf("%q is no token but became %q", near, got)
		}
	}
}

// TestRedactedSaysWhere: each record names the places of what it hid, in
// the format of docs/records.md.
func TestRedactedSaysWhere(t *testing.T) {
	const tok = "Zq8vR2mX7kP4wL9tB3nY6cH1"
	s := NewSet()
	s.LearnBody("application/json", `{"access_token":"`+tok+`","token_type":"Bearer"}`)
	sc := s.Scrubber()
	req := api.Request{
		URL: "https://user:pw123456@a.test/p/" + tok + "?token=t0k3n9x&q=1#sig=9f8e7d6c5b",
		Headers: map[string]string{
			"Authorization": "Bearer " + tok, "Cookie": "sid=s9x2k4q7; theme=dark", "X-Api-Key": "k3y-9f8e7d",
			"Referer": "https://a.test/?code=4/0AX4XfWh7", "Accept": "*/*", "Content-Type": "application/json",
		},
		PostData:    `{"user":"ann","password":"hunter2","nested":{"items":[{"otp":"123456"}]},"x-token":"` + tok + `","note":"with ` + tok + `"}`,
		DocumentURL: "https://a.test/?token=t0k3n9x",
	}
	sc.Request(&req)
	want := []string{"url:password", "url", "query:token", "query:sig", "header:Authorization", "cookie:sid", "header:Referer",
		"header:X-Api-Key", "body:$.password", "body:$.nested.items[0].otp", "body:$['x-token']", "body:$.note", "field:documentURL"}
	if !reflect.DeepEqual(req.Redacted, want) {
		t.Errorf("request redacted\n got %q\nwant %q", req.Redacted, want)
	}
	resp := api.Response{
		URL: "https://a.test/login", MimeType: "application/json",
		Headers: map[string]string{"Set-Cookie": "tt_session=s3ss10n99x; Path=/\nlang=en"},
		Body:    `{"access_token":"` + tok + `","token_type":"Bearer","expires_in":3600}`,
	}
	sc.Response(&resp)
	if want := []string{"set-cookie:tt_session", "body:$.access_token"}; !reflect.DeepEqual(resp.Redacted, want) {
		t.Errorf("response redacted %q, want %q", resp.Redacted, want)
	}
	if resp.Body != `{"access_token":"[redacted]","token_type":"Bearer","expires_in":3600}` {
		t.Errorf("the token response: %s", resp.Body)
	}
	frame := api.WSFrame{URL: "wss://a.test/ws", Payload: `{"auth":"` + tok + `"}`}
	sc.Frame(&frame)
	reply := api.WSFrame{URL: "wss://a.test/ws", Payload: `{"auth":"ok"}`}
	sc.Frame(&reply)
	if frame.Payload != `{"auth":"[redacted]"}` || !reflect.DeepEqual(frame.Redacted, []string{"payload:$.auth"}) ||
		reply.Payload != `{"auth":"ok"}` || reply.Redacted != nil {
		t.Errorf("frames: %+v %+v", frame, reply)
	}
	form := api.Request{URL: "https://a.test/login", Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, PostData: "user=ann&password=correct+horse"}
	sc.Request(&form)
	if form.PostData != "user=ann&password=[redacted]" || !reflect.DeepEqual(form.Redacted, []string{"body:password"}) {
		t.Errorf("form: %+v", form)
	}
	bin := api.Response{URL: "https://a.test/b", BodyBase64: "AAEC" + "WnE4dlIybVg3a1A0d0w5dEIzblk2Y0gx" + "/w=="}
	sc.Response(&bin)
	if !reflect.DeepEqual(bin.Redacted, []string{"body"}) {
		t.Errorf("binary: %+v", bin.Redacted)
	}
	// Scrubbing again keeps what the first scrub said (a saved capture is
	// scrubbed when written and again when read).
	again := req
	sc.Request(&again)
	if !reflect.DeepEqual(again.Redacted, want) {
		t.Errorf("scrubbed twice: %q", again.Redacted)
	}
	d := api.Data{Requests: []api.Request{req, form}, Responses: []api.Response{resp}, WSFrames: []api.WSFrame{frame, reply}}
	tally := Tally(&d)
	if tally == nil || tally.Records != 4 || tally.Places["body:password"] != 1 || tally.Places["payload:$.auth"] != 1 {
		t.Errorf("tally: %+v", tally)
	}
}
