package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/tabtap/tabtap/internal/testenv"
)

// The HAR replayer is Playwright's routeFromHAR, a HAR consumer people
// use, driving the system's Chromium (Playwright downloads no browser).
// Its npm package is pinned by testdata/replay/package-lock.json and
// installed once into the user's cache folder (testenv.NPM).

// replayResult is what testdata/replay/replay.js prints.
type replayResult struct {
	Text     string   `json:"text"`
	Failed   []string `json:"failed"`
	Errors   []string `json:"errors"`
	Finished int      `json:"finished"`
}

// replayer returns a folder holding replay.js with playwright-core
// installed beside it.
func replayer(t *testing.T) string {
	t.Helper()
	return testenv.NPM(t, "replay", filepath.Join("testdata", "replay"), "replay.js")
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
