package tools

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/shape"
)

func getCaptureData(r router) tool {
	return define(spec[api.GetDataArgs, api.GetDataResult]{
		name:  api.GetCaptureData,
		title: "Read capture records",
		description: "Page through a capture's records, running or stopped. A row is a request with its response (kind http, the default), " +
			"or a WebSocket frame (kind wsFrames), or a stream (kind streamingResponses). Filters: urlFilter, method, status (0: failed), resourceType. " +
			"Bodies up to 4 KB come inline; larger ones are left out (contentOmitted, with bodySize) and get_request reads them. " +
			"Continue from nextOffset; the page stops early rather than pass maxResultBytes.",
		readOnly: true,
		params: []mcp.ToolOption{
			sessionParam(),
			mcp.WithString("captureId", mcp.Description(captureIDText)),
			mcp.WithString("kind", mcp.Description("What a row is: http (a request with its response, the default), requests or responses (one half only), wsFrames, streamingResponses."),
				mcp.Enum(api.KindHTTP, api.KindRequests, api.KindResponses, api.KindWSFrames, api.KindStreams)),
			mcp.WithString("urlFilter", mcp.Description(urlFilterText)),
			mcp.WithString("method", mcp.Description("Keep requests with this HTTP method.")),
			mcp.WithInteger("status", mcp.Description("Keep responses with this status; 0 keeps failed requests.")),
			mcp.WithString("resourceType", mcp.Description("Keep requests of this resource type."), mcp.Enum(api.ResourceTypes...)),
			mcp.WithInteger("offset", mcp.Description("Rows to skip: 0, or a nextOffset."), mcp.Min(0)),
			mcp.WithInteger("limit", mcp.Description(fmt.Sprintf("Most rows in the page (default %d, at most %d).", shape.DefaultPageRows, shape.MaxPageRows)), mcp.Min(1), mcp.Max(shape.MaxPageRows)),
			mcp.WithBoolean("includeBodies", mcp.Description("Include bodies and payloads up to 4 KB each (default true); false leaves every one out.")),
			maxResultParam(),
		},
		run: func(ctx context.Context, a api.GetDataArgs, share int) (api.GetDataResult, error) {
			a.MaxResultBytes = withLimit(share)
			return forward[api.GetDataArgs, api.GetDataResult](ctx, r, api.GetCaptureData, a.SessionID, a)
		},
		headline: func(r api.GetDataResult) string {
			s := fmt.Sprintf("Rows %d–%d of %d (%s) of capture %s (%s).", r.Offset+min(1, r.Returned), r.Offset+r.Returned, r.Total, r.Kind, r.CaptureID, r.Status)
			if r.NextOffset != nil {
				s += fmt.Sprintf(" Next page: offset %d.", *r.NextOffset)
			}
			if r.ContentsOmitted > 0 {
				s += fmt.Sprintf(" %d bodies or payloads are left out (contentOmitted): get_request reads them.", r.ContentsOmitted)
			}
			return s
		},
	})
}
