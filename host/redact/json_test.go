package redact

import (
	"reflect"
	"testing"

	"github.com/tabtap/tabtap/host/api"
)

func TestJSONBodiesByPath(t *testing.T) {
	const tok = "Zq8vR2mX7kP4wL9tB3nY6cH1"
	for _, c := range []struct {
		in, want string
		places   []string
	}{
		{`{"a":{"b":[{"token":"` + tok + `"},{"token":"ok"}]}}`, `{"a":{"b":[{"token":"[redacted]"},{"token":"ok"}]}}`, []string{"body:$.a.b[0].token"}},
		// JSON lines, each its own document.
		{"{\"session\":\"s9f3a2c\"}\n{\"session\":\"k2j4h6\"}\n", "{\"session\":\"[redacted]\"}\n{\"session\":\"[redacted]\"}\n", []string{"body:$.session"}},
		// A socket.io frame: a packet type before the JSON.
		{`42["login",{"password":"hunter2"}]`, `42["login",{"password":"[redacted]"}]`, []string{"body:$[1].password"}},
		// Cut short at maxBodyBytes.
		{`{"items":[1,2],"refresh_token":"` + tok + `","more":"…`, `{"items":[1,2],"refresh_token":"[redacted]","more":"…`, []string{"body:$.refresh_token"}},
		// A key is a key, not a value: {"token": …} under "name".
		{`{"name":"token","value":"s9f3a2c","list":["password","secret"]}`, `{"name":"token","value":"s9f3a2c","list":["password","secret"]}`, nil},
		// JSON inside a string, and a URL's parameter inside a string.
		{`{"msg":"{\"session_id\":\"s9f3a2c\"}","next":"https://a/cb?code=4/0AX4XfWh7\u0026x=1"}`, `{"msg":"{\"session_id\":\"[redacted]\"}","next":"https://a/cb?code=[redacted]\u0026x=1"}`, []string{"body:$.msg", "body:$.next"}},
		// Odd keys are quoted in the path.
		{`{"x-auth-token":"` + tok + `","it's":{"api key":"k9f8e7d6"}}`, `{"x-auth-token":"[redacted]","it's":{"api key":"[redacted]"}}`, []string{"body:$['x-auth-token']", `body:$['it\'s']['api key']`}},
		// Not JSON: key: "value" text by name.
		{`data: {token: "s9f3a2c"}, password = 'hunter2'`, `data: {token: "[redacted]"}, password = '[redacted]'`, []string{"body:token", "body:password"}},
	} {
		r := api.Request{URL: "https://a.test/api", Headers: map[string]string{"Content-Type": "application/json"}, PostData: c.in}
		Pattern.Request(&r)
		if r.PostData != c.want || !reflect.DeepEqual(r.Redacted, c.places) {
			t.Errorf("%s\n got %s %q\nwant %s %q", c.in, r.PostData, r.Redacted, c.want, c.places)
		}
	}
}
