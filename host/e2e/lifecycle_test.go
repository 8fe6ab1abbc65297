package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/link"
)

// TestCaptureSurvivesItsEnds closes a tab in the middle of a capture, then
// restarts the extension in the middle of another: each capture ends with
// a reason a person can read, and keeps what it had captured.
func TestCaptureSurvivesItsEnds(t *testing.T) {
	e := newEnv(t)
	site := newSite(t)
	e.launch()

	// A tab closed during the capture.
	var sess api.Session
	e.tool("initialize_session", map[string]any{"url": "about:blank"}, &sess)
	e.tool("start_network_capture", map[string]any{"sessionId": sess.SessionID, "url": site.URL + "/page"}, nil)
	waitForDone(t, site)
	var st api.StatusResult
	waitFor(t, "the page's responses", func() bool {
		e.tool("get_network_capture_status", map[string]any{"sessionId": sess.SessionID}, &st)
		return st.CurrentStats.Responses >= len(expected)
	})
	e.closeTab("/page")
	waitFor(t, "the capture to end", func() bool {
		e.tool("get_network_capture_status", map[string]any{"sessionId": sess.SessionID}, &st)
		return st.Status == "stopped"
	})
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

	// The extension's service worker restarts during a capture.
	var s2 api.Session
	e.tool("initialize_session", map[string]any{"url": site.URL + "/page"}, &s2)
	e.tool("start_network_capture", map[string]any{"sessionId": s2.SessionID, "reload": true}, nil)
	waitFor(t, "the reloaded page's responses", func() bool {
		e.tool("get_network_capture_status", map[string]any{"sessionId": s2.SessionID}, &st)
		return st.CurrentStats.Responses >= len(expected)
	})
	kept := st.CurrentStats.Requests
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
	if st.Status != "stopped" || !strings.Contains(st.EndReason, "service worker restarted") || st.CurrentStats.Requests != kept {
		t.Errorf("after the extension restarted: %+v (had %d requests)", st, kept)
	}
	e.tool("stop_network_capture", map[string]any{"sessionId": s2.SessionID}, &stopped)
	if full, _ := e.wholeCapture(s2.SessionID); len(full.Data.Requests) != kept {
		t.Errorf("the capture lost data across the restart: %d of %d requests", len(full.Data.Requests), kept)
	}
	// And a new capture works with the new daemon.
	var s3 api.Session
	e.tool("initialize_session", map[string]any{"tabId": s2.TabID}, &s3)
	e.tool("start_network_capture", map[string]any{"sessionId": s3.SessionID, "reload": true}, nil)
	waitFor(t, "a capture after the restart", func() bool {
		e.tool("get_network_capture_status", map[string]any{"sessionId": s3.SessionID}, &st)
		return st.CurrentStats.Responses >= 1
	})
}

// daemonPID is the process id of the daemon registered now, or 0.
func (e *env) daemonPID() int {
	regs, err := link.Discover(e.runtimeDir)
	if err != nil || len(regs) == 0 {
		return 0
	}
	return regs[0].PID
}

func waitForDone(t *testing.T, s *site) {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the page did not finish; the server saw %v", s.requests())
	}
}
