package extension

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
)

// TestPolicyLimitsAreTheDaemons holds the defaults and bounds the options
// page offers (extension/lib/policy.js, LIMITS) to the daemon's, the one
// source (host/api/limits.go), and the page to showing them from there
// rather than writing numbers of its own.
func TestPolicyLimitsAreTheDaemons(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "extension", "lib", "policy.js"))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []api.Bound{api.BodyBytes, api.TotalBytes} {
		m := regexp.MustCompile(b.Name + `: Object\.freeze\(\{ default: ([^,]+), min: ([^,]+), max: ([^}]+?) \}\)`).FindSubmatch(src)
		if m == nil {
			t.Errorf("lib/policy.js has no LIMITS.%s {default, min, max}", b.Name)
			continue
		}
		got := []int64{jsBytes(t, string(m[1])), jsBytes(t, string(m[2])), jsBytes(t, string(m[3]))}
		if want := []int64{b.Default, b.Min, b.Max}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("LIMITS.%s is %v in lib/policy.js, the daemon's %v (default, min, max)", b.Name, got, want)
		}
	}
	page, err := os.ReadFile(filepath.Join("..", "..", "extension", "options.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"maxBodyMiB", "maxTotalMiB"} {
		input := regexp.MustCompile(`<input id="` + id + `"[^>]*>`).Find(page)
		if input == nil || regexp.MustCompile(`\b(max|placeholder)=`).Match(input) {
			t.Errorf("options.html: %s sets its own bounds or default (%s); options.js takes them from LIMITS", id, input)
		}
	}
	if m := regexp.MustCompile(`\d+ [MG]iB`).Find(page); m != nil {
		t.Errorf("options.html writes a size of its own (%s); show LIMITS' instead", m)
	}
}

// jsBytes reads "10 * MIB", "0" or "2048 * MIB".
func jsBytes(t *testing.T, expr string) int64 {
	t.Helper()
	n := int64(1)
	for _, f := range strings.Split(expr, "*") {
		f = strings.TrimSpace(f)
		if f == "MIB" {
			n *= 1 << 20
			continue
		}
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			t.Fatalf("%q: %v", expr, err)
		}
		n *= v
	}
	return n
}
