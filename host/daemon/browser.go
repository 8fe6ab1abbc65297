package daemon

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/extension"
)

// extensionBrowser is the browser as captures see it: chrome.debugger through
// the extension.
type extensionBrowser struct {
	conn *extension.Conn
}

func (b *extensionBrowser) Attach(ctx context.Context, tabID int64, followPopups bool) error {
	return b.conn.Call(ctx, extension.MethodDebuggerAttach, extension.Attach{TabID: tabID, FollowPopups: followPopups}, nil)
}

func (b *extensionBrowser) Detach(ctx context.Context, tabID int64) error {
	return b.conn.Call(ctx, extension.MethodDebuggerDetach, extension.TabRef{TabID: tabID}, nil)
}

func (b *extensionBrowser) Send(ctx context.Context, t capture.Target, method string, params any, maxField int) (json.RawMessage, error) {
	return b.conn.CallRaw(ctx, extension.MethodDebuggerSend, extension.Command{
		TabID: t.TabID, SessionID: t.SessionID, Method: method, Params: params, MaxFieldLength: maxField,
	})
}

func (b *extensionBrowser) ReadBodies(ctx context.Context, tabID int64, maxFieldLength int) error {
	return b.conn.Call(ctx, extension.MethodDebuggerBodies, extension.Bodies{TabID: tabID, MaxFieldLength: maxFieldLength}, nil)
}

func (b *extensionBrowser) Drain(ctx context.Context, tabID int64) ([]string, error) {
	var res extension.Drained
	if err := b.conn.Call(ctx, extension.MethodDebuggerDrain, extension.TabRef{TabID: tabID}, &res); err != nil {
		return nil, err
	}
	var missed []string
	for _, m := range res.Missed {
		what := fmt.Sprintf("tab %d", tabID)
		if m.SessionID != "" {
			what = fmt.Sprintf("a child target (session %s) of tab %d", m.SessionID, tabID)
		}
		missed = append(missed, fmt.Sprintf("%s (%s)", what, m.Reason))
	}
	return missed, nil
}
