package daemon

import (
	"context"
	"encoding/json"

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
