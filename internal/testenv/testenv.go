// Package testenv decides whether the tests that need a program from
// outside (the go command, Chromium, npm) run. Outside CI they skip when the
// program is missing (and builds skip with -short); on CI (CI set) they
// never skip: a missing program fails the test.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// OnCI tells whether the tests run on CI.
func OnCI() bool { return os.Getenv("CI") != "" }

// GoTool returns the go command for a test that builds a program.
func GoTool(t testing.TB) string {
	t.Helper()
	if testing.Short() && !OnCI() {
		t.Skip("builds a program (skipped with -short)")
	}
	p, err := exec.LookPath("go")
	if err != nil {
		if OnCI() {
			t.Fatal("the go command is not on PATH; on CI the build tests must run")
		}
		t.Skip("no go command")
	}
	return p
}

// Chromium returns the browser for a test that loads the extension:
// $TABTAP_CHROMIUM, else chromium or chromium-browser on PATH.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("TABTAP_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if OnCI() {
		t.Fatal("Chromium not found: install it (apt-get install -y chromium) or set TABTAP_CHROMIUM; on CI this test must run")
	}
	t.Skip("Chromium not found (apt-get install -y chromium, or set TABTAP_CHROMIUM)")
	return ""
}
