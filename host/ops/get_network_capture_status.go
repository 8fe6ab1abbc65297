package ops

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

var captureStatus = New(Spec[api.SessionArgs, api.StatusResult, api.StatusResult]{
	Name:  api.CaptureStatus,
	Title: "Capture status",
	Description: "Whether the session's capture runs (status active, stopped, or inactive when it never captured), since when, " +
		"what it holds (currentStats), the bytes it holds, what it dropped to stay within its limits and why, and the state of its tab.",
	ReadOnly: true,
	Params:   []mcp.ToolOption{sessionParam()},
	Run: func(_ context.Context, b Backend, a api.SessionArgs) (api.StatusResult, error) {
		return b.Status(a.SessionID)
	},
	Headline: func(r api.StatusResult) string {
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
