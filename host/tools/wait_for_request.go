package tools

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

func waitForRequest(r router) tool {
	return define(spec[api.WaitArgs, api.WaitResult]{
		name:  api.WaitForRequest,
		title: "Wait for a request",
		description: "Wait, instead of sleeping, until the session's running capture sees the next request that matches finish (body included) " +
			"and return it as get_request does; or, with kind wsFrame, the next WebSocket frame whose payload matches. " +
			"Only what finishes after the call counts, unless since (an ISO-8601 time, e.g. the capture's startTime) reaches back. " +
			"Returns matched: false when the timeout passes.",
		readOnly: true,
		params: []mcp.ToolOption{
			sessionParam(),
			mcp.WithString("kind", mcp.Description("request (the default) or wsFrame."), mcp.Enum("request", "wsFrame")),
			mcp.WithString("urlFilter", mcp.Description(urlFilterText)),
			mcp.WithString("method", mcp.Description("The request's HTTP method.")),
			mcp.WithInteger("status", mcp.Description("The response's status; 0 for a failed request.")),
			mcp.WithString("resourceType", mcp.Description("The request's resource type."), mcp.Enum(api.ResourceTypes...)),
			mcp.WithString("payloadFilter", mcp.Description("For frames: a substring of the payload, or /regex/.")),
			mcp.WithString("direction", mcp.Description("For frames: sent or received."), mcp.Enum("sent", "received")),
			mcp.WithString("since", mcp.Description("Also match what finished before the call, back to this ISO-8601 time.")),
			mcp.WithInteger("timeoutSeconds", mcp.Description("How long to wait (default 30, at most 300)."), mcp.Min(1), mcp.Max(300)),
			maxResultParam(),
		},
		run: func(ctx context.Context, a api.WaitArgs, share int) (api.WaitResult, error) {
			a.MaxResultBytes = withLimit(share)
			return forward[api.WaitArgs, api.WaitResult](ctx, r, api.WaitForRequest, a.SessionID, a)
		},
		headline: func(r api.WaitResult) string {
			switch {
			case r.Request != nil:
				return fmt.Sprintf("Matched after %d ms: %s", r.WaitedMs, requestHeadline(*r.Request))
			case r.Frame != nil:
				return fmt.Sprintf("Matched after %d ms: a %s frame of %s.", r.WaitedMs, r.Frame.Direction, r.Frame.URL)
			}
			return fmt.Sprintf("Nothing matched after %d ms: %s.", r.WaitedMs, r.Reason)
		},
	})
}
