package daemon

import (
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/extension"
)

// A stop drains before it closes: events the extension sends before it
// answers debugger.drain are in the capture, and only then is the tab
// detached.
func TestStopKeepsWhatArrivesBeforeTheDrainAnswer(t *testing.T) {
	r := start(t)
	s, _ := r.capturing(1, api.Settings{})
	release := r.ext.hold(extension.MethodDebuggerDrain)
	stopped := make(chan api.StopResult, 1)
	go func() {
		var res api.StopResult
		r.must(api.StopCapture, api.StopCaptureArgs{SessionID: s.SessionID}, &res)
		stopped <- res
	}()
	eventually(t, "the stop drains", func() bool { return r.ext.sent(extension.MethodDebuggerDrain, 1) == 1 })
	// Still on their way when the stop was asked for.
	r.ext.load(1, "20.1", "https://app.test/in-flight", 200, "late")
	if r.ext.sent(extension.MethodDebuggerDetach, 1) != 0 {
		t.Error("detached before the drain was over")
	}
	release()
	res := <-stopped
	if res.Data == nil || len(res.Data.Requests) != 1 || res.Data.Requests[0].URL != "https://app.test/in-flight" || res.Dropped.Total() != 0 {
		t.Fatalf("stop kept %+v, dropped %+v", res.Data, res.Dropped)
	}
	if r.ext.sent(extension.MethodDebuggerDetach, 1) != 1 {
		t.Error("the stop did not detach after the drain")
	}
}

// A drain that cannot be had is counted as dropped with a reason.
func TestCloseSessionCountsAnUndrainedTab(t *testing.T) {
	r := start(t)
	s, _ := r.capturing(1, api.Settings{})
	r.ext.mu.Lock()
	delete(r.ext.attached, 1) // the browser let go without a word
	r.ext.mu.Unlock()
	r.must(api.CloseSession, api.SessionArgs{SessionID: s.SessionID}, nil)
	st := r.status(s.SessionID)
	if st.Dropped.Undrained != 1 || len(st.Dropped.Reasons) != 1 || !strings.Contains(st.Dropped.Reasons[0], "not attached") {
		t.Errorf("dropped %+v", st.Dropped)
	}
}
