package hartest_test

import (
	"testing"

	"github.com/tabtap/tabtap/host/har/hartest"
)

const minimal = `{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[
 {"startedDateTime":"2026-11-24T10:00:00.000Z","time":1.5,
  "request":{"method":"GET","url":"https://x.test/?a=1","httpVersion":"http/1.1","cookies":[],"headers":[],"queryString":[{"name":"a","value":"1"}],"headersSize":-1,"bodySize":0},
  "response":{"status":200,"statusText":"OK","httpVersion":"http/1.1","cookies":[],"headers":[],"content":{"size":0,"mimeType":"x-unknown"},"redirectURL":"","headersSize":-1,"bodySize":-1},
  "cache":{},"timings":{"send":0,"wait":1.5,"receive":0},"serverIPAddress":"::1"}]}}`

func TestValidate(t *testing.T) {
	if err := hartest.Validate([]byte(minimal)); err != nil {
		t.Fatalf("a minimal HAR fails: %v", err)
	}
	hartest.Check(t, []byte(minimal))
	for name, doc := range map[string]string{
		"no log":       `{}`,
		"no entries":   `{"log":{"version":"1.2","creator":{"name":"t","version":"1"}}}`,
		"entries null": `{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":null}}`,
		"not JSON":     `{"log":`,
	} {
		if err := hartest.Validate([]byte(doc)); err == nil {
			t.Errorf("%s: validation passed", name)
		}
	}
}
