package ops

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

var clearCapture = New(Spec[api.SessionArgs, api.ClearResult, api.ClearResult]{
	Name:        api.ClearCapture,
	Title:       "Clear the capture",
	Description: "Drop what the session's running capture holds so far and keep capturing. A stopped capture is kept as it is.",
	Destructive: true,
	Params:      []mcp.ToolOption{sessionParam()},
	Run: func(_ context.Context, b Backend, a api.SessionArgs) (api.ClearResult, error) {
		return b.Clear(a.SessionID)
	},
	Headline: func(r api.ClearResult) string {
		return fmt.Sprintf("Cleared %d requests from %s; still %s.", r.Cleared.TotalRequests, r.CaptureID, r.Status)
	},
})
