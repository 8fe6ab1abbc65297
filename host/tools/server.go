// Package tools is the MCP face of tabtap: the tools of package ops'
// registry, served over stdio or Streamable HTTP by `tabtap mcp`, each
// call checked here and forwarded to the daemon that serves it, plus the
// captures as MCP resources. It runs nothing of an operation itself and
// measures no result: the daemon returns each one as the client gets it.
package tools

import (
	"github.com/mark3labs/mcp-go/server"

	"github.com/tabtap/tabtap/host/ops"
)

// instructions tell the model how the tools fit together.
const instructions = `tabtap captures the network traffic of the user's real, signed-in browser tabs.
Flow: list_tabs → initialize_session (tabId, or url to open a tab) → start_network_capture (reload: true or url to capture the page load) → the page or the user acts (wait_for_request waits for a given request instead of sleeping) → stop_network_capture.
Results are sized for your context: stop_network_capture gives the totals, an overview naming the requests, and the records that fit; get_network_capture_data pages through the rest, get_request opens one request (its body page by page, or saved to a file with saveBody), outputPath writes the whole capture to a file.
Captures a person started from the extension's popup appear in list_captures with a sessionId usable with every tool.`

// NewServer returns the MCP server with every tool of the registry and
// the capture resources.
func NewServer(b Backend, version string) *server.MCPServer {
	r := router{b: b}
	s := server.NewMCPServer("tabtap", version,
		server.WithToolCapabilities(false),
		server.WithResourceCapabilities(false, true),
		server.WithInstructions(instructions),
		server.WithRecovery(),
		server.WithHooks(resourceHooks(r)),
	)
	for _, op := range ops.All() {
		s.AddTool(op.Tool(), r.handler(op))
	}
	addResources(s, r)
	return s
}
