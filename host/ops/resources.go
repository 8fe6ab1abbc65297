package ops

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/har"
	"github.com/tabtap/tabtap/host/shape"
)

// Captures are MCP resources too, for clients that attach resources
// rather than call tools: each capture, running or stopped, is
//
//	tabtap://captures/{sessionId}/{captureId}/summary.json  the default stop result
//	tabtap://captures/{sessionId}/{captureId}/capture.json  the whole capture
//	tabtap://captures/{sessionId}/{captureId}/capture.har   the whole capture as HAR 1.2
//
// resources/list names them all; reading one stops nothing.
const CaptureTemplate = "tabtap://captures/{sessionId}/{captureId}/{view}"

var views = []struct{ name, what string }{
	{api.ViewSummary, "summary and overview"},
	{api.ViewJSON, "whole capture (JSON)"},
	{api.ViewHAR, "whole capture (HAR 1.2)"},
}

// Resources are the resources of the captures held.
func Resources(caps []api.CaptureInfo) []mcp.Resource {
	var out []mcp.Resource
	for _, c := range caps {
		for _, v := range views {
			uri := fmt.Sprintf("tabtap://captures/%s/%s/%s", c.SessionID, c.CaptureID, v.name)
			out = append(out, mcp.NewResource(uri,
				fmt.Sprintf("%s %s: %s", c.CaptureID, v.what, shape.Cut(c.URL, 80)),
				mcp.WithResourceDescription(fmt.Sprintf("%s capture of tab %d (%s), %d requests, started %s by %s.",
					c.Status, c.TabID, c.Title, c.Summary.TotalRequests, c.StartTime.Format(time.RFC3339), c.StartedBy)),
				mcp.WithMIMEType("application/json")))
		}
	}
	return out
}

// ReadCapture returns a capture whole (JSON or HAR) or its default stop
// result, for an MCP resource. It stops nothing.
func ReadCapture(_ context.Context, b Backend, params json.RawMessage) (json.RawMessage, error) {
	var a api.ReadCaptureArgs
	if err := json.Unmarshal(params, &a); err != nil {
		return nil, api.Errorf(api.CodeInvalid, "invalid arguments for %s: %v", api.ReadCapture, explainJSON(err))
	}
	h, err := b.Capture(a.SessionID, a.CaptureID)
	if err != nil {
		return nil, err
	}
	st, data := h.Snapshot()
	res := head(h, st, "json")
	switch a.View {
	case api.ViewSummary:
		return api.Encode(shape.Stop(res, &data, shape.Share(api.DefaultResultBytes), nil), false)
	case api.ViewJSON, api.ViewHAR:
	default:
		return nil, api.Errorf(api.CodeInvalid, "view must be %s, %s or %s, not %q", api.ViewJSON, api.ViewHAR, api.ViewSummary, a.View)
	}
	if st.BytesHeld > api.MaxResourceBytes {
		return nil, api.Errorf(api.CodeConflict, "capture %s holds %d MB, too much to read as a resource: write it to a file with stop_network_capture {\"sessionId\":%q,\"captureId\":%q,\"outputPath\":\"capture.json\"}",
			h.ID(), st.BytesHeld>>20, h.SessionID, h.ID())
	}
	if a.View == api.ViewHAR {
		res.Data = &data
		return api.Encode(har.Build(res, b.Version()), false)
	}
	var buf bytes.Buffer
	if err := shape.WriteCapture(&buf, res, &data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Whole is all of a capture, as the popup downloads it.
func Whole(h Held) api.StopResult {
	st, data := h.Snapshot()
	res := head(h, st, "json")
	res.Data = &data
	return res
}
