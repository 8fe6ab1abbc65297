package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/install/nativehost"
	"github.com/tabtap/tabtap/host/mcplink"
	"github.com/tabtap/tabtap/host/release"
)

// noGoPath is the PATH of a person who never installed Go: the system's
// programs (Chromium among them), no go command.
const noGoPath = "/usr/bin:/bin"

// A released archive is all a person needs: unpacked into a fresh home
// with no Go on PATH, its binary installs itself for Chromium and the MCP
// clients found; Chromium loads the extension from where it was written;
// an MCP client started as its configuration says captures a local page;
// and the uninstall leaves the home as it was, file for file.
func TestReleaseArchiveInstallsWithoutGo(t *testing.T) {
	e := bareEnv(t)
	unpacked := releaseArchive(t)
	home := t.TempDir()
	// The person uses Cursor: its folder is there, with no configuration.
	if err := os.MkdirAll(filepath.Join(home, ".cursor"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := treeOf(t, home)

	out := tabtap(t, home, filepath.Join(unpacked, "tabtap"), "install", "--browser", "chromium", "--user-data-dir", e.profile, "--client", "all")
	t.Logf("tabtap install:\n%s", out)
	installed := filepath.Join(home, ".local", "share", "tabtap", "bin", "tabtap")
	e.binary, e.extension = installed, filepath.Join(home, ".local", "share", "tabtap", "extension")
	for _, want := range []string{
		"installed the host: " + installed, "wrote the extension: " + e.extension,
		"registered for Chromium: " + filepath.Join(home, ".config", "chromium", "NativeMessagingHosts", "dev.tabtap.host.json"),
		"registered for profile " + e.profile, "added tabtap for Cursor: " + filepath.Join(home, ".cursor", "mcp.json"),
		"Load unpacked → " + e.extension, "Check the setup at any time: " + installed + " doctor",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the install's output lacks %q", want)
		}
	}
	if v := manifestVersion(t, e.extension); v != "0.9.0" {
		t.Errorf("the installed extension says version %q", v)
	}

	// The MCP client starts what its configuration says, as Cursor would.
	command, args := cursorServer(t, home)
	if command != installed || !slices.Equal(args, []string{"mcp"}) {
		t.Fatalf("Cursor starts %s %v, want %s mcp", command, args, installed)
	}
	e.browserEnv = []string{"HOME=" + t.TempDir(), "PATH=" + noGoPath}
	e.mcp = e.startMCP(command, args, "HOME="+home, "PATH="+noGoPath)
	e.launch()
	site := newSite(t)
	sess, _ := e.capturePage(site, "/page")
	e.status(sess.SessionID, "every response", func(st api.StatusResult) bool {
		return st.CurrentStats.Responses >= len(expected)+1 // the redirect hop has its own
	})
	full, _ := e.wholeCapture(sess.SessionID)
	if findRequest(full.Data, site, "POST", "/api/post") == nil {
		t.Fatalf("the capture lacks the page's POST: %+v", full.Summary)
	}
	t.Logf("captured through %s mcp: %d requests, %d responses", installed, full.Summary.TotalRequests, full.Summary.TotalResponses)
	if d := daemonVersions(t, e.runtimeDir); !slices.Equal(d, []string{"0.9.0"}) {
		t.Errorf("the daemons run versions %v", d)
	}
	e.mcp.Close()
	e.closeBrowser()

	out = tabtap(t, home, installed, "uninstall", "--browser", "chromium", "--user-data-dir", e.profile)
	t.Logf("tabtap uninstall:\n%s", out)
	if diff := diffTrees(before, treeOf(t, home)); diff != "" {
		t.Errorf("the uninstall left the home otherwise than it was:\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(e.profile, "NativeMessagingHosts")); err == nil {
		t.Error("the profile's registration is still there")
	}
}

// An upgrade while the browser runs: version A is installed and captures,
// version B is installed over it. A's daemon keeps serving from the file
// it started from, so the capture stays readable (by B's `tabtap mcp`
// too); a daemon the browser starts after that runs B, while the extension
// it loaded is still A's, and the popup says what to do; the next browser
// start loads B's extension beside B's daemon, and the popup says nothing.
func TestUpgradeInPlace(t *testing.T) {
	e := bareEnv(t)
	a := filepath.Join(releaseArchive(t), "tabtap") // 0.9.0
	b := filepath.Join(t.TempDir(), "tabtap")
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := (release.Build{ModuleRoot: root, Version: "0.9.1", Out: b}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	installArgs := []string{"install", "--browser", "chromium", "--user-data-dir", e.profile}
	tabtap(t, home, a, installArgs...)
	installed := filepath.Join(home, ".local", "share", "tabtap", "bin", "tabtap")
	e.binary, e.extension = installed, filepath.Join(home, ".local", "share", "tabtap", "extension")
	e.browserEnv = []string{"HOME=" + t.TempDir(), "PATH=" + noGoPath}
	e.mcp = e.startMCP(installed, []string{"mcp"}, "HOME="+home)
	e.launch()
	site := newSite(t)
	sess, _ := e.capturePage(site, "/page")
	if d := daemonVersions(t, e.runtimeDir); !slices.Equal(d, []string{"0.9.0"}) {
		t.Fatalf("the daemons run versions %v", d)
	}
	aFile, _ := os.Stat(installed)

	out := tabtap(t, home, b, installArgs...)
	t.Logf("tabtap 0.9.1 install over 0.9.0, the browser running:\n%s", out)
	if bFile, _ := os.Stat(installed); os.SameFile(aFile, bFile) {
		t.Error("the binary was rewritten in place")
	}
	if v := tabtap(t, home, installed, "version"); !strings.HasPrefix(v, "tabtap 0.9.1 ") {
		t.Errorf("the installed binary says %q", v)
	}
	if v := manifestVersion(t, e.extension); v != "0.9.1" {
		t.Errorf("the installed extension says version %q", v)
	}

	// A's daemon still serves the capture it holds: to A's `tabtap mcp`,
	// and to B's, which a client started now gets.
	e.status(sess.SessionID, "the capture to still run under 0.9.0", func(st api.StatusResult) bool { return st.Status == "active" })
	e.mcp = e.startMCP(installed, []string{"mcp"}, "HOME="+home)
	var list api.ListCapturesResult
	e.tool("list_captures", nil, &list)
	if len(list.Captures) != 1 || list.Captures[0].SessionID != sess.SessionID {
		t.Fatalf("0.9.1's tabtap mcp lists %+v", list.Captures)
	}
	full, _ := e.wholeCapture(sess.SessionID)
	if findRequest(full.Data, site, "POST", "/api/post") == nil {
		t.Fatalf("the capture read through 0.9.1 lacks the page's POST: %+v", full.Summary)
	}
	if d := daemonVersions(t, e.runtimeDir); !slices.Equal(d, []string{"0.9.0"}) {
		t.Errorf("the daemons run versions %v, want 0.9.0 still", d)
	}

	// The browser starts a new daemon (the service worker restarts): it is
	// B, beside the extension A the browser loaded.
	e.restartServiceWorker()
	waitFor(t, "a daemon of 0.9.1", func() bool { return slices.Equal(daemonVersions(t, e.runtimeDir), []string{"0.9.1"}) })
	if v := e.workerVersion(); v != "0.9.0" {
		t.Errorf("the running extension says %q", v)
	}
	note := e.popupVersions()
	t.Logf("the popup says: %s", note)
	if !strings.Contains(note, "This extension is tabtap 0.9.0, the host 0.9.1. Reload the extension on chrome://extensions") {
		t.Errorf("the popup's version note: %q", note)
	}

	// The next browser start runs B throughout.
	e.closeBrowser()
	e.launch()
	if v := e.workerVersion(); v != "0.9.1" {
		t.Errorf("after a restart the extension says %q", v)
	}
	if d := daemonVersions(t, e.runtimeDir); !slices.Equal(d, []string{"0.9.1"}) {
		t.Errorf("after a restart the daemons run versions %v", d)
	}
	if note := e.popupVersions(); note != "" {
		t.Errorf("after a restart the popup still says: %q", note)
	}
}

// The release archive for this platform, built once (version 0.9.0) and
// unpacked; removed by TestMain.
var (
	archiveOnce sync.Once
	archiveDir  string
	archiveErr  error
)

func releaseArchive(t *testing.T) string {
	t.Helper()
	archiveOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			archiveErr = err
			return
		}
		dir, err := scratchDir()
		if err != nil {
			archiveErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		goCmd, err := release.GoCommand()
		if err != nil {
			archiveErr = err
			return
		}
		// The release command, as a person runs it (and not in this test
		// binary, whose -race would make compressing slow).
		platform := runtime.GOOS + "_" + runtime.GOARCH
		cmd := exec.CommandContext(ctx, goCmd, "run", "./installer/release", "--version", "0.9.0", "--commit", "e2e",
			"--target", runtime.GOOS+"/"+runtime.GOARCH, "--out", filepath.Join(dir, "dist"))
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			archiveErr = fmt.Errorf("go run ./installer/release: %w\n%s", err, out)
			return
		}
		archiveDir = filepath.Join(dir, "unpacked")
		archiveErr = untarGz(filepath.Join(dir, "dist", "tabtap_"+platform+".tar.gz"), archiveDir)
		archiveDir = filepath.Join(archiveDir, "tabtap_"+platform)
	})
	if archiveErr != nil {
		t.Fatalf("the release archive: %v", archiveErr)
	}
	return archiveDir
}

