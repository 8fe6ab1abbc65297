package e2e

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
)

// loadedCapture captures /busy with n fetches and frames frames in real
// Chromium and stops it; the capture stays readable.
func loadedCapture(b *testing.B, n, frames int) (*env, string) {
	e := newEnv(b)
	site := newBusySite(b)
	e.launch()
	var sess api.Session
	e.tool("initialize_session", map[string]any{"url": "about:blank"}, &sess)
	e.tool("start_network_capture", map[string]any{"sessionId": sess.SessionID,
		"url": site.URL + "/busy?n=" + itoa(n) + "&frames=" + itoa(frames)}, nil)
	select {
	case <-site.done:
	case <-time.After(5 * time.Minute):
		b.Fatal("the load page did not finish")
	}
	deadline := time.Now().Add(time.Minute)
	for {
		var st api.StatusResult
		e.tool("get_network_capture_status", map[string]any{"sessionId": sess.SessionID}, &st)
		c := st.CurrentStats
		if c.Requests >= n && c.Responses >= c.Requests && c.WSFrames >= frames {
			b.Logf("captured %d requests, %d frames, %d bytes held", c.Requests, c.WSFrames, st.BytesHeld)
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("the capture holds %+v", c)
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.tool("stop_network_capture", map[string]any{"sessionId": sess.SessionID}, nil)
	return e, sess.SessionID
}

// BenchmarkStopResult is the default stop_network_capture result of a
// 2,000-request, 20,000-frame capture of real Chromium, through `tabtap
// mcp` and its socket to the daemon, as an MCP client receives it.
//
//	go test ./host/e2e -run xxx -bench StopResult -benchtime 20x
func BenchmarkStopResult(b *testing.B) {
	e, session := loadedCapture(b, 2000, 20000)
	size := 0
	b.ResetTimer()
	for b.Loop() {
		res, err := e.call("stop_network_capture", map[string]any{"sessionId": session})
		if err != nil || res.IsError {
			b.Fatalf("%v %s", err, text(res))
		}
		size = wireSize(res)
	}
	b.ReportMetric(float64(size), "result-bytes")
}

// BenchmarkStopToFile writes the same capture whole with outputPath.
//
//	go test ./host/e2e -run xxx -bench StopToFile -benchtime 10x
func BenchmarkStopToFile(b *testing.B) {
	e, session := loadedCapture(b, 2000, 20000)
	dir := b.TempDir()
	var written int64
	i := 0
	b.ResetTimer()
	for b.Loop() {
		i++
		var res api.StopResult
		e.tool("stop_network_capture", map[string]any{"sessionId": session, "outputPath": filepath.Join(dir, "c"+itoa(i)+".json")}, &res)
		written = res.BytesWritten
	}
	b.ReportMetric(float64(written)/1e6, "file-MB")
}
