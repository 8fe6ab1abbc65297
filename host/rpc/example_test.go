package rpc_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tabtap/tabtap/host/rpc"
)

// A link's read loop decodes each frame and hands responses to the calls
// waiting for them; here the other side answers at once.
func ExampleCalls() {
	var calls rpc.Calls
	send := func(m rpc.Message) error {
		// The other side serves the request…
		reply, _ := rpc.Answer(m, func() (any, error) {
			return nil, rpc.Errorf("no_tab", "No tab with id: 812.")
		})
		// …and the read loop delivers its response.
		b, _ := json.Marshal(reply)
		go func() {
			if m, err := rpc.Decode(b); err == nil && m.IsResponse() {
				calls.Deliver(m)
			}
		}()
		return nil
	}
	_, err := calls.Call(context.Background(), "tabs.get", map[string]int{"tabId": 812}, send)
	fmt.Println(rpc.CodeOf(err), "-", err)
	// Output: no_tab - No tab with id: 812.
}
