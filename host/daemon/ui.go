package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/extension"
	"github.com/tabtap/tabtap/host/har"
	"github.com/tabtap/tabtap/host/ops"
)

// Request serves the extension's requests, made on behalf of its popup.
func (d *Daemon) Request(ctx context.Context, method string, params json.RawMessage) (res any, err error) {
	d.reclaim.around(func() { res, err = d.request(ctx, method, params) })
	return res, err
}

func (d *Daemon) request(ctx context.Context, method string, params json.RawMessage) (any, error) {
	// The popup may ask before the captures of a previous daemon are back.
	select {
	case <-d.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(15 * time.Second):
		return nil, api.Errorf(extension.CodeInternal, "tabtap is still starting; try again in a moment")
	}
	if err := d.mismatched(); err != nil {
		return nil, err
	}
	switch method {
	case extension.MethodUIStatus:
		return d.uiStatus(), nil
	case extension.MethodUIStart:
		return call(params, func(a extension.UIStart) (any, error) { return d.uiStart(ctx, a) })
	case extension.MethodUIStop:
		return call(params, func(a extension.SessionRef) (any, error) {
			// The popup reads the status, not a result: nothing to shape.
			_, c, err := d.captureOf(a.SessionID, "")
			if err != nil {
				return nil, err
			}
			d.stopCapture(c, "")
			return d.uiStatus(), nil
		})
	case extension.MethodUIClear:
		return call(params, func(a extension.SessionRef) (any, error) {
			if _, err := d.clear(a.SessionID); err != nil {
				return nil, err
			}
			return d.uiStatus(), nil
		})
	case extension.MethodUIExport:
		return call(params, func(a extension.UIExport) (any, error) { return d.uiExport(a) })
	}
	return nil, api.Errorf(extension.CodeInvalidArgument, "unknown request %q", method)
}

func (d *Daemon) uiStatus() extension.UIStatus {
	clients := 0
	if d.server != nil {
		clients = d.server.Clients()
	}
	return extension.UIStatus{Captures: d.captureStates(), Browser: d.browserLabel(), Clients: clients}
}

// uiStart captures a tab for a person, with the default options.
func (d *Daemon) uiStart(ctx context.Context, a extension.UIStart) (extension.UIStatus, error) {
	var tab extension.Tab
	if err := d.conn.Call(ctx, extension.MethodTabsGet, extension.TabRef{TabID: a.TabID}, &tab); err != nil {
		return extension.UIStatus{}, browserError(fmt.Sprintf("finding tab %d", a.TabID), err)
	}
	s := d.newSession(tab)
	args := api.StartCaptureArgs{SessionID: s.id}
	args.Reload = a.Reload
	if _, err := d.startCapture(ctx, args, "popup"); err != nil {
		d.closeSession(s.id)
		return extension.UIStatus{}, err
	}
	return d.uiStatus(), nil
}

// uiExport returns a capture for the popup's download button.
func (d *Daemon) uiExport(a extension.UIExport) (extension.UIExportResult, error) {
	s, c, err := d.captureOf(a.SessionID, "")
	if err != nil {
		return extension.UIExportResult{}, err
	}
	res := ops.Whole(ops.Held{SessionID: s.id, Capture: c})
	stamp := res.StartTime.Local().Format("2006-01-02T15-04-05")
	switch a.Format {
	case "json":
		b, err := api.Encode(res, false)
		if err != nil {
			return extension.UIExportResult{}, fmt.Errorf("encoding the capture: %w", err)
		}
		return extension.UIExportResult{FileName: fmt.Sprintf("tabtap-%s.json", stamp), Content: b}, nil
	case "", "har":
		b, err := api.Encode(har.Build(res, d.opts.Version), false)
		if err != nil {
			return extension.UIExportResult{}, fmt.Errorf("encoding the HAR: %w", err)
		}
		return extension.UIExportResult{FileName: fmt.Sprintf("tabtap-%s.har", stamp), Content: b}, nil
	}
	return extension.UIExportResult{}, api.Errorf(extension.CodeInvalidArgument, "unknown format %q: use har or json", a.Format)
}
