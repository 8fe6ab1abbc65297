package capture

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/tabtap/tabtap/host/api"
	"runtime"
	"testing"
)

// recordedMix is a page load's worth of events: a request, its extra info,
// its response, data and the end, as the browser sends them.
func recordedMix(n int) []Event {
	var out []Event
	add := func(method string, params any) {
		b, err := json.Marshal(params)
		if err != nil {
			panic(err)
		}
		out = append(out, Event{TabID: 1, Method: method, Params: b})
	}
	for i := range n {
		id := fmt.Sprintf("1000.%d", i)
		url := fmt.Sprintf("https://app.test/api/items/%d?page=2", i)
		ts := t0 + float64(i)*0.001
		add("Network.requestWillBeSent", req(id, url, "GET", ts, nil))
		add("Network.requestWillBeSentExtraInfo", map[string]any{"requestId": id, "associatedCookies": []any{}, "headers": map[string]any{"Cookie": "sid=1", "Accept": "*/*"}, "connectTiming": map[string]any{"requestTime": ts}})
		add("Network.responseReceived", resp(id, url, 200, ts+0.01, map[string]any{"Content-Type": "application/json", "Content-Length": "120", "Cache-Control": "no-store"}, "application/json"))
		add("Network.dataReceived", map[string]any{"requestId": id, "timestamp": ts + 0.011, "dataLength": 120, "encodedDataLength": 120})
		add("Network.loadingFinished", finished(id, ts+0.012))
	}
	return out
}

func frames(n int) []Event {
	out := make([]Event, n)
	for i := range out {
		b, _ := json.Marshal(map[string]any{"requestId": "ws", "timestamp": t0 + float64(i)*0.0001,
			"response": map[string]any{"opcode": 1, "mask": false, "payloadData": `{"type":"tick","seq":` + fmt.Sprint(i) + `,"price":101.25}`}})
		out[i] = Event{TabID: 1, Method: "Network.webSocketFrameReceived", Params: b}
	}
	return out
}

func benchCapture(b *testing.B) *Capture { return benchCaptureRedacting(b, true) }

// benchCaptureRedacting is benchCapture with redaction on or off.
func benchCaptureRedacting(b *testing.B, redact bool) *Capture {
	off := false
	n := 1 << 30
	opts, err := api.Settings{CaptureBodies: &off, MaxEntries: &n, RedactSecrets: &redact}.Resolve()
	if err != nil {
		b.Fatal(err)
	}
	c := New("bench", 1, opts, newFakeBrowser(), nil)
	if err := c.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	return c
}

// runEvents feeds evs round and round to a capture, clearing it each
// round so that memory stays flat: ns/op is per event.
func runEvents(b *testing.B, evs []Event, unit string) { runEventsRedacting(b, evs, unit, true) }

func runEventsRedacting(b *testing.B, evs []Event, unit string, redact bool) {
	c := benchCaptureRedacting(b, redact)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%len(evs) == 0 {
			c.Clear()
		}
		c.HandleEvent(evs[i%len(evs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
}

// BenchmarkHTTPEvents measures the decoding and assembly of HTTP events.
func BenchmarkHTTPEvents(b *testing.B) { runEvents(b, recordedMix(2000), "events/s") }

// BenchmarkWebSocketFrames measures a chatty WebSocket.
func BenchmarkWebSocketFrames(b *testing.B) { runEvents(b, frames(10000), "frames/s") }

// BenchmarkLearning is what learning secrets costs on the event path: the
// HTTP events and the WebSocket frames above with redaction on (the
// default) and off; ns/op is per event.
func BenchmarkLearning(b *testing.B) {
	for _, c := range []struct {
		name string
		evs  []Event
		unit string
	}{{"http", recordedMix(2000), "events/s"}, {"frames", frames(10000), "frames/s"}} {
		for _, redact := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/redact=%v", c.name, redact), func(b *testing.B) { runEventsRedacting(b, c.evs, c.unit, redact) })
		}
	}
}

// BenchmarkMemoryPerRequest reports the heap a capture holds per recorded
// request (headers, response, timing; no body).
func BenchmarkMemoryPerRequest(b *testing.B) {
	heapPer(b, recordedMix(5000), 5000, "request", func(s api.Summary) int { return s.TotalRequests })
}

// BenchmarkMemoryPerFrame reports the heap a capture holds per recorded
// WebSocket frame of about 45 bytes, payload included.
func BenchmarkMemoryPerFrame(b *testing.B) {
	heapPer(b, frames(100000), 100000, "frame", func(s api.Summary) int { return s.TotalWsFrames })
}

// heapPer feeds evs, n records of a kind, to a new capture and reports the
// heap it holds per record.
func heapPer(b *testing.B, evs []Event, n int, record string, held func(api.Summary) int) {
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c := benchCapture(b)
		for _, ev := range evs {
			c.HandleEvent(ev)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if got := held(c.Status().Summary); got != n {
			b.Fatalf("%d of %d %ss kept", got, n, record)
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n), "bytes/"+record)
		runtime.KeepAlive(c)
	}
}

// BenchmarkSnapshot measures copying out a capture of 5000 requests, as
// stop_network_capture does.
func BenchmarkSnapshot(b *testing.B) {
	c := benchCapture(b)
	for _, ev := range recordedMix(5000) {
		c.HandleEvent(ev)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, d := c.Snapshot()
		if len(d.Requests) != 5000 {
			b.Fatal("short snapshot")
		}
	}
}

// BenchmarkLoadPage10x feeds one capture, at the default options, ten times
// the load page: 20,000 requests, then 200,000 WebSocket frames. It reports
// the Go heap the capture holds, its byte budget's count, the heap while a
// snapshot of it is alive (as stop_network_capture takes one), and what
// was dropped (nothing, at the defaults).
func BenchmarkLoadPage10x(b *testing.B) {
	evs := append(recordedMix(20000), frames(200000)...)
	for i := 0; i < b.N; i++ {
		opts, err := api.Settings{}.Resolve()
		if err != nil {
			b.Fatal(err)
		}
		c := New("bench", 1, opts, newFakeBrowser(), nil)
		if err := c.Start(context.Background()); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var before, held, snap runtime.MemStats
		runtime.ReadMemStats(&before)
		for _, ev := range evs {
			c.HandleEvent(ev)
		}
		settle(c)
		c.Stop("")
		runtime.GC()
		runtime.GC() // and what sync.Pools held
		runtime.ReadMemStats(&held)
		st, d := c.Snapshot()
		runtime.GC()
		runtime.ReadMemStats(&snap)
		if st.Dropped.Total() != 0 || len(d.Requests) != 20000 || len(d.WSFrames) != 200000 {
			b.Fatalf("kept %d requests and %d frames, dropped %+v", len(d.Requests), len(d.WSFrames), st.Dropped)
		}
		mb := func(n uint64) float64 { return float64(n) / (1 << 20) }
		b.ReportMetric(mb(held.HeapAlloc-before.HeapAlloc), "MB-held")
		b.ReportMetric(float64(st.BytesHeld)/(1<<20), "MB-charged")
		b.ReportMetric(mb(snap.HeapAlloc-before.HeapAlloc), "MB-with-snapshot")
		runtime.KeepAlive(d)
		runtime.KeepAlive(evs)
		runtime.KeepAlive(c)
	}
}
