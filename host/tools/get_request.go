package tools

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/shape"
)

func getRequest(r router) tool {
	return define(spec[api.GetRequestArgs, api.RequestDetail]{
		name:  api.GetRequest,
		title: "Read one request",
		description: "Everything known about one request: request, response, redirect hops, WebSocket frames or stream messages. " +
			"Its body comes a page at a time: bodyPage says which bytes are shown, continue from bodyPage.nextOffset; frames and stream items page with offset and limit. " +
			"saveBody writes the whole body to a new file in tabtap's captures folder and returns its path, for bodies too large to read here.",
		params: []mcp.ToolOption{
			sessionParam(),
			mcp.WithString("requestId", mcp.Required(), mcp.Description("The id of the request, as the overview, a page of records or a frame shows it.")),
			mcp.WithString("captureId", mcp.Description(captureIDText)),
			mcp.WithString("body", mcp.Description("Which body bodyOffset, bodyLength and saveBody apply to: response (the default) or request."), mcp.Enum("response", "request")),
			mcp.WithInteger("bodyOffset", mcp.Description("First byte of the body to show (default 0)."), mcp.Min(0)),
			mcp.WithInteger("bodyLength", mcp.Description("Most bytes of the body to show (default: what fits the result)."), mcp.Min(1)),
			mcp.WithBoolean("saveBody", mcp.Description("Write the whole body to a new file in tabtap's captures folder; savedBody.path says where.")),
			mcp.WithInteger("offset", mcp.Description("First WebSocket frame or stream item to show (default 0)."), mcp.Min(0)),
			mcp.WithInteger("limit", mcp.Description(fmt.Sprintf("Most frames or stream items to show (default %d, at most %d).", shape.DefaultItems, shape.MaxItems)), mcp.Min(1), mcp.Max(shape.MaxItems)),
			maxResultParam(),
		},
		run: func(ctx context.Context, a api.GetRequestArgs, share int) (api.RequestDetail, error) {
			a.MaxResultBytes = withLimit(share)
			return forward[api.GetRequestArgs, api.RequestDetail](ctx, r, api.GetRequest, a.SessionID, a)
		},
		headline: requestHeadline,
	})
}

func requestHeadline(r api.RequestDetail) string {
	s := ""
	switch {
	case r.Request != nil:
		s = fmt.Sprintf("%s %s", r.Request.Method, r.Request.URL)
	case r.Response != nil:
		s = r.Response.URL
	case r.Stream != nil:
		s = r.Stream.URL
	}
	if p := r.Response; p != nil {
		switch {
		case p.Failed:
			s += " failed: " + p.ErrorText
		default:
			s += fmt.Sprintf(" → %d", p.Status)
		}
	}
	s += "."
	if b := r.BodyPage; b != nil {
		s += fmt.Sprintf(" The %s body's bytes %d–%d of %d are shown.", b.Of, b.Offset, b.Offset+b.Length, b.Total)
		if b.NextOffset != nil {
			s += fmt.Sprintf(" Next: bodyOffset %d.", *b.NextOffset)
		}
	}
	if it := r.Items; it != nil {
		s += fmt.Sprintf(" Items %d–%d of %d shown.", it.Offset+min(1, it.Returned), it.Offset+it.Returned, it.Total)
		if it.NextOffset != nil {
			s += fmt.Sprintf(" Next: offset %d.", *it.NextOffset)
		}
	}
	if f := r.SavedBody; f != nil {
		s += fmt.Sprintf(" The whole body (%d bytes) was written to %s.", f.Bytes, f.Path)
	}
	return s
}
