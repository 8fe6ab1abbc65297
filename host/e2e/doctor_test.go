package e2e

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/install/doctor"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

// The installer's check (and `tabtap doctor`), with a real browser
// connected, calls list_tabs through the installed binary's `tabtap mcp`
// and finds the browser's tab.
func TestDoctorWithBrowser(t *testing.T) {
	e := newEnv(t)
	e.launch()
	env := nativehost.Env{
		Home: t.TempDir(), // no MCP client configured: a note, not a problem
		Getenv: func(k string) string {
			if k == "TABTAP_RUNTIME_DIR" {
				return e.runtimeDir
			}
			return ""
		},
		LookPath: func(string) (string, error) { return "", errors.New("not found") },
	}
	r, err := doctor.Check(context.Background(), doctor.Options{Host: nativehost.Options{
		UserDataDirs: []string{e.profile}, BinDir: filepath.Dir(e.binary), Env: env,
	}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r.Print(&out)
	t.Log(out.String())
	if r.Probe == nil || r.Probe.Err != nil || len(r.Probe.Tabs) != 1 || !r.OK() {
		t.Fatalf("probe %+v, OK %v", r.Probe, r.OK())
	}
	for label, n := range r.Probe.Tabs {
		if n < 1 || !strings.HasPrefix(label, "Chromium") {
			t.Errorf("%d tabs in %q", n, label)
		}
	}
}
