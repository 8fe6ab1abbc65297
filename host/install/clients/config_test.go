package clients

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/tailscale/hujson"

	"github.com/tabtap/tabtap/host/install/nativehost"
)

const bin = "/opt/tab tap/bin/tabtap"

func lookup(t *testing.T, name string) Client {
	t.Helper()
	c, ok := Lookup(name)
	if !ok {
		t.Fatalf("no client %s", name)
	}
	return c
}

// place writes content (nil: no file) at c's path in env and returns the
// path.
func place(t *testing.T, env nativehost.Env, c Client, content []byte) string {
	t.Helper()
	path, err := c.ConfigPath(env)
	if err != nil {
		t.Fatal(err)
	}
	if content != nil {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, content, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// decodeFile parses a client's file in its own format, with the libraries
// clients use, and returns it as plain values.
func decodeFile(t *testing.T, c Client, data string) map[string]any {
	t.Helper()
	m := map[string]any{}
	if c.TOML {
		if err := toml.Unmarshal([]byte(data), &m); err != nil {
			t.Fatalf("not TOML: %v\n%s", err, data)
		}
		return m
	}
	std, err := hujson.Standardize([]byte(strings.TrimPrefix(data, "\xEF\xBB\xBF")))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	if err := json.Unmarshal(std, &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	return m
}

func backupsOf(t *testing.T, path string) []string {
	t.Helper()
	return backups(path)
}

var vscodeBefore = `{
	// Servers for Copilot's agent mode.
	"servers": {
		"memory": {
			"type": "stdio",
			"command": "npx",
			"args": ["-y", "@modelcontextprotocol/server-memory"], // keeps notes
		},
		// "playwright": {"command": "npx", "args": ["@playwright/mcp"]},
	},
	"inputs": [],
}
`

var vscodeAfter = `{
	// Servers for Copilot's agent mode.
	"servers": {
		"memory": {
			"type": "stdio",
			"command": "npx",
			"args": ["-y", "@modelcontextprotocol/server-memory"], // keeps notes
		},
		"tabtap": {
			"type": "stdio",
			"command": "/opt/tab tap/bin/tabtap",
			"args": ["mcp"]
		},
		// "playwright": {"command": "npx", "args": ["@playwright/mcp"]},
	},
	"inputs": [],
}
`

var codexBefore = `model = "o3"

# servers
[mcp_servers.docs]
command = "npx"
args = ["-y", "docs-mcp"]

[profiles.fast]
model = "o4-mini"
`

var codexAfter = `model = "o3"

# servers
[mcp_servers.docs]
command = "npx"
args = ["-y", "docs-mcp"]

[mcp_servers.tabtap]
command = '/opt/tab tap/bin/tabtap'
args = ['mcp']

[profiles.fast]
model = "o4-mini"
`

// Configure merges the entry into each kind of file, laid out like the
// rest; a second run changes nothing; Remove gives back the file byte for
// byte.
func TestConfigureAndRemove(t *testing.T) {
	tests := []struct {
		name   string
		client string
		before *string // nil: no file
		after  string  // "" when only the invariants are checked
	}{
		{"vscode with comments and trailing commas", "vscode", &vscodeBefore, vscodeAfter},
		{"codex", "codex", &codexBefore, codexAfter},
		{"no file", "cursor", nil, "{\n  \"mcpServers\": {\n    \"tabtap\": {\n      \"command\": \"/opt/tab tap/bin/tabtap\",\n      \"args\": [\"mcp\"]\n    }\n  }\n}\n"},
		{"no codex file", "codex", nil, "[mcp_servers.tabtap]\ncommand = '/opt/tab tap/bin/tabtap'\nargs = ['mcp']\n"},
		{"empty file", "gemini", ptr(""), ""},
		{"empty object", "windsurf", ptr("{}"), "{\n  \"mcpServers\": {\n    \"tabtap\": {\n      \"command\": \"/opt/tab tap/bin/tabtap\",\n      \"args\": [\"mcp\"]\n    }\n  }\n}"},
		{"one line", "claude-desktop", ptr(`{"mcpServers":{"a":{"command":"x"}}}`),
			`{"mcpServers":{"a":{"command":"x"}, "tabtap": {"command": "/opt/tab tap/bin/tabtap", "args": ["mcp"]}}}`},
		{"other settings, no servers", "gemini", ptr("{\n    \"theme\": \"Dracula\"\n}\n"),
			"{\n    \"theme\": \"Dracula\",\n    \"mcpServers\": {\n        \"tabtap\": {\n            \"command\": \"/opt/tab tap/bin/tabtap\",\n            \"args\": [\"mcp\"]\n        }\n    }\n}\n"},
		{"claude code", "claude-code", ptr(`{"numStartups": 3, "projects": {}, "mcpServers": {"x": {"type": "stdio", "command": "y", "args": [], "env": {}}}}`),
			`{"numStartups": 3, "projects": {}, "mcpServers": {"x": {"type": "stdio", "command": "y", "args": [], "env": {}}, "tabtap": {"type": "stdio", "command": "/opt/tab tap/bin/tabtap", "args": ["mcp"], "env": {}}}}`},
		{"trailing comment on the last server", "cursor", ptr("{\n  \"mcpServers\": {\n    \"a\": {} // about a\n    // \"b\": {}\n  }\n}\n"),
			"{\n  \"mcpServers\": {\n    \"a\": {}, // about a\n    \"tabtap\": {\n      \"command\": \"/opt/tab tap/bin/tabtap\",\n      \"args\": [\"mcp\"]\n    }\n    // \"b\": {}\n  }\n}\n"},
		{"CRLF and a byte order mark", "vscode", ptr("\xEF\xBB\xBF{\r\n  \"servers\": {\r\n    \"a\": {\"command\": \"x\"}\r\n  }\r\n}\r\n"),
			"\xEF\xBB\xBF{\r\n  \"servers\": {\r\n    \"a\": {\"command\": \"x\"},\r\n    \"tabtap\": {\r\n      \"type\": \"stdio\",\r\n      \"command\": \"/opt/tab tap/bin/tabtap\",\r\n      \"args\": [\"mcp\"]\r\n    }\r\n  }\r\n}\r\n"},
		{"codex with CRLF", "codex", ptr("model = \"o3\"\r\n\r\n[mcp_servers.a]\r\ncommand = \"x\"\r\n"),
			"model = \"o3\"\r\n\r\n[mcp_servers.a]\r\ncommand = \"x\"\r\n\r\n[mcp_servers.tabtap]\r\ncommand = '/opt/tab tap/bin/tabtap'\r\nargs = ['mcp']\r\n"},
		{"codex without a final line break", "codex", ptr(`model = "o3"`), "model = \"o3\"\n\n[mcp_servers.tabtap]\ncommand = '/opt/tab tap/bin/tabtap'\nargs = ['mcp']\n"},
		{"codex with server subtables", "codex", ptr("[mcp_servers.a]\ncommand = \"x\"\n\n[mcp_servers.a.env]\nK = \"v\"\n\n# the rest\n[tui]\nnotifications = true\n"),
			"[mcp_servers.a]\ncommand = \"x\"\n\n[mcp_servers.a.env]\nK = \"v\"\n\n[mcp_servers.tabtap]\ncommand = '/opt/tab tap/bin/tabtap'\nargs = ['mcp']\n\n# the rest\n[tui]\nnotifications = true\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := testEnv(t, "linux", nil)
			c := lookup(t, tt.client)
			var before []byte
			if tt.before != nil {
				before = []byte(*tt.before)
			}
			path := place(t, env, c, before)

			ch, err := Configure(env, c, bin)
			if err != nil {
				t.Fatal(err)
			}
			got := read(t, path)
			if ch.Action != Added || ch.Path != path {
				t.Errorf("change %+v", ch)
			}
			if tt.after != "" && got != tt.after {
				t.Errorf("after Configure:\n%s\nwant:\n%s", got, tt.after)
			}
			// It parses in its own format, holds the entry and the rest.
			m := decodeFile(t, c, got)
			servers, _ := m[c.Container].(map[string]any)
			entry, _ := servers[ServerName].(map[string]any)
			if entry["command"] != bin || !slices.Equal(toStrings(entry["args"]), ServerArgs) {
				t.Errorf("entry %v", entry)
			}
			if tt.before != nil {
				if ch.Backup == "" || read(t, ch.Backup) != *tt.before {
					t.Errorf("backup %q does not hold the previous content", ch.Backup)
				}
				fi, _ := os.Stat(path)
				if fi.Mode().Perm() != 0o640 {
					t.Errorf("mode %v, want the file's own 0640", fi.Mode().Perm())
				}
			} else if ch.Backup != "" {
				t.Errorf("a backup %s of no file", ch.Backup)
			}

			// Idempotent: nothing written, no new backup.
			n := len(backupsOf(t, path))
			ch, err = Configure(env, c, bin)
			if err != nil || ch.Action != Unchanged || ch.Backup != "" || read(t, path) != got || len(backupsOf(t, path)) != n {
				t.Errorf("second Configure: %+v, %v; backups %d → %d", ch, err, n, len(backupsOf(t, path)))
			}
			if st := Inspect(env, c); st.Err != nil || st.Entry == nil || c.Problem(env, st.Entry, bin) != "its tabtap entry starts /opt/tab tap/bin/tabtap, which does not exist" {
				t.Errorf("Inspect: %+v", st)
			}

			// Remove gives back the file as it was, or no file.
			ch, err = Remove(env, c, bin)
			if err != nil {
				t.Fatal(err)
			}
			if tt.before == nil {
				if _, err := os.Stat(path); !os.IsNotExist(err) || ch.Action != Deleted {
					t.Errorf("Remove of a file the install made: %+v, stat %v", ch, err)
				}
				return
			}
			if after := read(t, path); after != *tt.before || ch.Action != Restored {
				t.Errorf("after Remove (%s):\n%q\nwant:\n%q", ch.Action, after, *tt.before)
			}
			if ch, err := Remove(env, c, bin); err != nil || ch.Action != Absent {
				t.Errorf("second Remove: %+v, %v", ch, err)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func toStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// An entry already there is pointed at the binary; what the person added to
// it (env) stays.
func TestConfigureUpdates(t *testing.T) {
	env := testEnv(t, "linux", nil)
	c := lookup(t, "cursor")
	path := place(t, env, c, []byte(`{"mcpServers": {"tabtap": {"command": "/old/tabtap", "args": ["mcp"], "env": {"TABTAP_RUNTIME_DIR": "/run/x"}}}}`))
	ch, err := Configure(env, c, bin)
	if err != nil || ch.Action != Updated {
		t.Fatalf("%+v, %v", ch, err)
	}
	want := `{"mcpServers": {"tabtap": {"command": "/opt/tab tap/bin/tabtap", "args": ["mcp"], "env": {"TABTAP_RUNTIME_DIR": "/run/x"}}}}`
	if got := read(t, path); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	cx := lookup(t, "codex")
	path = place(t, env, cx, []byte("[mcp_servers.tabtap]\ncommand = \"/old/tabtap\" # was here\nenv = { A = \"1\" }\n\n[mcp_servers.tabtap.tools]\nx = 1\n"))
	if ch, err := Configure(env, cx, bin); err != nil || ch.Action != Updated {
		t.Fatalf("%+v, %v", ch, err)
	}
	want = "[mcp_servers.tabtap]\ncommand = '/opt/tab tap/bin/tabtap' # was here\nenv = { A = \"1\" }\nargs = ['mcp']\n\n[mcp_servers.tabtap.tools]\nx = 1\n"
	if got := read(t, path); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// The person edited the file since: only the entry and its subtables go.
	appendFile(t, path, "\n[mcp_servers.later]\ncommand = \"z\"\n")
	if ch, err := Remove(env, cx, bin); err != nil || ch.Action != Removed {
		t.Fatalf("%+v, %v", ch, err)
	}
	if got := read(t, path); got != "[mcp_servers.later]\ncommand = \"z\"\n" {
		t.Errorf("after Remove:\n%q", got)
	}
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// A file edited after the install keeps the edit when tabtap goes.
func TestRemoveAfterEdits(t *testing.T) {
	env := testEnv(t, "linux", nil)
	c := lookup(t, "vscode")
	path := place(t, env, c, []byte(vscodeBefore))
	if _, err := Configure(env, c, bin); err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(read(t, path), `"inputs": [],`, `"inputs": [{"id": "k"}],`, 1)
	if err := os.WriteFile(path, []byte(edited), 0o640); err != nil {
		t.Fatal(err)
	}
	ch, err := Remove(env, c, bin)
	if err != nil || ch.Action != Removed || ch.Backup == "" || read(t, ch.Backup) != edited {
		t.Fatalf("%+v, %v", ch, err)
	}
	want := strings.Replace(vscodeBefore, `"inputs": [],`, `"inputs": [{"id": "k"}],`, 1)
	if got := read(t, path); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// An entry starting another binary is not the installer's to remove.
func TestRemoveKeepsOtherBinaries(t *testing.T) {
	env := testEnv(t, "linux", nil)
	c := lookup(t, "gemini")
	content := `{"mcpServers": {"tabtap": {"command": "/elsewhere/tabtap", "args": ["mcp"]}}}`
	path := place(t, env, c, []byte(content))
	ch, err := Remove(env, c, bin)
	if err != nil || ch.Action != Kept || !strings.Contains(ch.Note, "/elsewhere/tabtap") || read(t, path) != content {
		t.Errorf("%+v, %v", ch, err)
	}
}

// A file it cannot parse, or an entry in a form it does not edit, is left
// exactly as it is, with the reason and the path.
func TestConfigureRefuses(t *testing.T) {
	tests := []struct {
		client, content, reason string
	}{
		{"cursor", `{"mcpServers": {`, "cannot read"},
		{"vscode", `["servers"]`, "not an object"},
		{"vscode", `{"servers": []}`, `"servers" is not an object`},
		{"claude-desktop", `{"mcpServers": {"tabtap": "yes"}}`, "not an object"},
		{"cursor", `{"mcpServers": {}, "mcpServers": {}}`, "two \"mcpServers\" keys"},
		{"codex", "[mcp_servers\n", "cannot read"},
		{"codex", "[a]\nx = 1\n[a]\ny = 2\n", "cannot read"},
		{"codex", "mcp_servers.tabtap.command = \"x\"\n", "dotted keys"},
		{"codex", "[mcp_servers]\ntabtap = { command = \"x\" }\n", "dotted keys or an inline table"},
		{"codex", "mcp_servers = { a = { command = \"x\" } }\n", "inline table"},
	}
	for _, tt := range tests {
		env := testEnv(t, "linux", nil)
		c := lookup(t, tt.client)
		path := place(t, env, c, []byte(tt.content))
		_, err := Configure(env, c, bin)
		if err == nil || !strings.Contains(err.Error(), tt.reason) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s %q: err = %v, want %q and the path", tt.client, tt.content, err, tt.reason)
		}
		if read(t, path) != tt.content || len(backupsOf(t, path)) != 0 {
			t.Errorf("%s %q: the file was touched", tt.client, tt.content)
		}
	}
}

// A configuration kept elsewhere through a symbolic link is edited where it
// lives; the link stays.
func TestConfigureFollowsLinks(t *testing.T) {
	env := testEnv(t, "linux", nil)
	c := lookup(t, "codex")
	real := filepath.Join(t.TempDir(), "dotfiles", "config.toml")
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, []byte(codexBefore), 0o644); err != nil {
		t.Fatal(err)
	}
	path := place(t, env, c, nil)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, path); err != nil {
		t.Fatal(err)
	}
	if _, err := Configure(env, c, bin); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if read(t, real) != codexAfter {
		t.Errorf("the linked file:\n%s", read(t, real))
	}
}

// Backups are named by the time, and listed newest first.
func TestBackupNames(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mcp.json")
	defer func(old func() time.Time) { now = old }(now)
	now = func() time.Time { return time.Date(2026, 12, 1, 15, 30, 12, 0, time.Local) }
	var made []string
	for i := 0; i < 3; i++ {
		b, err := writeBackup(path, []byte{byte('a' + i)}, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, filepath.Base(b))
	}
	if want := []string{"mcp.json.tabtap-backup-20261201-153012", "mcp.json.tabtap-backup-20261201-153012-2", "mcp.json.tabtap-backup-20261201-153012-3"}; !slices.Equal(made, want) {
		t.Errorf("made %v", made)
	}
	now = func() time.Time { return time.Date(2026, 12, 2, 9, 0, 0, 0, time.Local) }
	later, _ := writeBackup(path, []byte("d"), 0o600)
	list := backups(path)
	if len(list) != 4 || list[0] != later || filepath.Base(list[1]) != made[2] || filepath.Base(list[3]) != made[0] {
		t.Errorf("backups %v", list)
	}
}

// A table with subtables before and after it goes whole, and nothing else.
func TestRemoveTOMLSubtables(t *testing.T) {
	env := testEnv(t, "linux", nil)
	c := lookup(t, "codex")
	path := place(t, env, c, []byte("[mcp_servers.tabtap.env]\nA = \"1\"\n\n[mcp_servers.tabtap]\ncommand = \"/opt/tab tap/bin/tabtap\"\nargs = [\"mcp\"]\n\n[mcp_servers.tabtap.tools]\nx = 1\n\n[mcp_servers.b]\ncommand = \"b\"\n"))
	if ch, err := Remove(env, c, bin); err != nil || ch.Action != Removed {
		t.Fatalf("%+v, %v", ch, err)
	}
	if got := read(t, path); got != "[mcp_servers.b]\ncommand = \"b\"\n" {
		t.Errorf("got %q", got)
	}
}

// Taking an entry out of a file written by hand leaves the rest as it was:
// a comment on the line before stays, the entry's own comments go.
func TestRemoveJSONByHand(t *testing.T) {
	c := lookup(t, "cursor")
	for in, want := range map[string]string{
		"{\"mcpServers\": {\n  \"a\": 1, // about a\n  // tabtap, added by hand\n  \"tabtap\": {\"command\": \"x\"},\n  \"b\": 2\n}}": "{\"mcpServers\": {\n  \"a\": 1, // about a\n  \"b\": 2\n}}",
		"{\"mcpServers\": {\n  \"a\": 1, // about a\n  \"tabtap\": {\"command\": \"x\"}\n}}":                                          "{\"mcpServers\": {\n  \"a\": 1 // about a\n}}",
		"{\"mcpServers\": {\n  \"a\": 1, /* a */\n  \"tabtap\": {\"command\": \"x\"}, \"b\": 2\n}}":                                   "{\"mcpServers\": {\n  \"a\": 1, /* a */\n \"b\": 2\n}}",
		"{\"mcpServers\": {\n  \"a\": 1, // a\n  \"tabtap\": {\"command\": \"x\"}, \"b\": 2\n}}":                                      "{\"mcpServers\": {\n  \"a\": 1, // a\n \"b\": 2\n}}",
		"{\"mcpServers\": {\"tabtap\": {}, \"b\": 2}}":                                                                                "{\"mcpServers\": {\"b\": 2}}",
		"{\"mcpServers\": {\"b\": 2, \"tabtap\": {},}}":                                                                               "{\"mcpServers\": {\"b\": 2,}}",
		"{\"mcpServers\": {\n    \"tabtap\": {}\n  }}":                                                                                "{\"mcpServers\": {}}",
	} {
		out, err := jsonEditor{}.remove([]byte(in), c)
		if err != nil || string(out) != want {
			t.Errorf("remove from\n%s\ngot (%v)\n%s\nwant\n%s", in, err, out, want)
		}
		if err := verify(c, []byte(in), out, ""); err != nil {
			t.Errorf("%s: %v", in, err)
		}
	}
}
