package daemon

import (
	"context"
	"encoding/json"

	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/relay"
)

// relayBrowser is the browser as captures see it: chrome.debugger through
// the extension.
type relayBrowser struct {
	conn *relay.Conn
}

func (b *relayBrowser) Attach(ctx context.Context, tabID int64, followPopups bool) error {
	return b.conn.Call(ctx, relay.MethodDebuggerAttach, relay.Attach{TabID: tabID, FollowPopups: followPopups}, nil)
}

func (b *relayBrowser) Detach(ctx context.Context, tabID int64) error {
	return b.conn.Call(ctx, relay.MethodDebuggerDetach, relay.TabRef{TabID: tabID}, nil)
}

func (b *relayBrowser) Send(ctx context.Context, t capture.Target, method string, params any, maxField int) (json.RawMessage, error) {
	return b.conn.CallRaw(ctx, relay.MethodDebuggerSend, relay.Command{
		TabID: t.TabID, SessionID: t.SessionID, Method: method, Params: params, MaxFieldLength: maxField,
	})
}
