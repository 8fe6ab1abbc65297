package tools

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

func clearCapture(r router) tool {
	return define(spec[api.SessionArgs, api.ClearResult]{
		name:        api.ClearCapture,
		title:       "Clear the capture",
		description: "Drop what the session's running capture holds so far and keep capturing. A stopped capture is kept as it is.",
		destructive: true,
		params:      []mcp.ToolOption{sessionParam()},
		run: func(ctx context.Context, a api.SessionArgs, _ int) (api.ClearResult, error) {
			return forward[api.SessionArgs, api.ClearResult](ctx, r, api.ClearCapture, a.SessionID, a)
		},
		headline: func(r api.ClearResult) string {
			return fmt.Sprintf("Cleared %d requests from %s; still %s.", r.Cleared.TotalRequests, r.CaptureID, r.Status)
		},
	})
}
