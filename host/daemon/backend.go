package daemon

import (
	"context"
	"encoding/json"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/ops"
)

// handle serves one operation for an MCP process: a tool of the
// registry, or one of the two operations of the link that no tool has.
func (d *Daemon) handle(ctx context.Context, method string, params json.RawMessage) (res any, err error) {
	d.reclaim.around(func() { res, err = d.serve(ctx, method, params) })
	return res, err
}

func (d *Daemon) serve(ctx context.Context, method string, params json.RawMessage) (any, error) {
	if err := d.mismatched(); err != nil {
		return nil, err
	}
	b := backend{d}
	switch method {
	case api.ActiveTab:
		return d.activeTab(ctx)
	case api.ReadCapture:
		return ops.ReadCapture(ctx, b, params)
	}
	if op, ok := ops.Find(method); ok {
		return op.Serve(ctx, b, params)
	}
	return nil, api.Errorf(api.CodeInvalid, "unknown operation %q", method)
}

// backend is the daemon as agents' operations see it (ops.Backend).
type backend struct{ d *Daemon }

func (b backend) ListTabs(ctx context.Context) (api.ListTabsResult, error) { return b.d.listTabs(ctx) }

func (b backend) InitializeSession(ctx context.Context, a api.InitializeSessionArgs) (api.Session, error) {
	return b.d.initializeSession(ctx, a)
}

func (b backend) StartCapture(ctx context.Context, a api.StartCaptureArgs) (api.StartCaptureResult, error) {
	return b.d.startCapture(ctx, a, "agent")
}

func (b backend) Status(id string) (api.StatusResult, error)             { return b.d.status(id) }
func (b backend) Clear(id string) (api.ClearResult, error)               { return b.d.clear(id) }
func (b backend) ListCaptures() api.ListCapturesResult                   { return b.d.listCaptures() }
func (b backend) CloseSession(id string) (api.CloseSessionResult, error) { return b.d.closeSession(id) }
func (b backend) Stop(c *capture.Capture)                                { b.d.stopCapture(c, "") }
func (b backend) Version() string                                        { return b.d.opts.Version }

func (b backend) SendRequest(ctx context.Context, a api.SendRequestArgs) (ops.Sent, error) {
	return b.d.sendRequest(ctx, a)
}

func (b backend) Capture(id, captureID string) (ops.Held, error) {
	s, c, err := b.d.captureOf(id, captureID)
	if err != nil {
		return ops.Held{}, err
	}
	return ops.Held{SessionID: s.id, Capture: c}, nil
}
