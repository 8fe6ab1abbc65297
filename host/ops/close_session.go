package ops

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

var closeSession = New(Spec[api.SessionArgs, api.CloseSessionResult, api.CloseSessionResult]{
	Name:        api.CloseSession,
	Title:       "Close a session",
	Description: "End a session: a running capture stops and the debugger detaches. Captures already taken stay readable with the sessionId.",
	Params:      []mcp.ToolOption{sessionParam()},
	Run: func(_ context.Context, b Backend, a api.SessionArgs) (api.CloseSessionResult, error) {
		return b.CloseSession(a.SessionID)
	},
	Headline: func(r api.CloseSessionResult) string {
		if r.Stopped {
			return fmt.Sprintf("Session %s closed; its running capture was stopped.", r.SessionID)
		}
		return fmt.Sprintf("Session %s closed.", r.SessionID)
	},
})
