package capture

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
)

// TestFrameStoreKeepsEveryField puts frames of every kind through the
// compact store, across chunks and payload blocks, and reads each back as
// it went in.
func TestFrameStoreKeepsEveryField(t *testing.T) {
	at := time.Date(2026, 12, 2, 10, 0, 0, 123456000, time.UTC)
	var in []api.WSFrame
	for i := range 3*frameChunk + 17 {
		f := api.WSFrame{
			RequestID: fmt.Sprintf("ws%d", i%3), URL: fmt.Sprintf("wss://app.test/%d", i%3), Direction: "received",
			Opcode: 1, Payload: fmt.Sprintf(`{"seq":%d}`, i), Timestamp: at.Add(time.Duration(i) * time.Microsecond),
			Source: api.Source{TabID: int64(1 + i%2), Target: "page"},
		}
		f.Length = len(f.Payload)
		switch i % 7 {
		case 1:
			f.Direction, f.Opcode, f.Binary, f.Payload = "sent", 2, true, "AAEC"
			f.Length = 3
		case 2:
			f.Payload, f.Truncated, f.Length = strings.Repeat("x", ownBlock+5), true, 1<<40
		case 3:
			f.Payload, f.Timestamp, f.Opcode = "", time.Time{}, 9
		case 4:
			f.Redacted, f.ContentOmitted = []string{"payload"}, true
			f.Source = api.Source{TabID: 7, Target: "worker", TargetID: "T1"}
		}
		in = append(in, f)
	}
	var s frameStore
	for i := range in {
		s.add(&in[i])
	}
	if s.len != len(in) || len(s.sockets) != 9 {
		t.Fatalf("the store holds %d frames of %d sockets, want %d of 9", s.len, len(s.sockets), len(in))
	}
	v := s.view()
	s.add(&in[0]) // a frame added after the view is not in it
	got := v.frames(0, len(in)+1)
	if len(got) != len(in) {
		t.Fatalf("the view has %d frames, want %d", len(got), len(in))
	}
	for i := range in {
		if !reflect.DeepEqual(got[i], in[i]) {
			t.Fatalf("frame %d comes back as\n%+v\nwant\n%+v", i, got[i], in[i])
		}
	}
	if tail := v.frames(len(in)-2, len(in)); len(tail) != 2 || !reflect.DeepEqual(tail[1], in[len(in)-1]) {
		t.Errorf("frames(len-2, len) = %+v", tail)
	}
}
