package clients

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/tabtap/tabtap/host/install/nativehost"
)

// testEnv describes a user of system goos whose home is a fresh temporary
// directory, with the environment vars and nothing on PATH but onPath.
func testEnv(t *testing.T, goos string, vars map[string]string, onPath ...string) nativehost.Env {
	t.Helper()
	home := t.TempDir()
	return nativehost.Env{
		OS:   goos,
		Home: home,
		Getenv: func(k string) string {
			v := vars[k]
			if len(v) > 5 && v[:5] == "HOME/" {
				return filepath.Join(home, v[5:])
			}
			return v
		},
		LookPath: func(file string) (string, error) {
			for _, p := range onPath {
				if p == file {
					return "/usr/bin/" + file, nil
				}
			}
			return "", errors.New("not found")
		},
	}
}

// Every client's file is where that client documents its user-level MCP
// configuration, on each system.
func TestConfigPathsPerOS(t *testing.T) {
	tests := []struct {
		goos string
		vars map[string]string
		want map[string]string // client → path relative to home
	}{
		{"linux", nil, map[string]string{
			"claude-desktop": ".config/Claude/claude_desktop_config.json",
			"claude-code":    ".claude.json",
			"cursor":         ".cursor/mcp.json",
			"vscode":         ".config/Code/User/mcp.json",
			"windsurf":       ".codeium/windsurf/mcp_config.json",
			"gemini":         ".gemini/settings.json",
			"codex":          ".codex/config.toml",
		}},
		{"linux", map[string]string{"XDG_CONFIG_HOME": "HOME/xdg", "CLAUDE_CONFIG_DIR": "HOME/cc", "CODEX_HOME": "HOME/cx"}, map[string]string{
			"claude-desktop": "xdg/Claude/claude_desktop_config.json",
			"claude-code":    "cc/.claude.json",
			"cursor":         ".cursor/mcp.json",
			"vscode":         "xdg/Code/User/mcp.json",
			"codex":          "cx/config.toml",
		}},
		{"darwin", nil, map[string]string{
			"claude-desktop": "Library/Application Support/Claude/claude_desktop_config.json",
			"claude-code":    ".claude.json",
			"cursor":         ".cursor/mcp.json",
			"vscode":         "Library/Application Support/Code/User/mcp.json",
			"windsurf":       ".codeium/windsurf/mcp_config.json",
			"gemini":         ".gemini/settings.json",
			"codex":          ".codex/config.toml",
		}},
		{"windows", nil, map[string]string{
			"claude-desktop": "AppData/Roaming/Claude/claude_desktop_config.json",
			"claude-code":    ".claude.json",
			"cursor":         ".cursor/mcp.json",
			"vscode":         "AppData/Roaming/Code/User/mcp.json",
			"windsurf":       ".codeium/windsurf/mcp_config.json",
			"gemini":         ".gemini/settings.json",
			"codex":          ".codex/config.toml",
		}},
		{"windows", map[string]string{"APPDATA": "HOME/roam"}, map[string]string{
			"claude-desktop": "roam/Claude/claude_desktop_config.json",
			"vscode":         "roam/Code/User/mcp.json",
		}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.goos, tt.vars), func(t *testing.T) {
			env := testEnv(t, tt.goos, tt.vars)
			for name, rel := range tt.want {
				c, ok := Lookup(name)
				if !ok {
					t.Fatalf("no client %s", name)
				}
				got, err := c.ConfigPath(env)
				if want := filepath.Join(env.Home, filepath.FromSlash(rel)); err != nil || got != want {
					t.Errorf("%s: %s, %v; want %s", name, got, err, want)
				}
			}
		})
	}
}

func TestFormats(t *testing.T) {
	want := map[string]string{ // client → container, type, format
		"claude-desktop": "mcpServers  JSON", "claude-code": "mcpServers stdio JSON", "cursor": "mcpServers  JSON",
		"vscode": "servers stdio JSON", "windsurf": "mcpServers  JSON", "gemini": "mcpServers  JSON", "codex": "mcp_servers  TOML",
	}
	for _, c := range All() {
		if got := c.Container + " " + c.Type + " " + c.format(); got != want[c.Name] {
			t.Errorf("%s: %q, want %q", c.Name, got, want[c.Name])
		}
	}
	if len(All()) != len(want) {
		t.Errorf("%d clients, want %d", len(All()), len(want))
	}
}

func TestLookup(t *testing.T) {
	for name, want := range map[string]string{"Cursor": "cursor", " code ": "vscode", "gemini-cli": "gemini", "codex-cli": "codex", "claude-code": "claude-code"} {
		if c, ok := Lookup(name); !ok || c.Name != want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", name, c.Name, ok, want)
		}
	}
	for _, name := range []string{"claude", "zed", ""} {
		if _, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) found a client", name)
		}
	}
}

// A client is found by its settings folder, its command on PATH, or its
// macOS application; nothing else.
func TestFound(t *testing.T) {
	env := testEnv(t, "linux", nil, "claude", "codex")
	if err := os.MkdirAll(filepath.Join(env.Home, ".cursor"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(env.Home, ".config", "Code", "User"), 0o755); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range Found(env) {
		got = append(got, c.Name)
	}
	if fmt.Sprint(got) != "[claude-code cursor vscode codex]" {
		t.Errorf("found %v", got)
	}
	if len(Found(testEnv(t, "linux", nil))) != 0 {
		t.Error("an empty home has clients")
	}
	mac := testEnv(t, "darwin", nil)
	if err := os.MkdirAll(filepath.Join(mac.Home, "Applications", "Claude.app"), 0o755); err != nil {
		t.Fatal(err)
	}
	if f := Found(mac); len(f) != 1 || f[0].Name != "claude-desktop" {
		t.Errorf("macOS with ~/Applications/Claude.app: found %v", f)
	}
}
