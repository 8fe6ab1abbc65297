package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tabtap/tabtap/host/api"
)

// loadSite is a page that makes many requests, then reads a WebSocket
// that pushes many frames as fast as its server can, and counts what its
// server sent: every request served and every frame written or read. The
// page tells the server when its last frame arrived (arrived), then
// fetches /done, unless its URL says ?quiet. Favicons are off, so the
// requests the server answers are exactly the page's.
type loadSite struct {
	URL      string
	fetches  int
	frames   int
	served   atomic.Int64  // requests answered, every path
	items    atomic.Int64  // /load/item requests answered
	sent     atomic.Int64  // frames the server wrote
	received atomic.Int64  // frames the server read
	arrived  chan struct{} // closed when the page says its last frame arrived
	done     chan struct{}
	once     sync.Once
	// began is when the page was first asked for, ended when it fetched
	// /done: the page's time, as its server sees it. socket is when its
	// WebSocket opened, the end of its fetches.
	began, socket, ended atomic.Int64 // UnixNano
}

// pageTime is how long the page took, from its document to /done.
func (s *loadSite) pageTime() time.Duration {
	return time.Duration(s.ended.Load() - s.began.Load())
}

// phases says how the page's time splits between its fetches and its
// frames.
func (s *loadSite) phases() string {
	return fmt.Sprintf("fetches %v, frames %v", time.Duration(s.socket.Load()-s.began.Load()).Round(time.Millisecond),
		time.Duration(s.ended.Load()-s.socket.Load()).Round(time.Millisecond))
}

// loadScale multiplies the load page's traffic (TABTAP_LOAD_SCALE, 1 by
// default): at 10, 20,000 fetches and 200,000 frames.
func loadScale(t testing.TB) int {
	v := os.Getenv("TABTAP_LOAD_SCALE")
	if v == "" {
		return 1
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("TABTAP_LOAD_SCALE=%q: want a whole number of at least 1", v)
	}
	return n
}

func newLoadSite(t testing.TB, fetches, frames int) *loadSite {
	s := &loadSite{fetches: fetches, frames: frames, arrived: make(chan struct{}), done: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("/load", func(w http.ResponseWriter, r *http.Request) {
		s.began.CompareAndSwap(0, time.Now().UnixNano())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, strings.NewReplacer("{{FETCHES}}", strconv.Itoa(fetches), "{{FRAMES}}", strconv.Itoa(frames)).Replace(loadPageHTML))
	})
	mux.HandleFunc("/load/item", func(w http.ResponseWriter, r *http.Request) {
		s.items.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintf(w, `{"item":%q,"price":101.25,"tags":["a","b"]}`, r.URL.Query().Get("i"))
	})
	mux.HandleFunc("/load/ws", func(w http.ResponseWriter, r *http.Request) {
		s.socket.CompareAndSwap(0, time.Now().UnixNano())
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := r.Context()
		// The page says go, then the server pushes its frames; the page
		// acknowledges the last one.
		if _, _, err := c.Read(ctx); err != nil {
			return
		}
		s.received.Add(1)
		for i := range frames {
			if err := c.Write(ctx, websocket.MessageText, fmt.Appendf(nil, `{"type":"tick","seq":%d,"price":101.25}`, i)); err != nil {
				return
			}
			s.sent.Add(1)
		}
		if _, _, err := c.Read(ctx); err != nil {
			return
		}
		s.received.Add(1)
		close(s.arrived)
		<-ctx.Done() // the socket stays open until the test ends
	})
	mux.HandleFunc("/done", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
		s.once.Do(func() { s.ended.Store(time.Now().UnixNano()); close(s.done) })
	})
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	ln := loopback(t, "127.0.0.1")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.served.Add(1)
		mux.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s.URL = "http://" + ln.Addr().String()
	return s
}

