package install

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	"github.com/tailscale/hujson"

	"github.com/tabtap/tabtap/host/install/clients"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

// fakeEnv is a Linux user whose home is a fresh temporary folder, with no
// environment but a runtime directory of its own and nothing on PATH: no
// browser and no client is found unless the test creates it.
func fakeEnv(t *testing.T) nativehost.Env {
	t.Helper()
	rt := t.TempDir()
	// A daemon makes its runtime directory private; tabtap trusts no other.
	if err := os.Chmod(rt, 0o700); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"TABTAP_RUNTIME_DIR": rt}
	return nativehost.Env{
		OS:       "linux",
		Home:     t.TempDir(),
		Getenv:   func(k string) string { return vars[k] },
		LookPath: func(string) (string, error) { return "", errors.New("not found") },
	}
}

// installerFront is the installer run from a checkout, installing a
// stand-in binary instead of building one.
func installerFront(t *testing.T) Front {
	bin := filepath.Join(t.TempDir(), "tabtap")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return Front{
		Command:   func(string) string { return "go run ./installer" },
		ModeFlags: true,
		Binary: func(context.Context, io.Writer) (string, string, func(), error) {
			return bin, "", func() {}, nil
		},
	}
}

// binaryFront is the tabtap binary (version 0.9.1) installing itself.
func binaryFront(t *testing.T) Front {
	bin := filepath.Join(t.TempDir(), "tabtap")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return Front{
		Command: func(installed string) string {
			if installed == "" {
				return "tabtap"
			}
			return installed
		},
		Binary: func(context.Context, io.Writer) (string, string, func(), error) {
			return bin, "0.9.1", func() {}, nil
		},
		Version: "0.9.1",
	}
}

func TestFlags(t *testing.T) {
	cfg, err := parseFlags(installerFront(t), Install, nativehost.Env{}, []string{"--browser", "Chrome", "--browser=edge", "--user-data-dir", "/tmp/p", "--bin-dir", "/tmp/b",
		"--extension-id", "abcdefghijklmnopabcdefghijklmnop", "--client", "cursor", "--client=all", "--check"})
	if err != nil {
		t.Fatal(err)
	}
	o := cfg.opts.Host
	if strings.Join(o.Browsers, ",") != "Chrome,edge" || strings.Join(o.UserDataDirs, ",") != "/tmp/p" || o.BinDir != "/tmp/b" ||
		len(o.ExtensionIDs) != 1 || cfg.mode != Check || strings.Join(cfg.opts.Clients, ",") != "cursor,all" {
		t.Errorf("config = %+v", cfg)
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string // expected in stdout (code 0) or stderr
	}{
		{[]string{"-h"}, exitOK, "Usage: go run ./installer"},
		{[]string{"--help"}, exitOK, "--client NAME"},
		{[]string{"--nope"}, exitBadFlags, "flag provided but not defined"},
		{[]string{"--browser", "firefox"}, exitBadFlags, "unknown browser \"firefox\": use one of chrome, chromium, edge, brave, vivaldi"},
		{[]string{"--client", "zed"}, exitBadFlags, "unknown client \"zed\": use one of claude-desktop, claude-code, cursor, vscode, windsurf, gemini, codex, or all"},
		{[]string{"--extension-id", "x"}, exitBadFlags, "extension ID \"x\" is not valid"},
		{[]string{"--check", "--uninstall"}, exitBadFlags, "separately"},
		{[]string{"--check", "--pack-extension", "x.zip"}, exitBadFlags, "separately"},
		{[]string{"--pack-extension", "x.crx"}, exitBadFlags, "ending in .zip"},
		{[]string{"extra"}, exitBadFlags, "unexpected argument"},
		{[]string{"--user-data-dir="}, exitBadFlags, "needs a directory"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), installerFront(t), Install, fakeEnv(t), tt.args, &stdout, &stderr)
		got := stdout.String()
		if code != exitOK {
			got = stderr.String()
		}
		if code != tt.code || !strings.Contains(got, tt.out) {
			t.Errorf("%q: exit %d, want %d; output lacks %q:\n%s", tt.args, code, tt.code, tt.out, got)
		}
	}
}

