package testenv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// NPM returns a folder holding the files of src (a package.json, its
// package-lock.json pinning every version, and any other file named in
// files) with the packages they pin installed beside them in
// node_modules. It installs them with npm ci the first time, into the
// user's cache folder, keyed by name and the files' content, so that
// later runs reuse them. Without npm the test fails on CI and is skipped
// elsewhere.
func NPM(t testing.TB, name, src string, files ...string) string {
	t.Helper()
	files = append([]string{"package.json", "package-lock.json"}, files...)
	h := sha256.New()
	contents := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		contents[f] = b
		h.Write([]byte(f))
		h.Write(b)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "tabtap-test", name+"-"+hex.EncodeToString(h.Sum(nil))[:12])
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err == nil {
		return dir
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		if OnCI() {
			t.Fatalf("npm not found: this test installs %s's npm packages with it (apt-get install -y nodejs npm, or Node.js from nodejs.org); on CI it must run", name)
		}
		t.Skipf("npm not found: this test installs %s's npm packages with it (apt-get install -y nodejs npm)", name)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	// Install into a folder of its own, then move it in place: two test
	// runs may install at once.
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "installing-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	for f, b := range contents {
		if err := os.WriteFile(filepath.Join(tmp, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("installing %s's npm packages with npm ci: %v\n%s", name, err, out)
	}
	t.Logf("installed %s's npm packages in %v", name, time.Since(start).Round(time.Millisecond))
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(dir); statErr != nil {
			t.Fatalf("keeping %s's npm packages: %v", name, err)
		}
	}
	return dir
}
