//go:build unix

package nativehost

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tabtap/tabtap/internal/testenv"
)

// The store zip, unpacked, is an extension Chromium loads: its service
// worker starts. Without the key its ID is the one Chromium derives from
// the folder's path, not the fixed ID of the unpacked copy.
func TestPackedExtensionLoads(t *testing.T) {
	chromium := testenv.Chromium(t)
	p, _ := packRepoExtension(t)
	dir := filepath.Join(t.TempDir(), "unpacked")
	unzip(t, p.Path, dir)
	dir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	profile := t.TempDir()
	cmd := exec.Command(chromium,
		"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-default-browser-check", "--user-data-dir="+profile,
		"--load-extension="+dir, "--disable-extensions-except="+dir,
		"--remote-debugging-port=0", "about:blank")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logs, err := os.Create(filepath.Join(t.TempDir(), "chromium.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var port string
	for port == "" {
		if b, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort")); err == nil {
			port, _, _ = strings.Cut(string(b), "\n")
		}
		wait(t, ctx, logs.Name(), "Chromium did not write DevToolsActivePort")
	}
	want := "chrome-extension://" + pathID(dir) + "/sw.js"
	for {
		targets := listTargets(ctx, "http://127.0.0.1:"+port+"/json/list")
		for _, tg := range targets {
			if tg.Type == "service_worker" && strings.HasPrefix(tg.URL, "chrome-extension://") {
				if tg.URL != want {
					t.Fatalf("service worker %s, want %s", tg.URL, want)
				}
				if strings.Contains(tg.URL, ExtensionID) {
					t.Fatal("the packed extension kept the unpacked copy's fixed ID")
				}
				return
			}
		}
		wait(t, ctx, logs.Name(), "no extension service worker among the targets")
	}
}

type target struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

func listTargets(ctx context.Context, url string) []target {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer res.Body.Close()
	var out []target
	json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&out)
	return out
}

// wait pauses before the next poll, failing with the browser's log once ctx
// is done.
func wait(t *testing.T, ctx context.Context, log, why string) {
	t.Helper()
	select {
	case <-ctx.Done():
		b, _ := os.ReadFile(log)
		t.Fatalf("%s within 60 s\n%s", why, b)
	case <-time.After(100 * time.Millisecond):
	}
}

// pathID is the ID Chromium gives an unpacked extension without a key: the
// first 32 hex digits of sha256 of its absolute path, 0-f mapped to a-p.
func pathID(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	h := hex.EncodeToString(sum[:16])
	id := make([]byte, len(h))
	for i := range h {
		v := h[i] - '0'
		if h[i] >= 'a' {
			v = h[i] - 'a' + 10
		}
		id[i] = 'a' + v
	}
	return string(id)
}

func unzip(t *testing.T, zipPath, dir string) {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		dst := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(dst, dir+string(filepath.Separator)) {
			t.Fatalf("zip entry %s escapes the folder", f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
