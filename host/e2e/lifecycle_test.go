package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/mcplink"
)

// TestCaptureSurvivesItsEnds closes a tab in the middle of a capture, then
// restarts the extension in the middle of another: each capture ends with
// a reason a person can read, and keeps what it had captured.
func TestCaptureSurvivesItsEnds(t *testing.T) {
	e := newEnv(t)
	site := newSite(t)
	e.launch()

	// A tab closed during the capture.
	sess, _ := e.capturePage(site, "/page")
	e.status(sess.SessionID, "the page's responses", func(st api.StatusResult) bool { return st.CurrentStats.Responses >= len(expected) })
	e.closeTab("/page")
	st := e.status(sess.SessionID, "the capture to end", func(st api.StatusResult) bool { return st.Status == "stopped" })
	if want := "was closed during the capture"; !strings.Contains(st.EndReason, want) || !st.Tab.Closed || st.Tab.Attached {
		t.Errorf("after closing the tab: %+v", st)
	}
	var stopped api.StopResult
	e.tool("stop_network_capture", map[string]any{"sessionId": sess.SessionID}, &stopped)
	if stopped.Summary.TotalRequests < len(expected) || stopped.EndReason != st.EndReason {
		t.Errorf("the closed tab's capture kept %d requests (want %d), reason %q", stopped.Summary.TotalRequests, len(expected), stopped.EndReason)
	}
	if msg := e.toolError("start_network_capture", map[string]any{"sessionId": sess.SessionID}); !strings.Contains(msg, "was closed") {
		t.Errorf("starting on a closed tab: %q", msg)
	}

	// The extension's service worker restarts during a capture. The page
	// is reloaded under capture; once its last request (/done) has its
	// response the capture holds a known-complete load. The browser may
	// still add requests of its own (a favicon): what was there before the
	// restart must be there after it, by id, and more is no loss.
	var s2 api.Session
	e.tool("initialize_session", map[string]any{"url": site.URL + "/page"}, &s2)
	e.tool("start_network_capture", map[string]any{"sessionId": s2.SessionID, "reload": true}, nil)
	var before api.GetDataResult
	waitFor(t, "the reloaded page's last response", func() bool {
		var done api.GetDataResult
		e.tool("get_network_capture_data", map[string]any{"sessionId": s2.SessionID, "kind": api.KindResponses, "urlFilter": "/done", "includeBodies": false}, &done)
		e.tool("get_network_capture_data", map[string]any{"sessionId": s2.SessionID, "kind": api.KindRequests, "limit": 500, "includeBodies": false}, &before)
		return done.Total >= 1 && len(before.Data.Requests) >= len(expected) && before.NextOffset == nil
	})
	oldPID := e.daemonPID()
	e.restartServiceWorker()
	// The new daemon answers for the same session, with the capture kept.
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := e.call("get_network_capture_status", map[string]any{"sessionId": s2.SessionID})
		if err == nil && !res.IsError && e.daemonPID() != oldPID {
			e.tool("get_network_capture_status", map[string]any{"sessionId": s2.SessionID}, &st)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the capture did not come back after the service worker restarted: %v %s", err, text(res))
		}
		time.Sleep(300 * time.Millisecond)
	}
	if st.Status != "stopped" || !strings.Contains(st.EndReason, "service worker restarted") || st.CurrentStats.Requests < len(before.Data.Requests) {
		t.Errorf("after the extension restarted: %+v (had %d requests)", st, len(before.Data.Requests))
	}
	e.tool("stop_network_capture", map[string]any{"sessionId": s2.SessionID}, &stopped)
	full, _ := e.wholeCapture(s2.SessionID)
	kept := map[string]bool{}
	for _, r := range full.Data.Requests {
		kept[r.RequestID] = true
	}
	for _, r := range before.Data.Requests {
		if !kept[r.RequestID] {
			t.Errorf("the capture lost %s %s (%s) across the restart", r.Method, r.URL, r.RequestID)
		}
	}
	// And a new capture works with the new daemon.
	var s3 api.Session
	e.tool("initialize_session", map[string]any{"tabId": s2.TabID}, &s3)
	e.tool("start_network_capture", map[string]any{"sessionId": s3.SessionID, "reload": true}, nil)
	e.status(s3.SessionID, "a capture after the restart", func(st api.StatusResult) bool { return st.CurrentStats.Responses >= 1 })
}

// daemonPID is the process id of the daemon registered now, or 0.
func (e *env) daemonPID() int {
	regs, err := mcplink.Discover(e.runtimeDir)
	if err != nil || len(regs) == 0 {
		return 0
	}
	return regs[0].PID
}
