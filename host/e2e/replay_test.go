package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The HAR replayer is Playwright's routeFromHAR, a HAR consumer people
// use, driving the system's Chromium (Playwright downloads no browser).
// Its npm package is pinned by testdata/replay/package-lock.json and
// installed once into the user's cache folder.

// replayResult is what testdata/replay/replay.js prints.
type replayResult struct {
	Text     string   `json:"text"`
	Failed   []string `json:"failed"`
	Errors   []string `json:"errors"`
	Finished int      `json:"finished"`
}

// replayer returns a folder holding replay.js with playwright-core
// installed beside it, installing it with npm ci the first time.
func replayer(t *testing.T) string {
	t.Helper()
	src := filepath.Join("testdata", "replay")
	files := []string{"package.json", "package-lock.json", "replay.js"}
	h := sha256.New()
	contents := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		contents[f] = b
		h.Write(b)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "tabtap-e2e", "replay-"+hex.EncodeToString(h.Sum(nil))[:12])
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err == nil {
		return dir
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("npm not found: the HAR replay test installs playwright-core with it (apt-get install -y nodejs npm, or Node.js from nodejs.org)")
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
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("installing playwright-core with npm ci: %v\n%s", err, out)
	}
	t.Logf("installed playwright-core for the HAR replay in %v", time.Since(start).Round(time.Millisecond))
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(dir); statErr != nil {
			t.Fatalf("keeping the replayer: %v", err)
		}
	}
	return dir
}

// replay loads url with every request answered from the HAR file.
func replay(t *testing.T, dir, harPath, url string) replayResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, "replay.js"), harPath, url)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TABTAP_CHROMIUM="+findChromium(t))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("replaying %s: %v\n%s", harPath, err, stderr.String())
	}
	var res replayResult
	if err := json.Unmarshal(bytes.TrimSpace(out), &res); err != nil {
		t.Fatalf("replay output %q: %v", out, err)
	}
	return res
}
