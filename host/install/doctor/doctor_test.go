package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/tabtap/tabtap/host/install/clients"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

// fakeServerVar makes the test binary, started as `tabtap mcp`, an MCP
// server whose list_tabs answers two tabs ("tabs"), those and a browser
// that did not answer ("partial"), or an error ("error").
const fakeServerVar = "TABTAP_DOCTOR_FAKE_SERVER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeServerVar); mode != "" && len(os.Args) > 1 && os.Args[len(os.Args)-1] == "mcp" {
		s := server.NewMCPServer("fake tabtap", "1")
		s.AddTool(mcp.NewTool("list_tabs"), func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			if mode == "error" {
				return mcp.NewToolResultError("no browser is connected: start Chrome with the tabtap extension"), nil
			}
			tabs := map[string]any{"tabs": []map[string]any{{"tabId": 1, "browser": "Fake 1 (ab12)"}, {"tabId": 2, "browser": "Fake 1 (ab12)"}}}
			if mode == "partial" {
				tabs["unlisted"] = 3
				tabs["unreachable"] = []string{"Fake 2 (cd34): no answer within 5 s"}
			}
			return mcp.NewToolResultStructured(tabs, "2 tabs"), nil
		})
		if err := server.ServeStdio(s); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// setup is a Linux user with a profile registered for an installed host