// --check against an empty profile reports the missing manifest, one line
// with its fix, and exits 1.
func TestCheckExitCode(t *testing.T) {
	var stdout, stderr bytes.Buffer
	profile := t.TempDir()
	code := Run(context.Background(), installerFront(t), Install, fakeEnv(t), []string{"--check", "--user-data-dir", profile, "--bin-dir", t.TempDir()}, &stdout, &stderr)
	want := "problem: manifest missing: " + filepath.Join(profile, "NativeMessagingHosts", "dev.tabtap.host.json") + " — fix: go run ./installer --user-data-dir " + profile
	if code != exitError || !strings.Contains(stdout.String(), want) {
		t.Errorf("exit %d, want a line with %q:\n%s%s", code, want, stdout.String(), stderr.String())
	}
}

// --pack-extension writes the store zip of the checkout's extension.
func TestPackExtensionFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), "tabtap.zip")
	if code := Run(context.Background(), installerFront(t), Install, fakeEnv(t), []string{"--pack-extension", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(out); err != nil || !strings.Contains(stdout.String(), "wrote "+out) || !strings.Contains(stdout.String(), "--extension-id ID") {
		t.Errorf("%v\n%s", err, stdout.String())
	}
}

func TestNextSteps(t *testing.T) {
	bin := "/home/u/Library/Application Support/tabtap/bin/tabtap"
	res := &nativehost.Result{BinaryPath: bin, ExtensionDir: "/home/u/ext", NoBrowserFound: true}
	cursor, _ := clients.Lookup("cursor")
	codex, _ := clients.Lookup("codex")
	gemini, _ := clients.Lookup("gemini")
	vscode, _ := clients.Lookup("vscode")
	tests := []struct {
		name string
		out  clientOutcome
		want []string
	}{
		{"nothing found", clientOutcome{}, []string{
			"No browser found", "--user-data-dir DIR", "Load unpacked → /home/u/ext", "neifaegcdjegkdnloapedeohonbfdkcc",
			"No client the installer knows was found", "go run ./installer --client NAME writes it",
			"give it the command '" + bin + "' with the argument mcp", "go run ./installer --check",
		}},
		{"found, not asked", clientOutcome{notAsked: []clients.Client{cursor, codex}}, []string{
			"Found: Cursor, Codex CLI. Write it into them with:", "go run ./installer --client all",
			"or name them: go run ./installer --client cursor --client codex",
		}},
		{"asked", clientOutcome{
			asked: true,
			changes: []clients.Change{
				{Client: cursor, Path: "/home/u/.cursor/mcp.json", Action: clients.Added},
				{Client: codex, Path: "/home/u/.codex/config.toml", Action: clients.Unchanged},
			},
			failed:   []clientFailure{{gemini, errors.New("cannot read /home/u/.gemini/settings.json as JSON")}},
			notAsked: []clients.Client{vscode},
		}, []string{
			"written:   Cursor (/home/u/.cursor/mcp.json)", "unchanged: Codex CLI (/home/u/.codex/config.toml)",
			"failed:    Gemini CLI: cannot read /home/u/.gemini/settings.json as JSON", "Restart the clients written",
			"Found, not asked: VS Code. Add them with:", "go run ./installer --client vscode",
		}},
		{"already configured", clientOutcome{already: []clients.Client{cursor, codex}, notAsked: []clients.Client{vscode}}, []string{
			"2. MCP clients:", "already starting tabtap: Cursor, Codex CLI", "Found, not asked: VS Code. Add them with:",
		}},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		printNextSteps(&out, nativehost.Env{OS: "linux"}, installerFront(t), res, tt.out, "go run ./installer --check")
		for _, want := range tt.want {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: next steps lack %q:\n%s", tt.name, want, out.String())
			}
		}
	}
}

