package ops

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

var initializeSession = New(Spec[api.InitializeSessionArgs, api.Session, api.Session]{
	Name:  api.InitializeSession,
	Title: "Choose a tab",
	Description: "Choose the tab to capture and get a sessionId: tabId (from list_tabs), or url to open a new tab there (http, https or about:blank), " +
		"or nothing for the active tab of the last focused window. Nothing is attached yet: the browser's debugging bar appears only once a capture starts.",
	Params: []mcp.ToolOption{
		mcp.WithInteger("tabId", mcp.Description("The tab to capture, from list_tabs.")),
		mcp.WithString("url", mcp.Description("Open a new tab at this http(s) URL (or about:blank) and capture it.")),
		mcp.WithString("browser", mcp.Description("Which browser profile, by the label list_tabs gives (or part of it), when several are connected.")),
	},
	Route: ByTab,
	Run: func(ctx context.Context, b Backend, a api.InitializeSessionArgs) (api.Session, error) {
		return b.InitializeSession(ctx, a)
	},
	Headline: func(s api.Session) string {
		return fmt.Sprintf("Session %s is tab %d (%s). Call start_network_capture to capture it.", s.SessionID, s.TabID, s.URL)
	},
})