// binary (this test binary, so that it can play `tabtap mcp`) and a daemon
// registration in its runtime directory.
func setup(t *testing.T, daemon bool) (Options, string) {
	t.Helper()
	runtimeDir := t.TempDir()
	// A daemon makes its runtime directory private; tabtap trusts no other.
	if err := os.Chmod(runtimeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	env := nativehost.Env{
		OS: "linux", Home: home,
		Getenv:   func(k string) string { return map[string]string{"TABTAP_RUNTIME_DIR": runtimeDir}[k] },
		LookPath: func(string) (string, error) { return "", errors.New("not found") },
	}
	binDir, profile := t.TempDir(), t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(binDir, "tabtap")
	if err := os.Symlink(exe, bin); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(binDir, "tabtap-extension"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := nativehost.RegisterUserDataDir(profile, bin); err != nil {
		t.Fatal(err)
	}
	if daemon {
		reg, _ := json.Marshal(map[string]any{"tag": "ab12", "socket": filepath.Join(runtimeDir, "ab12.sock"), "token": "t", "pid": 1,
			"browser": "Fake 1 (ab12)", "startedAt": time.Now()})
		if err := os.WriteFile(filepath.Join(runtimeDir, "ab12.json"), reg, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return Options{Host: nativehost.Options{UserDataDirs: []string{profile}, BinDir: binDir, Env: env, InstallCommand: "go run ./installer"}}, bin
}

func writeConfig(t *testing.T, env nativehost.Env, name, content string) string {
	t.Helper()
	c, _ := clients.Lookup(name)
	path, err := c.ConfigPath(env)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func check(t *testing.T, opts Options) (*Report, string) {
	t.Helper()
	r, err := Check(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := r.Print(&out); err != nil {
		t.Fatal(err)
	}
	return r, out.String()
}

// Each client's state is one line; each problem one line with the command
// that fixes it.
func TestClients(t *testing.T) {
	opts, bin := setup(t, false)
	env := opts.Host.Env
	writeConfig(t, env, "cursor", `{"mcpServers": {"tabtap": {"command": "`+bin+`", "args": ["mcp"]}}}`)
	vscode := writeConfig(t, env, "vscode", `{"servers": {"tabtap": {"type": "stdio", "command": "/old/tabtap", "args": ["mcp"]}}}`)
	gemini := writeConfig(t, env, "gemini", `{"mcpServers": {`)
	codex := writeConfig(t, env, "codex", "model = \"o3\"\n")
	opts.Clients = []string{"codex"}
	r, out := check(t, opts)
	binDir := filepath.Dir(bin)
	for _, want := range []string{
		"Cursor: ok, " + filepath.Join(env.Home, ".cursor", "mcp.json") + " starts " + bin + " mcp",
		"VS Code: 1 problem (" + vscode + ")",
		"    problem: " + vscode + ": its tabtap entry starts /old/tabtap, not the installed binary " + bin + " — fix: go run ./installer --client vscode --bin-dir " + binDir,
		"Gemini CLI: 1 problem (" + gemini + ")",
		"    problem: cannot read " + gemini + " as JSON",
		"— fix: correct " + gemini + " (the client cannot read it either), then run go run ./installer --client gemini --bin-dir " + binDir,
		"Codex CLI: 1 problem (" + codex + ")",
		"    problem: tabtap is not in " + codex + " — fix: go run ./installer --client codex --bin-dir " + binDir,
		"3 problems found.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if r.OK() || r.ProblemCount() != 3 || r.Unconfigured != "" {
		t.Errorf("OK %v, %d problems, note %q", r.OK(), r.ProblemCount(), r.Unconfigured)
	}
}

// With no client configured the report says how to add one, without
// counting it as a problem.
func TestNoClientConfigured(t *testing.T) {
	opts, bin := setup(t, false)
	r, out := check(t, opts)
	if !r.OK() || !strings.Contains(out, "none found") || !strings.Contains(out, "note: no MCP client the installer knows starts tabtap; add it: go run ./installer --client all") ||
		!strings.Contains(out, "give your client the command "+bin+" mcp") || !strings.Contains(out, "No problem found.") {
		t.Errorf("OK %v:\n%s", r.OK(), out)
	}
}

// With a daemon registered, the check calls list_tabs through the
// installed binary's `tabtap mcp`, and reports what it answered.
func TestProbe(t *testing.T) {
	t.Setenv(fakeServerVar, "tabs")
	opts, _ := setup(t, true)
	r, out := check(t, opts)
	if r.Probe == nil || r.Probe.Err != nil || r.Probe.Tabs["Fake 1 (ab12)"] != 2 || !r.OK() {
		t.Fatalf("probe %+v\n%s", r.Probe, out)
	}
	if !strings.Contains(out, "  list_tabs through tabtap mcp: 2 tabs (Fake 1 (ab12): 2), answered in ") {
		t.Errorf("report:\n%s", out)
	}

	t.Setenv(fakeServerVar, "error")
	r, out = check(t, opts)
	if r.OK() || !strings.Contains(out, "  problem: list_tabs through tabtap mcp failed: no browser is connected: start Chrome with the tabtap extension — fix: reload the tabtap extension at chrome://extensions") {
		t.Errorf("report:\n%s", out)
	}

	t.Setenv(fakeServerVar, "partial")
	r, out = check(t, opts)
	if r.ProblemCount() != 1 || !strings.Contains(out, "list_tabs through tabtap mcp: 5 tabs (3 not listed, Fake 1 (ab12): 2)") ||
		!strings.Contains(out, "  problem: a registered browser did not answer list_tabs: Fake 2 (cd34): no answer within 5 s — fix: reload the tabtap extension in that browser") {
		t.Errorf("report:\n%s", out)
	}

	opts.NoProbe = true
	if r, _ := check(t, opts); r.Probe != nil {
		t.Error("NoProbe made a call")
	}
}

// The broken install of the issue: the binary is gone. The browser's
// registration and every client pointing at it say so, and the call is
// not tried.
func TestBinaryRemoved(t *testing.T) {
	t.Setenv(fakeServerVar, "tabs")
	opts, bin := setup(t, true)
	cursor := writeConfig(t, opts.Host.Env, "cursor", `{"mcpServers": {"tabtap": {"command": "`+bin+`", "args": ["mcp"]}}}`)
	if err := os.Remove(bin); err != nil {
		t.Fatal(err)
	}
	r, out := check(t, opts)
	for _, want := range []string{
		"host binary     " + bin + " (not found)",
		"problem: host binary missing: " + bin,
		"list_tabs through tabtap mcp: not tried, the host binary is missing",
		"problem: " + cursor + ": its tabtap entry starts " + bin + ", which does not exist — fix: go run ./installer --client cursor",
		"2 problems found.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if r.Probe != nil || r.OK() {
		t.Errorf("probe %+v, OK %v", r.Probe, r.OK())
	}
}