const loadPageHTML = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>tabtap load page</title></head>
<body><div id="out">loading</div>
<script>
(async () => {
  const fetches = {{FETCHES}}, frames = {{FRAMES}};
  let next = 0;
  const worker = async () => {
    while (next < fetches) {
      const i = next++;
      await fetch('/load/item?i=' + i).then(r => r.json());
    }
  };
  await Promise.all(Array.from({length: 12}, worker));
  await new Promise((resolve, reject) => {
    const ws = new WebSocket('ws://' + location.host + '/load/ws');
    let got = 0;
    ws.onopen = () => ws.send('go');
    ws.onmessage = () => { if (++got === frames) { ws.send('got ' + got); resolve(); } };
    ws.onerror = reject;
  });
  document.getElementById('out').textContent = 'done';
  if (!location.search.includes('quiet')) await fetch('/done');
})();
</script>
</body></html>`

// rss reads a process's resident memory and its peak, in MB, from
// /proc/PID/status.
func rss(pid int) (now, peak float64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		switch name {
		case "VmRSS":
			now = kb / 1024
		case "VmHWM":
			peak = kb / 1024
		}
	}
	return now, peak
}

// cpuTime is the CPU time a process used so far, user and system, from
// /proc/PID/stat (0 where there is none).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command's name, which is in parentheses.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	user, _ := strconv.ParseInt(f[11], 10, 64)
	sys, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(user+sys) * (time.Second / 100) // USER_HZ is 100 on Linux
}

// memoryWatch samples a process's resident memory until stopped.
type memoryWatch struct {
	pid    int
	mu     sync.Mutex
	max    float64
	cancel context.CancelFunc
	done   chan struct{}
}

func watchMemory(pid int) *memoryWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &memoryWatch{pid: pid, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			now, _ := rss(pid)
			w.mu.Lock()
			w.max = max(w.max, now)
			w.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// stop ends the watch and returns the highest resident memory seen, in MB.
func (w *memoryWatch) stop() float64 {
	w.cancel()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.max
}

// loadRun is one capture of the load page.
type loadRun struct {
	site           *loadSite
	status         api.StatusResult
	data           *api.Data
	took, stopTook time.Duration
	// noBody counts 200 responses whose body is missing, with why.
	noBody int
	// lag is how long after the page finished the capture held everything
	// the server sent (to the 100 ms its status is polled at).
	lag time.Duration
	// lagCPU is the daemon's CPU time during the lag: near the lag itself
	// when the daemon was catching up, near nothing when the browser was.
	lagCPU time.Duration
	// cpu is the daemon's CPU time from the start of the capture until it
	// held everything.
	cpu time.Duration
	// Resident memory of the daemon, in MB: before the capture, its
	// highest while capturing, its highest during the stop, right after
	// the stop, and a few seconds later.
	before, during, stopping, afterStop, settled float64
}

// captureLoad captures the load page with the given options, waits until
// the capture holds or has counted everything the server sent, stops it,
// and reads the whole capture back from a file.
func (e *env) captureLoad(fetches, frames int, opts map[string]any) loadRun {
	t := e.t
	t.Helper()
	site := newLoadSite(t, fetches, frames)
	var sess api.Session
	e.tool("initialize_session", map[string]any{"url": "about:blank"}, &sess)
	pid := e.daemonPID()
	if pid == 0 {
		t.Fatal("no daemon is registered")
	}
	run := loadRun{site: site}
	run.before, _ = rss(pid)
	args := map[string]any{"sessionId": sess.SessionID, "url": site.URL + "/load"}
	for k, v := range opts {
		args[k] = v
	}
	watch := watchMemory(pid)
	cpu0 := cpuTime(pid)
	start := time.Now()
	e.tool("start_network_capture", args, nil)
	// A minute and a half for each 2,000 fetches and 20,000 frames: the
	// page runs several times slower under any debugger (the frame flood
	// most), on a machine busy with other work.
	slack := time.Duration(max(1, frames/20000)) * 90 * time.Second
	select {
	case <-site.done:
	case <-time.After(slack):
		t.Fatalf("the load page did not finish in %v: %d items, %d frames sent", slack, site.items.Load(), site.sent.Load())
	}
	// Everything the server sent is in the capture, kept or counted as
	// dropped, once the browser's events have come through.
	finished := time.Now()
	cpuAtEnd := cpuTime(pid)
	deadline := time.Now().Add(slack)
	for {
		e.tool("get_network_capture_status", map[string]any{"sessionId": sess.SessionID}, &run.status)
		c, d := run.status.CurrentStats, run.status.Dropped
		if c.Requests+d.Requests >= int(site.served.Load()) && c.WSFrames+d.WSFrames >= int(site.sent.Load()+site.received.Load()) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the capture did not catch up with the server: %+v %+v; the server answered %d requests and exchanged %d frames",
				c, d, site.served.Load(), site.sent.Load()+site.received.Load())
		}
		time.Sleep(100 * time.Millisecond)
	}
	run.took = time.Since(start)
	run.lag = time.Since(finished)
	cpuNow := cpuTime(pid)
	run.cpu, run.lagCPU = cpuNow-cpu0, cpuNow-cpuAtEnd
	run.during = watch.stop()
	profiling := os.Getenv("TABTAP_PROFILE") != ""
	if profiling {
		heapProfile(pid)            // heap-1.pprof: while capturing
		time.Sleep(2 * time.Second) // before the stop changes the heap
	}
	watch = watchMemory(pid)
	stopStart := time.Now()
	e.tool("stop_network_capture", map[string]any{"sessionId": sess.SessionID, "maxResultBytes": 20000}, nil)
	run.stopTook = time.Since(stopStart)
	run.stopping = watch.stop()
	run.afterStop, _ = rss(pid)
	time.Sleep(3 * time.Second)
	run.settled, _ = rss(pid)
	if profiling {
		heapProfile(pid)            // heap-2.pprof: after the stop
		time.Sleep(2 * time.Second) // before the next read changes the heap
	}

	path := filepath.Join(t.TempDir(), "load.json")
	e.tool("stop_network_capture", map[string]any{"sessionId": sess.SessionID, "outputPath": path}, nil)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var res api.StopResult
	if err := json.Unmarshal(b, &res); err != nil || res.Data == nil {
		t.Fatalf("reading the capture file: %v", err)
	}
	run.data = res.Data
	run.status.Dropped = res.Dropped
	for _, r := range res.Data.Responses {
		if r.Status == 200 && r.Body == "" && r.BodyBase64 == "" && r.BodyError != "" {
			run.noBody++
		}
	}
	byTheWorker, asked := e.bodyReads(res.CaptureID)
	t.Logf("load %d fetches + %d frames: page %v (%s), captured in %v, %v after the page finished (daemon CPU %v of it), daemon CPU %v; stop (20 KB result) in %v; %d bodies missing, %d read by the service worker, %d asked for; daemon RSS %.0f MB before, peak %.0f MB while capturing, peak %.0f MB during the stop, %.0f MB after it, %.0f MB 3 s later (%d MB charged to the capture's budget)",
		fetches, frames, site.pageTime().Round(time.Millisecond), site.phases(), run.took.Round(time.Millisecond), run.lag.Round(time.Millisecond), run.lagCPU, run.cpu, run.stopTook.Round(time.Millisecond), run.noBody, byTheWorker, asked, run.before, run.during, run.stopping, run.afterStop, run.settled, run.status.BytesHeld>>20)
	return run
}

// kept counts a capture's requests and frames.
func (r loadRun) kept() (requests, frames int) { return len(r.data.Requests), len(r.data.WSFrames) }

// TestLoadPageLosesNothingAtTheDefaults captures the load page (2,000
// fetches, then 20,000 WebSocket frames; TABTAP_LOAD_SCALE multiplies
// both) with the default options: every request and every frame the
// server sent is in the capture, and the daemon's memory stays bounded
// while capturing and after the stop.
func TestLoadPageLosesNothingAtTheDefaults(t *testing.T) {
	scale := loadScale(t)
	e := newEnv(t)
	e.launch()
	run := e.captureLoad(2000*scale, 20000*scale, nil)
	requests, frames := run.kept()
	served, exchanged := int(run.site.served.Load()), int(run.site.sent.Load()+run.site.received.Load())
	t.Logf("kept %d requests (the server answered %d) and %d frames (the server exchanged %d); dropped %+v", requests, served, frames, exchanged, run.status.Dropped)
	if scale == 1 {
		if d := run.status.Dropped; d.Total() != 0 {
			t.Errorf("the defaults dropped something: %+v", d)
		}
		if requests != served || frames != exchanged {
			t.Errorf("kept %d requests and %d frames, want %d and %d", requests, frames, served, exchanged)
		}
	}
	d := run.status.Dropped
	if requests+d.Requests != served || frames+d.WSFrames != exchanged {
		t.Errorf("kept + dropped: %d requests (want %d), %d frames (want %d)", requests+d.Requests, served, frames+d.WSFrames, exchanged)
	}
	items := 0
	for _, r := range run.data.Requests {
		if strings.Contains(r.URL, "/load/item") {
			items++
		}
	}
	if items != int(run.site.items.Load()) && scale == 1 {
		t.Errorf("%d item requests kept, the server answered %d", items, run.site.items.Load())
	}
	checkMemory(t, run)
}

// TestLoadPastItsBoundsCountsEveryDrop captures a smaller load page (600
// fetches, then 6,000 frames) within a 1 MiB budget, so that requests and
// frames are dropped once it is spent: what the capture holds plus what it
// counted as dropped is exactly what the server sent, for requests and for
// frames. (maxEntries, the other bound, is tested with the engine alone.)
func TestLoadPastItsBoundsCountsEveryDrop(t *testing.T) {
	e := newEnv(t)
	e.launch()
	const budget = 1 << 20
	run := e.captureLoad(600, 6000, map[string]any{"maxTotalBytes": budget})
	requests, frames := run.kept()
	d := run.status.Dropped
	served, exchanged := int(run.site.served.Load()), int(run.site.sent.Load()+run.site.received.Load())
	t.Logf("kept %d requests + %d dropped (the server answered %d); kept %d frames + %d dropped (the server exchanged %d); %d payloads and %d bodies left out; %d bytes held; reasons %q",
		requests, d.Requests, served, frames, d.WSFrames, exchanged, d.Payloads, d.Bodies, run.status.BytesHeld, d.Reasons)
	// An exchange admitted is completed (its response comes after the
	// budget check): the responses in flight can pass it a little.
	if d.Requests == 0 || d.WSFrames == 0 || run.status.BytesHeld > budget*102/100 {
		t.Errorf("the budget did not hold: kept %d requests and %d frames in %d bytes, dropped %+v", requests, frames, run.status.BytesHeld, d)
	}
	if requests+d.Requests != served || frames+d.WSFrames != exchanged {
		t.Errorf("kept + dropped: %d requests (want %d), %d frames (want %d)", requests+d.Requests, served, frames+d.WSFrames, exchanged)
	}
	checkMemory(t, run)
}

// checkMemory asserts the daemon's memory stayed bounded: no more than
// its capture's budget above where it started while capturing, and after
// the stop no higher than it was while capturing, with some slack for
// building the result.
func checkMemory(t *testing.T, run loadRun) {
	t.Helper()
	budget := float64(api.DefaultMaxTotalBytes) / (1 << 20)
	if run.during-run.before > budget {
		t.Errorf("the daemon grew by %.0f MB while capturing, more than the capture's budget (%.0f MB)", run.during-run.before, budget)
	}
	if limit := run.during*1.25 + 32; run.settled > limit {
		t.Errorf("after the stop the daemon holds %.0f MB, more than while capturing (%.0f MB) allows (%.0f MB)", run.settled, run.during, limit)
	}
}
