package tools

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

func closeSession(r router) tool {
	return define(spec[api.SessionArgs, api.CloseSessionResult]{
		name:        api.CloseSession,
		title:       "Close a session",
		description: "End a session: a running capture stops and the debugger detaches. Captures already taken stay readable with the sessionId.",
		params:      []mcp.ToolOption{sessionParam()},
		run: func(ctx context.Context, a api.SessionArgs, _ int) (api.CloseSessionResult, error) {
			return forward[api.SessionArgs, api.CloseSessionResult](ctx, r, api.CloseSession, a.SessionID, a)
		},
		headline: func(r api.CloseSessionResult) string {
			if r.Stopped {
				return fmt.Sprintf("Session %s closed; its running capture was stopped.", r.SessionID)
			}
			return fmt.Sprintf("Session %s closed.", r.SessionID)
		},
	})
}
