package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/ops"
)

// resourceHooks list the captures among the resources.
func resourceHooks(r router) *server.Hooks {
	h := &server.Hooks{}
	h.AddAfterListResources(func(ctx context.Context, _ any, _ *mcp.ListResourcesRequest, res *mcp.ListResourcesResult) {
		caps, _ := captures(ctx, r)
		res.Resources = append(res.Resources, ops.Resources(caps)...)
	})
	return h
}

// addResources registers the template that reads the captures.
func addResources(s *server.MCPServer, r router) {
	s.AddResourceTemplate(mcp.NewResourceTemplate(ops.CaptureTemplate, "A tabtap capture",
		mcp.WithTemplateDescription("A capture held by a browser: view is summary.json (the default stop_network_capture result), capture.json (everything) or capture.har (HAR 1.2). Reading stops nothing."),
		mcp.WithTemplateMIMEType("application/json")),
		func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			a, err := parseCaptureURI(req.Params.URI)
			if err != nil {
				return nil, err
			}
			d, err := r.bySession(ctx, a.SessionID)
			if err != nil {
				return nil, err
			}
			var raw json.RawMessage
			if err := d.Call(ctx, api.ReadCapture, a, &raw); err != nil {
				return nil, err
			}
			return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: "application/json", Text: string(raw)}}, nil
		})
}

func parseCaptureURI(uri string) (api.ReadCaptureArgs, error) {
	rest, ok := strings.CutPrefix(uri, "tabtap://captures/")
	parts := strings.Split(rest, "/")
	if !ok || len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return api.ReadCaptureArgs{}, fmt.Errorf("%s is not a tabtap capture: capture URIs look like tabtap://captures/s-3f2a-1/capture_3f2a_2/summary.json (resources/list names them)", uri)
	}
	return api.ReadCaptureArgs{SessionID: parts[0], CaptureID: parts[1], View: parts[2]}, nil
}

// captures lists what every connected browser holds.
func captures(ctx context.Context, r router) ([]api.CaptureInfo, error) {
	ds, err := r.all(ctx)
	if err != nil {
		return nil, err
	}
	var out []api.CaptureInfo
	for _, d := range ds {
		res, err := call(ctx, d, api.ListCaptures, nil)
		var one api.ListCapturesResult
		if err == nil && json.Unmarshal(res.RawStructuredContent, &one) == nil {
			out = append(out, one.Captures...)
		}
	}
	return out, nil
}

// WatchCaptures tells the clients of s when the list of captures changes
// (a capture starts, stops or goes), checking every interval until ctx
// ends, so that clients showing resources can refresh them.
func WatchCaptures(ctx context.Context, s *server.MCPServer, b Backend, interval time.Duration) {
	r := router{b: b}
	var last uint64
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cctx, cancel := context.WithTimeout(ctx, interval)
		caps, err := captures(cctx, r)
		cancel()
		if err != nil && api.CodeOf(err) != api.CodeNoBrowser {
			continue
		}
		h := fnv.New64a()
		for _, c := range caps {
			fmt.Fprintf(h, "%s/%s/%s;", c.SessionID, c.CaptureID, c.Status)
		}
		if sum := h.Sum64(); sum != last {
			if last != 0 || len(caps) > 0 {
				s.SendNotificationToAllClients(mcp.MethodNotificationResourcesListChanged, nil)
			}
			last = sum
		}
	}
}
