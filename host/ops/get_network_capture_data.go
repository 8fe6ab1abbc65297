package ops

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/shape"
)

var getCaptureData = New(Spec[api.GetDataArgs, paged, api.GetDataResult]{
	Name:  api.GetCaptureData,
	Title: "Read capture records",
	Description: "Page through a capture's records, running or stopped. A row is a request with its response (kind http, the default), " +
		"or a WebSocket frame (kind wsFrames), or a stream (kind streamingResponses). Filters: urlFilter, method, status (0: failed), resourceType. " +
		fmt.Sprintf("Bodies up to %d KB come inline; larger ones are left out (contentOmitted, with bodySize) and get_request reads them. ", shape.PageContentBytes>>10) +
		"Continue from nextOffset; the page stops early rather than pass maxResultBytes.",
	ReadOnly: true,
	Params: []mcp.ToolOption{
		sessionParam(),
		captureParam(),
		mcp.WithString("kind", mcp.Description("What a row is: http (a request with its response, the default), requests or responses (one half only), wsFrames, streamingResponses."),
			mcp.Enum(api.KindHTTP, api.KindRequests, api.KindResponses, api.KindWSFrames, api.KindStreams)),
		mcp.WithString("urlFilter", mcp.Description(urlFilterText)),
		mcp.WithString("method", mcp.Description("Keep requests with this HTTP method.")),
		mcp.WithInteger("status", mcp.Description("Keep responses with this status; 0 keeps failed requests.")),
		mcp.WithString("resourceType", mcp.Description("Keep requests of this resource type."), mcp.Enum(api.ResourceTypes...)),
		mcp.WithInteger("offset", mcp.Description("Rows to skip: 0, or a nextOffset."), mcp.Min(0)),
		bounded("limit", "Most rows in the page "+limitText(api.PageRows)+".", api.PageRows),
		mcp.WithBoolean("includeBodies", mcp.Description(fmt.Sprintf("Include bodies and payloads up to %d KB each (default true); false leaves every one out.", shape.PageContentBytes>>10))),
		maxResultParam(),
	},
	Run: func(_ context.Context, b Backend, a api.GetDataArgs) (paged, error) {
		h, err := b.Capture(a.SessionID, a.CaptureID)
		if err != nil {
			return paged{}, err
		}
		st, data := h.Snapshot()
		return paged{args: a, sessionID: h.SessionID, captureID: h.ID(), status: string(st.State), data: data}, nil
	},
	Shape: func(p paged, budget int) (api.GetDataResult, error) {
		out, err := shape.Page(&p.data, p.args, budget)
		out.SessionID, out.CaptureID, out.Status = p.sessionID, p.captureID, p.status
		return out, err
	},
	Headline: func(r api.GetDataResult) string {
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

// paged is a capture's records, to be paged.
type paged struct {
	args                         api.GetDataArgs
	sessionID, captureID, status string
	data                         api.Data
}
