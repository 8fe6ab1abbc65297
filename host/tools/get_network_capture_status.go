package tools

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

func captureStatus(r router) tool {
	return define(spec[api.SessionArgs, api.StatusResult]{
		name:  api.CaptureStatus,
		title: "Capture status",
		description: "Whether the session's capture runs (status active, stopped, or inactive when it never captured), since when, " +
			"what it holds (currentStats), the bytes it holds, what it dropped to stay within its limits and why, and the state of its tab.",
		readOnly: true,
		params:   []mcp.ToolOption{sessionParam()},
		run: func(ctx context.Context, a api.SessionArgs, _ int) (api.StatusResult, error) {
			return forward[api.SessionArgs, api.StatusResult](ctx, r, api.CaptureStatus, a.SessionID, a)
		},
		headline: func(r api.StatusResult) string {
			if r.CaptureID == "" {
				return fmt.Sprintf("Session %s has not captured yet.", r.SessionID)
			}
			s := fmt.Sprintf("Capture %s is %s: %d requests, %d responses, %d WebSocket frames, %d streaming responses.",
				r.CaptureID, r.Status, r.CurrentStats.Requests, r.CurrentStats.Responses, r.CurrentStats.WSFrames, r.CurrentStats.StreamingResponses)
			if n := r.Dropped.Total(); n > 0 {
				s += fmt.Sprintf(" %d items were dropped to stay within limits (see dropped).", n)
			}
			return s
		},
	})
}
