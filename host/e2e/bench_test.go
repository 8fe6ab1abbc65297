package e2e

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// BenchmarkLoad10x captures ten times the load page (20,000 fetches, then
// 200,000 WebSocket frames; TABTAP_LOAD_SCALE changes it) in one capture
// per iteration, at the default options, and reports how long after the
// page finished the capture held everything its server sent (lag-s, to the
// 100 ms the status is polled at), the daemon's resident memory at its
// highest while capturing and 3 s after the stop, and the stop's latency
// (a 20 KB result).
//
//	go test ./host/e2e -run xxx -bench Load10x -benchtime 3x -timeout 30m
func BenchmarkLoad10x(b *testing.B) {
	scale := 10
	if os.Getenv("TABTAP_LOAD_SCALE") != "" {
		scale = loadScale(b)
	}
	e := newEnv(b)
	e.launch()
	var lag, stop, during, after, page float64
	n := 0
	for b.Loop() {
		run := e.captureLoad(2000*scale, 20000*scale, nil)
		n++
		lag += run.lag.Seconds()
		stop += run.stopTook.Seconds()
		page += run.site.pageTime().Seconds()
		during = max(during, run.during)
		after = max(after, run.settled)
		b.Logf("run %d: page %v, lag %v, stop %v, RSS %.0f MB capturing, %.0f MB after the stop", n, run.site.pageTime().Round(time.Millisecond),
			run.lag.Round(time.Millisecond), run.stopTook.Round(time.Millisecond), run.during, run.settled)
	}
	b.ReportMetric(page/float64(n), "page-s")
	b.ReportMetric(lag/float64(n), "lag-s")
	b.ReportMetric(stop/float64(n), "stop-s")
	b.ReportMetric(during, "rss-capturing-MB")
	b.ReportMetric(after, "rss-after-stop-MB")
}

// BenchmarkOverFloor runs the load page (TABTAP_LOAD_SCALE multiplies it)
// in turns under tabtap (a capture at the default options) and under the
// chrome.debugger floor (../shared/floor in mode listen: attach, enable
// Network, ignore every event), each turn in a browser of its own, and
// reports the ratio of the page's times (from its document to its last
// request, as its server sees them), tabtap over floor, summed over the
// iterations. TABTAP_FLOOR_MODE picks another mode of the floor
// (native-batch adds a native port to a host that discards what it reads;
// bodies fetches every body), and TABTAP_LOAD_OPTIONS, a JSON object,
// gives start_network_capture more arguments ({"captureBodies": false}),
// to tell what each part costs.
//
//	go test ./host/e2e -run xxx -bench OverFloor -benchtime 5x
func BenchmarkOverFloor(b *testing.B) {
	scale := loadScale(b)
	mode := cmp.Or(os.Getenv("TABTAP_FLOOR_MODE"), "listen")
	var opts map[string]any
	if o := os.Getenv("TABTAP_LOAD_OPTIONS"); o != "" {
		if err := json.Unmarshal([]byte(o), &opts); err != nil {
			b.Fatalf("TABTAP_LOAD_OPTIONS: %v", err)
		}
	}
	e := newEnv(b)
	e.launch()
	var tabtap, floor time.Duration
	for b.Loop() {
		f := floorPageTime(b, mode, 2000*scale, 20000*scale)
		run := e.captureLoad(2000*scale, 20000*scale, opts)
		tt := run.site.pageTime()
		// The floor's browser ends with its page: each turn starts with
		// no load page of the last one open (its socket, its renderer).
		e.closeTab(run.site.URL + "/load")
		b.Logf("floor (%s) %v, tabtap %v: %.3f", mode, f.Round(time.Millisecond), tt.Round(time.Millisecond), tt.Seconds()/f.Seconds())
		floor += f
		tabtap += tt
	}
	b.ReportMetric(tabtap.Seconds()/floor.Seconds(), "tabtap/floor")
	b.ReportMetric(floor.Seconds()/float64(b.N), "floor-s")
	b.ReportMetric(tabtap.Seconds()/float64(b.N), "tabtap-s")
}

