package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/ops"
)

// handler serves one tool: the arguments are checked here, before they
// travel, then go as they are to the daemon the tool's route picks, whose
// result comes back as the client gets it.
func (r router) handler(op ops.Op) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		args, err := json.Marshal(req.GetRawArguments())
		if err == nil {
			err = op.Check(args)
		}
		if err == nil {
			var res *mcp.CallToolResult
			if res, err = r.serve(ctx, op, args); err == nil {
				return res, nil
			}
		}
		return mcp.NewToolResultError(err.Error()), nil
	}
}

// serve runs a call on the daemon (or daemons) its route picks.
func (r router) serve(ctx context.Context, op ops.Op, args json.RawMessage) (*mcp.CallToolResult, error) {
	switch op.Route() {
	case ops.Everyone:
		return r.everyone(ctx, op, args)
	case ops.ByTab:
		var a api.InitializeSessionArgs
		_ = json.Unmarshal(args, &a) // Check has read them
		return r.initialize(ctx, a, func(d Daemon) (*mcp.CallToolResult, error) { return call(ctx, d, op.Name(), args) })
	}
	var a struct {
		SessionID string `json:"sessionId"`
	}
	_ = json.Unmarshal(args, &a)
	d, err := r.bySession(ctx, a.SessionID)
	if err != nil {
		return nil, err
	}
	return call(ctx, d, op.Name(), args)
}

// call runs one tool on a daemon. A daemon answers with the result as
// the client gets it; one that answers otherwise is of an older tabtap,
// from before the daemon fitted results itself.
func call(ctx context.Context, d Daemon, name string, args json.RawMessage) (*mcp.CallToolResult, error) {
	var res mcp.CallToolResult
	if err := d.Call(ctx, name, args, &res); err != nil {
		return nil, err
	}
	if len(res.Content) == 0 {
		return nil, api.Errorf(api.CodeVersionMismatch, "%s runs an older tabtap, whose answer to %s this one cannot read: restart the browser so that it starts the tabtap installed now", d.Label(), name)
	}
	return &res, nil
}

// everyone runs one tool on every daemon and merges the results. A
// daemon that fails is named, with why, unless it is the only one.
func (r router) everyone(ctx context.Context, op ops.Op, args json.RawMessage) (*mcp.CallToolResult, error) {
	ds, err := r.all(ctx)
	if err != nil {
		return nil, err
	}
	var parts []*mcp.CallToolResult
	var failed []string
	for _, d := range ds {
		res, err := call(ctx, d, op.Name(), args)
		if err != nil {
			if len(ds) == 1 {
				return nil, err
			}
			failed = append(failed, failure(d, err))
			continue
		}
		parts = append(parts, res)
	}
	return op.Merge(args, parts, failed)
}

// failure says which daemon failed and why, naming it once.
func failure(d Daemon, err error) string {
	if msg := err.Error(); strings.HasPrefix(msg, d.Label()) {
		return msg
	}
	return fmt.Sprintf("%s: %v", d.Label(), err)
}