// A real install into a home holding Cursor, Codex and VS Code
// configurations, each with a server of its own: --client all writes all
// three, --check finds them right, --uninstall gives each file back byte
// for byte.
func TestInstallClients(t *testing.T) {
	env := fakeEnv(t)
	front := installerFront(t)
	cursorBefore := "{\n  \"mcpServers\": {\n    \"github\": {\n      \"command\": \"npx\",\n      \"args\": [\"-y\", \"@modelcontextprotocol/server-github\"]\n    }\n  }\n}\n"
	codexBefore := "model = \"o3\"\n\n# servers\n[mcp_servers.docs]\ncommand = \"npx\"\nargs = [\"-y\", \"docs-mcp\"]\n\n[profiles.fast]\nmodel = \"o4-mini\"\n"
	vscodeBefore := "{\n\t// Servers for Copilot's agent mode.\n\t\"servers\": {\n\t\t\"memory\": {\n\t\t\t\"type\": \"stdio\",\n\t\t\t\"command\": \"npx\",\n" +
		"\t\t\t\"args\": [\"-y\", \"@modelcontextprotocol/server-memory\"], // keeps notes\n\t\t},\n\t},\n\t\"inputs\": [],\n}\n"
	files := map[string]struct {
		rel, before, other string
	}{
		"cursor": {".cursor/mcp.json", cursorBefore, "github"},
		"codex":  {".codex/config.toml", codexBefore, "docs"},
		"vscode": {".config/Code/User/mcp.json", vscodeBefore, "memory"},
	}
	for _, f := range files {
		path := filepath.Join(env.Home, filepath.FromSlash(f.rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(f.before), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	binDir := t.TempDir()
	args := []string{"--client", "all", "--user-data-dir", t.TempDir(), "--bin-dir", binDir}
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), front, Install, env, args, &stdout, &stderr); code != exitOK {
		t.Fatalf("install: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	bin := filepath.Join(binDir, "tabtap")
	for name, f := range files {
		c, _ := clients.Lookup(name)
		path := filepath.Join(env.Home, filepath.FromSlash(f.rel))
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		servers := decodeServers(t, c, data)
		if _, ok := servers[f.other]; !ok {
			t.Errorf("%s lost the server %q:\n%s", name, f.other, data)
		}
		entry, _ := servers["tabtap"].(map[string]any)
		if entry["command"] != bin || !filepath.IsAbs(bin) || !slices.Equal(entry["args"].([]any), []any{"mcp"}) {
			t.Errorf("%s: tabtap entry %v, want %s mcp", name, entry, bin)
		}
		matches, _ := filepath.Glob(path + ".tabtap-backup-*")
		if len(matches) != 1 {
			t.Errorf("%s: backups %v", name, matches)
		} else if b, _ := os.ReadFile(matches[0]); string(b) != f.before {
			t.Errorf("%s: the backup does not hold the previous content", name)
		}
		if !strings.Contains(stdout.String(), "written:   "+c.Title+" ("+path+")") {
			t.Errorf("next steps do not list %s as written:\n%s", c.Title, stdout.String())
		}
	}

	stdout.Reset()
	if code := Run(context.Background(), front, Install, env, append([]string{"--check"}, args...), &stdout, &stderr); code != exitOK {
		t.Errorf("check: exit %d\n%s", code, stdout.String())
	}
	for _, want := range []string{"Cursor: ok", "VS Code: ok", "Codex CLI: ok", "No problem found."} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, stdout.String())
		}
	}

	stdout.Reset()
	if code := Run(context.Background(), front, Install, env, []string{"--uninstall", "--user-data-dir", args[3], "--bin-dir", binDir}, &stdout, &stderr); code != exitOK {
		t.Fatalf("uninstall: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	for name, f := range files {
		data, _ := os.ReadFile(filepath.Join(env.Home, filepath.FromSlash(f.rel)))
		if string(data) != f.before {
			t.Errorf("%s after uninstall:\n%s\nwant:\n%s", name, data, f.before)
		}
	}
	if _, err := os.Stat(bin); err == nil {
		t.Error("the binary is still there")
	}
}

// decodeServers parses a client's file in its own format and returns its
// server list.
func decodeServers(t *testing.T, c clients.Client, data []byte) map[string]any {
	t.Helper()
	m := map[string]any{}
	if c.TOML {
		if err := toml.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s is not TOML: %v", c.Name, err)
		}
	} else {
		std, err := hujson.Standardize(data)
		if err == nil {
			err = json.Unmarshal(std, &m)
		}
		if err != nil {
			t.Fatalf("%s is not JSON: %v", c.Name, err)
		}
	}
	servers, _ := m[c.Container].(map[string]any)
	return servers
}