// floorPageTime runs the load page once in a browser of its own with the
// floor extension in the given mode, and returns the page's time.
func floorPageTime(b *testing.B, mode string, fetches, frames int) time.Duration {
	b.Helper()
	site := newLoadSite(b, fetches, frames)
	ext, profile := b.TempDir(), b.TempDir()
	for _, f := range []string{"manifest.json", "sw.js"} {
		src, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "floor", f))
		if err != nil {
			b.Fatalf("the floor extension: %v", err)
		}
		if err := os.WriteFile(filepath.Join(ext, f), src, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	variant, _ := json.Marshal(map[string]string{"mode": mode, "url": site.URL + "/load"})
	if err := os.WriteFile(filepath.Join(ext, "variant.json"), variant, 0o600); err != nil {
		b.Fatal(err)
	}
	sinkOut := filepath.Join(profile, "sink.out")
	if strings.HasPrefix(mode, "native") {
		// A host that keeps what it reads in a file, where the floor looks
		// for it: the file's last growth is when the last event came.
		sink := filepath.Join(ext, "sink.sh")
		// Not exec: the shell keeps the host's stdout open, whose end
		// Chromium reads as the host exiting.
		if err := os.WriteFile(sink, []byte("#!/bin/sh\ncat >"+sinkOut+"\n"), 0o700); err != nil {
			b.Fatal(err)
		}
		id := floorExtensionID(b, ext)
		manifest, _ := json.Marshal(map[string]any{"name": "dev.floor.sink", "description": "discards", "path": sink, "type": "stdio",
			"allowed_origins": []string{"chrome-extension://" + id + "/"}})
		dir := filepath.Join(profile, "NativeMessagingHosts")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "dev.floor.sink.json"), manifest, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	cmd := exec.Command(findChromium(b), chromiumArgs(profile, ext)...)
	ownProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		b.Fatalf("starting Chromium: %v", err)
	}
	defer func() {
		stopProcessGroup(cmd, true)
		cmd.Wait()
	}()
	select {
	case <-site.done:
	case <-time.After(time.Duration(max(1, frames/20000)) * 90 * time.Second):
		b.Fatalf("the load page did not finish under the floor: %d frames sent", site.sent.Load())
	}
	lag := "not measured (no native port)"
	if strings.HasPrefix(mode, "native") {
		d, size := sinkLag(sinkOut, time.Unix(0, site.ended.Load()))
		lag = fmt.Sprintf("%v (%d MB of them)", d.Round(100*time.Millisecond), size>>20)
	}
	b.Logf("floor (%s): page %v (%s), its events came %s after the page", mode, site.pageTime().Round(time.Millisecond), site.phases(), lag)
	return site.pageTime()
}

// sinkLag watches the file a native sink writes until it has not grown
// for 3 s, and says how long after the page ended it last grew (to the
// 100 ms it is polled at), and how many bytes it holds.
func sinkLag(path string, ended time.Time) (time.Duration, int64) {
	var size int64
	last := time.Now()
	for time.Since(last) < 3*time.Second {
		if st, err := os.Stat(path); err == nil && st.Size() != size {
			size, last = st.Size(), time.Now()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return max(0, last.Sub(ended)), size
}

// floorExtensionID is the ID Chromium gives an unpacked extension without
// a key: the first 32 hex digits of the SHA-256 of its folder's path,
// 0-9a-f written as a-p.
func floorExtensionID(b *testing.B, dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256([]byte(abs))
	id := []byte(hex.EncodeToString(sum[:16]))
	for i, c := range id {
		if c >= 'a' {
			id[i] = 'a' + 10 + (c - 'a')
		} else {
			id[i] = 'a' + (c - '0')
		}
	}
	return string(id)
}

// BenchmarkSearchTool is search_network_capture over a capture of real
// Chromium, through `tabtap mcp` and its socket to the daemon, for a
// value one response holds: the whole capture is read each call.
// TABTAP_LOAD_SCALE=10 makes it 20,000 requests and 200,000 frames.
//
//	go test ./host/e2e -run xxx -bench SearchTool -benchtime 10x
func BenchmarkSearchTool(b *testing.B) {
	n := 2000 * loadScale(b)
	e, session := loadedCapture(b, n, 10*n)
	query := fmt.Sprintf(`"name":"item %d"`, n-1)
	var r searchResult
	b.ResetTimer()
	for b.Loop() {
		e.tool("search_network_capture", map[string]any{"sessionId": session, "query": query}, &r)
	}
	if r.Total != 1 {
		b.Fatalf("%q: %+v", query, r)
	}
	b.ReportMetric(float64(r.Searched.Bytes)/1e6, "MB-searched")
	b.ReportMetric(float64(r.Searched.Records), "records")
}

// BenchmarkDescribeTool is describe_api over the same capture.
//
//	go test ./host/e2e -run xxx -bench DescribeTool -benchtime 5x
func BenchmarkDescribeTool(b *testing.B) {
	n := 2000 * loadScale(b)
	e, session := loadedCapture(b, n, 10*n)
	size := 0
	b.ResetTimer()
	for b.Loop() {
		res, err := e.call("describe_api", map[string]any{"sessionId": session})
		if err != nil || res.IsError {
			b.Fatalf("%v %s", err, text(res))
		}
		size = wireSize(res)
	}
	b.ReportMetric(float64(size), "result-bytes")
}
