package tools

import (
	"github.com/mark3labs/mcp-go/server"
)

// addResources registers the captures as MCP resources.
func addResources(s *server.MCPServer, r router) {}