// The tabtap binary's own install, doctor and uninstall: the messages
// quote the installed binary, the check prints the version first, and
// the flags of the installer's modes are not the binary's.
func TestBinaryFront(t *testing.T) {
	env := fakeEnv(t)
	front := binaryFront(t)
	profile, binDir := t.TempDir(), t.TempDir()
	bin := filepath.Join(binDir, "tabtap")
	args := []string{"--user-data-dir", profile, "--bin-dir", binDir}
	ctx := context.Background()
	var stdout, stderr bytes.Buffer
	if code := Run(ctx, front, Install, env, args, &stdout, &stderr); code != exitOK {
		t.Fatalf("install: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{
		"installed the host: " + bin, "with one installed, " + bin + " install --client NAME writes it",
		"Check the setup at any time: " + bin + " doctor --user-data-dir " + profile + " --bin-dir " + binDir,
		"To run tabtap by its name, add " + binDir + " to your PATH.",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("install output lacks %q:\n%s", want, stdout.String())
		}
	}
	manifest, _ := os.ReadFile(filepath.Join(binDir, "tabtap-extension", "manifest.json"))
	if !strings.Contains(string(manifest), `"version": "0.9.1"`) {
		t.Errorf("the extension's manifest does not say the binary's version:\n%s", manifest)
	}

	stdout.Reset()
	if code := Run(ctx, front, Check, env, args, &stdout, &stderr); code != exitOK || !strings.HasPrefix(stdout.String(), "tabtap 0.9.1\n") {
		t.Errorf("doctor: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	if code := Run(ctx, front, Uninstall, env, args, &stdout, &stderr); code != exitOK {
		t.Errorf("uninstall: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	assertEmpty(t, binDir)
	assertEmpty(t, profile)

	for _, tt := range []struct {
		mode Mode
		args []string
		code int
		out  string
	}{
		{Install, []string{"-h"}, exitOK, "Usage: tabtap install [flags]"},
		{Check, []string{"-h"}, exitOK, "Usage: tabtap doctor [flags]"},
		{Uninstall, []string{"--help"}, exitOK, "Usage: tabtap uninstall [flags]"},
		{Install, []string{"--check"}, exitBadFlags, "tabtap install: flag provided but not defined: -check\nRun tabtap install -h for help."},
		{Check, []string{"--client", "zed"}, exitBadFlags, `tabtap doctor: unknown client "zed"`},
		{Uninstall, []string{"extra"}, exitBadFlags, `unexpected argument "extra"`},
	} {
		stdout.Reset()
		stderr.Reset()
		code := Run(ctx, front, tt.mode, fakeEnv(t), tt.args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stdout.String()+stderr.String(), tt.out) {
			t.Errorf("%d %q: exit %d, want %d with %q:\n%s%s", tt.mode, tt.args, code, tt.code, tt.out, stdout.String(), stderr.String())
		}
	}
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) > 0 {
		t.Errorf("%s holds %v (%v)", dir, entries, err)
	}
}
