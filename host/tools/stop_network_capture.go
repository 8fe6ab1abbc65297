package tools

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

func stopCapture(r router) tool {
	return define(spec[api.StopCaptureArgs, api.StopResult]{
		name:  api.StopCapture,
		title: "Stop capturing",
		description: "Stop the session's capture (the debugger detaches) and return it, sized for your context: summary (true totals), " +
			"overview (every request named with status, type, size and time, or when there are many, counts by host, status and type with the notable ones; each WebSocket and stream summed up), " +
			"data (the records that fit: failures, sent bodies and API calls first, bodies over 2 KB left out and marked contentOmitted) and truncated (what is left out and how to read it: " +
			"get_network_capture_data pages through every record, get_request opens one request with its whole body). " +
			"format \"har\" returns HAR 1.2 instead of data. outputPath writes the whole capture to a new .json or .har file " +
			"(a bare name goes to tabtap's captures folder) and returns the summary; an existing file is replaced only with overwrite: true. " +
			"Calling it again returns the same capture.",
		destructive: true, // outputPath with overwrite replaces a file
		params: []mcp.ToolOption{
			sessionParam(),
			mcp.WithString("captureId", mcp.Description(captureIDText)),
			mcp.WithString("format", mcp.Description("json (the default) or har (HAR 1.2, as DevTools exports it)."), mcp.Enum("json", "har")),
			mcp.WithString("outputPath", mcp.Description("Write the whole capture to this new file (.json, or .har with format har) and return the summary. An absolute path, or a bare name for tabtap's captures folder.")),
			mcp.WithBoolean("overwrite", mcp.Description("Let outputPath replace an existing file. Default false.")),
			maxResultParam(),
		},
		run: func(ctx context.Context, a api.StopCaptureArgs, share int) (api.StopResult, error) {
			a.MaxResultBytes = withLimit(share)
			return forward[api.StopCaptureArgs, api.StopResult](ctx, r, api.StopCapture, a.SessionID, a)
		},
		headline: stopHeadline,
	})
}

func stopHeadline(r api.StopResult) string {
	s := fmt.Sprintf("Capture %s stopped: %d requests, %d responses, %d WebSocket frames, %d streaming responses in %.1f s.",
		r.CaptureID, r.Summary.TotalRequests, r.Summary.TotalResponses, r.Summary.TotalWsFrames, r.Summary.StreamingResponses, float64(r.Duration)/1000)
	if r.EndReason != "" {
		s += " It ended because " + r.EndReason + "."
	}
	if n := r.Dropped.Total(); n > 0 {
		s += fmt.Sprintf(" %d items were dropped to stay within limits (see dropped).", n)
	}
	if r.OutputPath != "" {
		s += fmt.Sprintf(" Everything was written to %s (%d bytes).", r.OutputPath, r.BytesWritten)
	}
	if o := r.Overview; o != nil && o.Groups != nil {
		s += fmt.Sprintf(" Too many requests to name here: the overview groups them and lists %d notable ones.", len(o.Notable))
	}
	if t := r.Truncated; t != nil {
		s += fmt.Sprintf(" Left out of data: %d requests, %d responses, %d frames, %d streams, %d bodies; truncated.hint says how to read them.",
			t.Requests, t.Responses, t.WSFrames, t.StreamingResponses, t.ContentsOmitted)
	}
	return s
}
