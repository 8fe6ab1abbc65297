package clients

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tabtap/tabtap/host/install/nativehost"
)

// ServerName is the name of tabtap's entry in every client's server list.
const ServerName = "tabtap"

// ServerArgs are the arguments every client starts the host binary with.
var ServerArgs = []string{"mcp"}

// Client is one row of the table of MCP clients the installer knows: where
// its user-level configuration lives on each system, how tabtap's entry is
// written there, and how to tell the client is installed.
type Client struct {
	// Name is the short name used with --client: claude-desktop,
	// claude-code, cursor, vscode, windsurf, gemini or codex.
	Name string
	// Title is the name people know the client by.
	Title string
	// Container is the key of the server list: "mcpServers", "servers"
	// (VS Code) or "mcp_servers" (Codex).
	Container string
	// Type, when not empty, is written as the entry's "type" (VS Code and
	// Claude Code name the transport: "stdio").
	Type string
	// EmptyEnv writes "env": {} into a new entry, as `claude mcp add` does.
	EmptyEnv bool
	// TOML is true for a TOML file (Codex); the others are JSON, comments
	// and trailing commas allowed.
	TOML bool

	path     func(env nativehost.Env) string
	dirs     func(env nativehost.Env) []string // folders the client creates when it runs
	commands []string                          // its commands on PATH
	macApp   string                            // its bundle in /Applications
}

// table is every client, in the order reports list them.
var table = []Client{
	{
		Name: "claude-desktop", Title: "Claude Desktop", Container: "mcpServers",
		path: func(env nativehost.Env) string {
			return filepath.Join(claudeDesktopDir(env), "claude_desktop_config.json")
		},
		dirs:   func(env nativehost.Env) []string { return []string{claudeDesktopDir(env)} },
		macApp: "Claude.app",
	},
	{
		Name: "claude-code", Title: "Claude Code", Container: "mcpServers", Type: "stdio", EmptyEnv: true,
		path: func(env nativehost.Env) string { return filepath.Join(claudeCodeDir(env), ".claude.json") },
		dirs: func(env nativehost.Env) []string {
			if dir := env.Getenv("CLAUDE_CONFIG_DIR"); dir != "" {
				return []string{dir}
			}
			return []string{filepath.Join(env.Home, ".claude")}
		},
		commands: []string{"claude"},
	},
	{
		Name: "cursor", Title: "Cursor", Container: "mcpServers",
		path:     func(env nativehost.Env) string { return filepath.Join(env.Home, ".cursor", "mcp.json") },
		dirs:     func(env nativehost.Env) []string { return []string{filepath.Join(env.Home, ".cursor")} },
		commands: []string{"cursor"},
		macApp:   "Cursor.app",
	},
	{
		Name: "vscode", Title: "VS Code", Container: "servers", Type: "stdio",
		path:     func(env nativehost.Env) string { return filepath.Join(vscodeUserDir(env), "mcp.json") },
		dirs:     func(env nativehost.Env) []string { return []string{vscodeUserDir(env)} },
		commands: []string{"code"},
		macApp:   "Visual Studio Code.app",
	},
	{
		Name: "windsurf", Title: "Windsurf", Container: "mcpServers",
		path: func(env nativehost.Env) string {
			return filepath.Join(env.Home, ".codeium", "windsurf", "mcp_config.json")
		},
		dirs:     func(env nativehost.Env) []string { return []string{filepath.Join(env.Home, ".codeium", "windsurf")} },
		commands: []string{"windsurf"},
		macApp:   "Windsurf.app",
	},
	{
		Name: "gemini", Title: "Gemini CLI", Container: "mcpServers",
		path:     func(env nativehost.Env) string { return filepath.Join(env.Home, ".gemini", "settings.json") },
		dirs:     func(env nativehost.Env) []string { return []string{filepath.Join(env.Home, ".gemini")} },
		commands: []string{"gemini"},
	},
	{
		Name: "codex", Title: "Codex CLI", Container: "mcp_servers", TOML: true,
		path:     func(env nativehost.Env) string { return filepath.Join(codexHome(env), "config.toml") },
		dirs:     func(env nativehost.Env) []string { return []string{codexHome(env)} },
		commands: []string{"codex"},
	},
}