// untarGz unpacks a tar.gz into dir, as tar xzf does.
func untarGz(path, dir string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(h.Name))
		if h.Typeflag == tar.TypeDir {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			continue
		}
		data, err := io.ReadAll(tr)
		if err == nil {
			err = os.WriteFile(target, data, fs.FileMode(h.Mode).Perm())
		}
		if err != nil {
			return err
		}
	}
}

// tabtap runs a tabtap binary as a person without Go would: home as the
// home folder, PATH without a go command, nothing else in the
// environment. It returns the output, and fails the test on an error.
func tabtap(t *testing.T, home, binary string, args ...string) string {
	t.Helper()
	for _, dir := range filepath.SplitList(noGoPath) {
		if _, err := os.Stat(filepath.Join(dir, "go")); err == nil {
			t.Fatalf("%s holds a go command: the test needs a PATH without one", dir)
		}
	}
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"HOME=" + home, "PATH=" + noGoPath}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", binary, strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// cursorServer is the command and arguments Cursor's configuration gives
// tabtap.
func cursorServer(t *testing.T, home string) (string, []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(home, ".cursor", "mcp.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		MCPServers map[string]struct {
			Command string   `json:"command"`
			Args    []string `json:"args"`
		} `json:"mcpServers"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("Cursor's mcp.json: %v\n%s", err, data)
	}
	s := cfg.MCPServers["tabtap"]
	return s.Command, s.Args
}

// manifestVersion is the version in the extension folder's manifest.
func manifestVersion(t *testing.T, dir string) string {
	t.Helper()
	v, err := nativehost.ExtensionVersion(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// daemonVersions are the versions of the daemons registered in dir.
func daemonVersions(t *testing.T, dir string) []string {
	t.Helper()
	regs, err := mcplink.Discover(dir)
	if err != nil {
		t.Fatal(err)
	}
	var v []string
	for _, r := range regs {
		v = append(v, r.Version)
	}
	return v
}

// workerVersion is the version of the extension the browser runs, as its
// service worker reads it.
func (e *env) workerVersion() string {
	e.t.Helper()
	var v string
	waitFor(e.t, "the extension's service worker", func() bool {
		for _, tg := range e.targets() {
			if tg.Type == "service_worker" && strings.Contains(tg.URL, nativehost.ExtensionID) {
				return json.Unmarshal(e.evaluateValue(tg.WebSocketDebuggerURL, `chrome.runtime.getManifest().version`), &v) == nil && v != ""
			}
		}
		return false
	})
	return v
}

// popupVersions opens the popup and returns its note on the versions of
// the extension and the host ("" when it shows none), once it has heard
// from the host.
func (e *env) popupVersions() string {
	e.t.Helper()
	e.devtoolsGet("/json/new?chrome-extension://" + nativehost.ExtensionID + "/popup.html")
	id, popup := e.target("popup.html")
	defer e.devtoolsGet("/json/close/" + id)
	var note string
	waitFor(e.t, "the popup to hear from the host", func() bool {
		var state struct {
			Connected bool
			Note      string
		}
		raw := e.evaluateValue(popup, `({connected: /^(Connected|Versions)/.test(document.querySelector('#conn').textContent),
			note: document.querySelector('#versions').hidden ? '' : document.querySelector('#versions-text').textContent})`)
		if json.Unmarshal(raw, &state) != nil || !state.Connected {
			return false
		}
		note = state.Note
		return true
	})
	return note
}

// treeOf describes every file and folder under dir: its type, mode and,
// for a file, its content's checksum.
func treeOf(t *testing.T, dir string) map[string]string {
	t.Helper()
	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		desc := fi.Mode().String()
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			desc += " " + hex.EncodeToString(sum[:8])
		}
		tree[filepath.ToSlash(rel)] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// diffTrees lists what differs between two trees, one line each.
func diffTrees(before, after map[string]string) string {
	var lines []string
	for p, d := range after {
		if b, ok := before[p]; !ok {
			lines = append(lines, "added   "+p+" "+d)
		} else if b != d {
			lines = append(lines, "changed "+p+" "+b+" → "+d)
		}
	}
	for p, d := range before {
		if _, ok := after[p]; !ok {
			lines = append(lines, "removed "+p+" "+d)
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
