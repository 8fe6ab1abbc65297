// Package tools is the MCP face of tabtap: the tools of the outside
// contract, each defined in a file of its own (name, description,
// arguments, headline, handler), thin over the daemons that hold the
// captures, plus the captures as MCP resources. It is what `tabtap mcp`
// serves, over stdio or Streamable HTTP.
package tools

import (
	"github.com/mark3labs/mcp-go/server"
)

// instructions tell the model how the tools fit together.
const instructions = `tabtap captures the network traffic of the user's real, signed-in browser tabs.
Flow: list_tabs → initialize_session (tabId, or url to open a tab) → start_network_capture (reload: true or url to capture the page load) → the page or the user acts (wait_for_request waits for a given request instead of sleeping) → stop_network_capture.
Results are sized for your context: stop_network_capture gives the totals, an overview naming the requests, and the records that fit; get_network_capture_data pages through the rest, get_request opens one request (its body page by page, or saved to a file with saveBody), outputPath writes the whole capture to a file.
Captures a person started from the extension's popup appear in list_captures with a sessionId usable with every tool.`

// NewServer returns the MCP server with every tool and the capture
// resources registered.
func NewServer(b Backend, version string) *server.MCPServer {
	r := router{b: b}
	s := server.NewMCPServer("tabtap", version,
		server.WithToolCapabilities(false),
		server.WithResourceCapabilities(false, true),
		server.WithInstructions(instructions),
		server.WithRecovery(),
		server.WithHooks(resourceHooks(r)),
	)
	for _, t := range toolset(r) {
		s.AddTool(t.tool, t.handler)
	}
	addResources(s, r)
	return s
}

// toolset lists every tool, in the order a client shows them.
func toolset(r router) []tool {
	return []tool{
		listTabs(r),
		initializeSession(r),
		startCapture(r),
		captureStatus(r),
		waitForRequest(r),
		stopCapture(r),
		clearCapture(r),
		listCaptures(r),
		closeSession(r),
		getCaptureData(r),
		getRequest(r),
	}
}