// aliases are other names --client accepts.
var aliases = map[string]string{
	"code":       "vscode",
	"vs-code":    "vscode",
	"gemini-cli": "gemini",
	"codex-cli":  "codex",
}

// All returns the table of known clients.
func All() []Client { return slices.Clone(table) }

// Names returns the short names --client accepts (aliases aside).
func Names() []string {
	names := make([]string, len(table))
	for i, c := range table {
		names[i] = c.Name
	}
	return names
}

// Lookup finds a client by its short name or an alias, ignoring case.
func Lookup(name string) (Client, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	if a, ok := aliases[name]; ok {
		name = a
	}
	for _, c := range table {
		if c.Name == name {
			return c, true
		}
	}
	return Client{}, false
}

// ConfigPath is the user-level configuration file of c on the machine env
// describes.
func (c Client) ConfigPath(env nativehost.Env) (string, error) {
	env, err := env.Resolve()
	if err != nil {
		return "", err
	}
	return c.path(env), nil
}

// Found tells whether c is installed on the machine env describes: its
// configuration file or the folder it keeps its settings in exists, its
// command is on PATH, or (macOS) its application is in an Applications
// folder.
func (c Client) Found(env nativehost.Env) bool {
	env, err := env.Resolve()
	if err != nil {
		return false
	}
	if exists(c.path(env)) {
		return true
	}
	for _, dir := range c.dirs(env) {
		if exists(dir) {
			return true
		}
	}
	for _, cmd := range c.commands {
		if _, err := env.LookPath(cmd); err == nil {
			return true
		}
	}
	if env.GOOS() == "darwin" && c.macApp != "" {
		for _, dir := range []string{"/Applications", filepath.Join(env.Home, "Applications")} {
			if exists(filepath.Join(dir, c.macApp)) {
				return true
			}
		}
	}
	return false
}

// Found returns the clients installed on the machine env describes.
func Found(env nativehost.Env) []Client {
	var out []Client
	for _, c := range table {
		if c.Found(env) {
			out = append(out, c)
		}
	}
	return out
}

// appData is %APPDATA% (the roaming profile folder) on Windows.
func appData(env nativehost.Env) string {
	if dir := env.Getenv("APPDATA"); dir != "" {
		return dir
	}
	return filepath.Join(env.Home, "AppData", "Roaming")
}

// electronDir is where an Electron application named app keeps its user
// data: ~/Library/Application Support/app, %APPDATA%\app, or
// $XDG_CONFIG_HOME/app.
func electronDir(env nativehost.Env, app string) string {
	switch env.GOOS() {
	case "darwin":
		return filepath.Join(env.Home, "Library", "Application Support", app)
	case "windows":
		return filepath.Join(appData(env), app)
	default:
		return filepath.Join(nativehost.ConfigHome(env), app)
	}
}

// claudeDesktopDir holds claude_desktop_config.json. Anthropic ships no
// Linux build; the community builds use the Electron folder too.
func claudeDesktopDir(env nativehost.Env) string { return electronDir(env, "Claude") }

// vscodeUserDir is VS Code's user settings folder (the default profile).
func vscodeUserDir(env nativehost.Env) string { return filepath.Join(electronDir(env, "Code"), "User") }

// claudeCodeDir holds .claude.json: $CLAUDE_CONFIG_DIR, else the home
// directory.
func claudeCodeDir(env nativehost.Env) string {
	if dir := env.Getenv("CLAUDE_CONFIG_DIR"); dir != "" {
		return dir
	}
	return env.Home
}

// codexHome is $CODEX_HOME, else ~/.codex.
func codexHome(env nativehost.Env) string {
	if dir := env.Getenv("CODEX_HOME"); dir != "" {
		return dir
	}
	return filepath.Join(env.Home, ".codex")
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
