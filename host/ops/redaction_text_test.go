package ops

import (
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/redact"
)

// TestRedactionTextIsTrue holds what redactSecrets' description says to
// what package redact does: each claim is a phrase of the description and
// an example that shows it.
func TestRedactionTextIsTrue(t *testing.T) {
	const token = "Zq8vR2mX7kP4wL9tB3nY6cH1"
	set := redact.NewSet()
	set.LearnBody("application/json", `{"access_token":"`+token+`"}`)
	sc := set.Scrubber()
	hidden := func(s string) bool { return strings.Contains(s, redact.Redacted) && !strings.Contains(s, token) }
	for _, c := range []struct {
		phrase string
		holds  bool
	}{
		{"Authorization credentials", sc.Header("Authorization", "Bearer "+token) == "Bearer "+redact.Redacted},
		{"headers named like secrets (X-API-Key", hidden(sc.Header("X-API-Key", "k4Jd9sLq2Wm7Xp3Z"))},
		{"cookie values", hidden(sc.Header("Cookie", "sid=Hq7Lx2Kd9Pw4Zm8B"))},
		{"secret URL parameters (token", hidden(sc.URL("https://app.test/cb?token=Hq7Lx2Kd9Pw4Zm8B"))},
		{"secret form, JSON", hidden(sc.Body("application/json", `{"password":"hunter2"}`))},
		{"values learned", hidden(sc.Text("your key is " + token))},
		{"words and short numbers", sc.Header("X-CSRF-Token", "Fetch") == "Fetch" && sc.Header("Cookie", "theme=dark") == "theme=dark"},
		{"(not under password names)", hidden(sc.Body("application/x-www-form-urlencoded", "password=hunter"))},
		{"ordinary headers", sc.Header("User-Agent", "agent "+token) == "agent "+token},
		{"scripts and styles but for token formats", sc.Body("application/javascript", `var token = "Hq7Lx2Kd9Pw4Zm8B";`) == `var token = "Hq7Lx2Kd9Pw4Zm8B";`},
		{"a token in a URL path", sc.URL("https://app.test/reset/Hq7Lx2Kd9Pw4Zm8B") == "https://app.test/reset/Hq7Lx2Kd9Pw4Zm8B"},
	} {
		if !strings.Contains(redactionText, c.phrase) {
			t.Errorf("the description of redactSecrets no longer says %q", c.phrase)
		}
		if !c.holds {
			t.Errorf("the description of redactSecrets says %q, but redaction does otherwise", c.phrase)
		}
	}
	if p := startCapture.Tool().InputSchema.Properties["redactSecrets"].(map[string]any); !strings.HasPrefix(p["description"].(string), redactionText) {
		t.Errorf("redactSecrets is described as %q", p["description"])
	}
}
