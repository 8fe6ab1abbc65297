package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/tabtap/tabtap/installer/nativehost"
)

// printNextSteps tells the person what the installer cannot do: load the
// extension and point the MCP clients at the binary.
func printNextSteps(w io.Writer, res *nativehost.Result, check string) {
	bin := res.BinaryPath
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

	p("")
	if res.NoBrowserFound {
		p("No browser found (looked for Chrome, Chromium, Edge, Brave and Vivaldi), so the host")
		p("is registered with none. Name one, or a custom profile:")
		p("  go run ./installer --browser chrome")
		p("  go run ./installer --user-data-dir DIR")
		p("")
	}
	p("What is left to do:")
	p("")
	p("1. Load the extension (once; after a later install, reload it):")
	p("     chrome://extensions → Developer mode → Load unpacked → %s", res.ExtensionDir)
	p("   Its ID is %s.", nativehost.ExtensionID)
	p("   Once it is loaded or reloaded, the browser starts the host by itself.")
	p("")
	p("2. Add tabtap to your MCP client:")
	p("   Claude Code:")
	p("     claude mcp add tabtap -- %s mcp", nativehost.QuoteArg(nativehost.Env{}, bin))
	p("   Claude Desktop (%s)", claudeDesktopConfig())
	p("   and Cursor (%s):", cursorConfig())
	p(`     {"mcpServers": {"tabtap": {"command": %s, "args": ["mcp"]}}}`, jsonString(bin))
	p("   VS Code (.vscode/mcp.json in your workspace):")
	p(`     {"servers": {"tabtap": {"type": "stdio", "command": %s, "args": ["mcp"]}}}`, jsonString(bin))
	p("")
	p("Check the setup at any time: %s", check)
}

func claudeDesktopConfig() string {
	switch runtime.GOOS {
	case "darwin":
		return "~/Library/Application Support/Claude/claude_desktop_config.json"
	case "windows":
		return `%APPDATA%\Claude\claude_desktop_config.json`
	default:
		return "~/.config/Claude/claude_desktop_config.json, for unofficial Linux builds"
	}
}

func cursorConfig() string {
	if runtime.GOOS == "windows" {
		return `%USERPROFILE%\.cursor\mcp.json`
	}
	return "~/.cursor/mcp.json"
}

func jsonString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
	}
	return string(b)
}
