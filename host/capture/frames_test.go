package capture

import (
	"encoding/base64"
	"testing"

	"github.com/tabtap/tabtap/host/api"
)

// Frames keep the browser's text, or its base64 for binary opcodes; a
// payload over maxBodyBytes is cut (never inside a character) and marked,
// and a binary payload that is not base64 is left out.
func TestFramesTextBinaryAndCut(t *testing.T) {
	max := 8
	c, _ := started(t, api.Settings{MaxBodyBytes: &max})
	frame := func(opcode int, payload string) map[string]any {
		return map[string]any{"requestId": "ws", "timestamp": t0, "response": map[string]any{"opcode": opcode, "mask": false, "payloadData": payload}}
	}
	bin := base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 3})
	long := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef"))
	feed(c,
		"Network.webSocketFrameReceived", frame(1, "tick"),
		"Network.webSocketFrameReceived", frame(1, "aéééé"), // cut inside the last é
		"Network.webSocketFrameSent", frame(2, bin),
		"Network.webSocketFrameSent", frame(2, long),
		"Network.webSocketFrameSent", frame(2, "not base64!"),
	)
	d := c.Data()
	if len(d.WSFrames) != 4 {
		t.Fatalf("kept %d frames: %+v", len(d.WSFrames), d.WSFrames)
	}
	for i, want := range []api.WSFrame{
		{Direction: "received", Opcode: 1, Payload: "tick", Length: 4},
		{Direction: "received", Opcode: 1, Payload: "aééé", Length: 9, Truncated: true},
		{Direction: "sent", Opcode: 2, Payload: bin, Length: 4, Binary: true},
		{Direction: "sent", Opcode: 2, Payload: base64.StdEncoding.EncodeToString([]byte("01234567")), Length: 16, Binary: true, Truncated: true},
	} {
		f := d.WSFrames[i]
		if f.Direction != want.Direction || f.Opcode != want.Opcode || f.Payload != want.Payload || f.Length != want.Length || f.Binary != want.Binary || f.Truncated != want.Truncated {
			t.Errorf("frame %d: %+v, want %+v", i, f, want)
		}
	}
}
