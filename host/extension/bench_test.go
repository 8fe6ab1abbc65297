package extension

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/tabtap/tabtap/host/nativemsg"
)

// batchHandler decodes event batches as the daemon does.
type batchHandler struct{ events int }

func (h *batchHandler) Notify(method string, params json.RawMessage) {
	var b EventBatch
	if b.Decode(params) == nil {
		h.events += len(b.Events)
	}
}

func (h *batchHandler) Request(context.Context, string, json.RawMessage) (any, error) {
	return nil, nil
}

// BenchmarkEventBatches measures reading cdp.events batches of 500 events
// off the port and splitting them into events: ns/op is per event.
func BenchmarkEventBatches(b *testing.B) {
	var evs []Event
	for i := range 500 {
		p := fmt.Sprintf(`{"requestId":"ws","timestamp":%d.5,"response":{"opcode":1,"mask":false,"payloadData":"{\"type\":\"tick\",\"seq\":%d}"}}`, 1000+i, i)
		evs = append(evs, Event{TabID: 7, Method: "Network.webSocketFrameReceived", Params: json.RawMessage(p)})
	}
	params, _ := json.Marshal(EventBatch{Events: evs})
	msg, _ := json.Marshal(Message{Method: MethodCDPEvents, Params: params})
	var frame bytes.Buffer
	w := nativemsg.NewWriter(&frame, nativemsg.MaxFromBrowser)
	if err := w.Write(msg); err != nil {
		b.Fatal(err)
	}
	batches := b.N/len(evs) + 1
	stream := bytes.Repeat(frame.Bytes(), batches)
	h := &batchHandler{}
	c := New(bytes.NewReader(stream), io.Discard, h, slog.New(slog.DiscardHandler))
	b.SetBytes(int64(frame.Len() / len(evs)))
	b.ResetTimer()
	if err := c.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	if h.events != batches*len(evs) {
		b.Fatalf("%d events, want %d", h.events, batches*len(evs))
	}
	b.ReportMetric(float64(h.events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkBodyRequestEncoding measures encoding one debugger.send of
// Network.getResponseBody, the call the daemon makes once per response,
// as Conn.CallRaw does: its params, then its envelope.
func BenchmarkBodyRequestEncoding(b *testing.B) {
	type requestRef struct {
		RequestID string `json:"requestId"`
	}
	for b.Loop() {
		p, err := json.Marshal(Command{TabID: 7, SessionID: "B3F0C1D2", Method: "Network.getResponseBody",
			Params: requestRef{"1234.567"}, MaxFieldLength: 6990508})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := (Message{ID: 99, Method: MethodDebuggerSend, Params: p}).AppendJSON(nil); err != nil {
			b.Fatal(err)
		}
	}
}
