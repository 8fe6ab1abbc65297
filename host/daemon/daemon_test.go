package daemon

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/extension"
	"github.com/tabtap/tabtap/host/har/hartest"
	"github.com/tabtap/tabtap/host/mcplink"
)

func ptr[T any](v T) *T { return &v }

// status returns a session's status.
func (r *rig) status(id string) api.StatusResult {
	r.t.Helper()
	var st api.StatusResult
	r.must(api.CaptureStatus, api.SessionArgs{SessionID: id}, &st)
	return st
}

// capturing initializes a session on tab and starts capturing it.
func (r *rig) capturing(tab int64, s api.Settings) (api.Session, api.StartCaptureResult) {
	r.t.Helper()
	var sess api.Session
	r.must(api.InitializeSession, api.InitializeSessionArgs{TabID: ptr(tab)}, &sess)
	var st api.StartCaptureResult
	r.must(api.StartCapture, api.StartCaptureArgs{SessionID: sess.SessionID, Settings: s}, &st)
	return sess, st
}

// counted waits until a session's capture counts n requests and n
// responses.
func (r *rig) counted(id string, n int) {
	r.t.Helper()
	eventually(r.t, "the capture counts the requests", func() bool {
		st := r.status(id)
		return st.CurrentStats.Requests == n && st.CurrentStats.Responses == n
	})
}

// fetched waits until get_request shows a response's body.
func (r *rig) fetched(session, requestID, body string) api.RequestDetail {
	r.t.Helper()
	var d api.RequestDetail
	eventually(r.t, "the body of "+requestID+" is fetched", func() bool {
		r.must(api.GetRequest, api.GetRequestArgs{SessionID: session, RequestID: requestID}, &d)
		return d.Response != nil && d.Response.Body == body
	})
	return d
}

// settled waits until the daemon has handled every notification sent so
// far: the relay handles them in order, before the request that follows.
func (r *rig) settled() {
	r.t.Helper()
	if err := r.ext.ui(extension.MethodUIStatus, extension.TabRef{}, nil); err != nil {
		r.t.Fatal(err)
	}
}

func TestInitializeSession(t *testing.T) {
	r := start(t)
	tag := r.client.Registration().Tag
	var s api.Session
	r.must(api.InitializeSession, api.InitializeSessionArgs{TabID: ptr[int64](2)}, &s)
	if !regexp.MustCompile(`^s-`+tag+`-\d+$`).MatchString(s.SessionID) || s.TabID != 2 || s.URL != "https://docs.test/" ||
		s.Title != "Docs" || s.Browser != "Chromium 156 ("+tag+")" {
		t.Errorf("by tabId: %+v", s)
	}
	r.must(api.InitializeSession, api.InitializeSessionArgs{}, &s)
	if s.TabID != 1 || s.URL != "https://app.test/" {
		t.Errorf("the active tab: %+v", s)
	}
	r.must(api.InitializeSession, api.InitializeSessionArgs{URL: "https://new.test/"}, &s)
	if s.TabID < 100 || s.URL != "https://new.test/" || r.ext.sent(extension.MethodTabsOpen, 0) != 1 {
		t.Errorf("by url: %+v", s)
	}
	if got := r.fails(api.InitializeSession, api.InitializeSessionArgs{TabID: ptr[int64](1), URL: "https://x.test/"}, api.CodeInvalid); got != "give tabId or url, not both" {
		t.Errorf("both: %q", got)
	}
	if got := r.fails(api.InitializeSession, api.InitializeSessionArgs{TabID: ptr[int64](99)}, api.CodeNotFound); !strings.Contains(got, "No tab with id: 99.") {
		t.Errorf("unknown tab: %q", got)
	}
	if got := r.fails(api.InitializeSession, api.InitializeSessionArgs{URL: "example.com"}, api.CodeInvalid); !strings.Contains(got, "not an absolute URL") {
		t.Errorf("relative url: %q", got)
	}
	if n := r.ext.sent(extension.MethodDebuggerAttach, 1) + r.ext.sent(extension.MethodDebuggerAttach, 2); n != 0 {
		t.Errorf("choosing a tab attached the debugger %d times", n)
	}
	var tabs api.ListTabsResult
	r.must(api.ListTabs, nil, &tabs)
	if len(tabs.Tabs) != 4 || tabs.Tabs[0].Browser != s.Browser || !slices.Equal(tabs.Browsers, []string{s.Browser}) {
		t.Errorf("list_tabs: %+v", tabs)
	}
}

func TestCaptureLifecycle(t *testing.T) {
	r := start(t)
	s, started := r.capturing(1, api.Settings{})
	if !strings.HasPrefix(started.CaptureID, "capture_") || started.TabID != 1 || !started.Options.RedactSecrets || started.StartTime.IsZero() {
		t.Errorf("start: %+v", started)
	}
	if !r.ext.isAttached(1) {
		t.Error("the debugger is not attached")
	}
	id := api.SessionArgs{SessionID: s.SessionID}
	if got := r.fails(api.StartCapture, api.StartCaptureArgs{SessionID: s.SessionID}, api.CodeConflict); !strings.Contains(got, "is already capturing") {
		t.Errorf("starting twice: %q", got)
	}
	var other api.Session
	r.must(api.InitializeSession, api.InitializeSessionArgs{TabID: ptr[int64](1)}, &other)
	if got := r.fails(api.StartCapture, api.StartCaptureArgs{SessionID: other.SessionID}, api.CodeConflict); !strings.Contains(got, "tab 1 is already being captured by session "+s.SessionID) {
		t.Errorf("a second session on the tab: %q", got)
	}
	var tabs api.ListTabsResult
	r.must(api.ListTabs, nil, &tabs)
	if tabs.Tabs[0].SessionID != s.SessionID || tabs.Tabs[1].SessionID != "" {
		t.Errorf("list_tabs does not show the capture: %+v", tabs.Tabs)
	}

	r.ext.load(1, "10.1", "https://app.test/a", 200, "hello")
	r.ext.load(1, "10.2", "https://app.test/b", 404, "missing")
	r.ext.load(2, "20.1", "https://docs.test/x", 200, "not captured")
	r.counted(s.SessionID, 2)
	st := r.status(s.SessionID)
	if st.Status != "active" || !st.Tab.Attached || st.Options == nil || st.StartTime == nil || st.EndTime != nil {
		t.Errorf("status: %+v", st)
	}
	var page api.GetDataResult
	r.must(api.GetCaptureData, api.GetDataArgs{SessionID: s.SessionID, Status: ptr(404)}, &page)
	if len(page.Data.Requests) != 1 || page.Data.Requests[0].URL != "https://app.test/b" || page.Total != 1 || page.Status != "active" {
		t.Errorf("get_network_capture_data status 404: %+v", page)
	}
	detail := r.fetched(s.SessionID, "10.1", "hello")
	if detail.Request == nil || detail.Request.URL != "https://app.test/a" {
		t.Errorf("get_request: %+v", detail)
	}
	r.fails(api.GetRequest, api.GetRequestArgs{SessionID: s.SessionID, RequestID: "nope"}, api.CodeNotFound)

	var cleared api.ClearResult
	r.must(api.ClearCapture, id, &cleared)
	if cleared.Cleared.TotalRequests != 2 || cleared.Status != "active" || r.status(s.SessionID).CurrentStats.Requests != 0 {
		t.Errorf("clear: %+v", cleared)
	}
	r.ext.load(1, "10.3", "https://app.test/c", 200, "after the clear")
	r.counted(s.SessionID, 1)

	var res api.StopResult
	r.must(api.StopCapture, id, &res)
	if res.CaptureID != started.CaptureID || res.EndReason != "" || res.Data == nil || len(res.Data.Requests) != 1 ||
		len(res.Data.Responses) != 1 || res.Data.Responses[0].Body != "after the clear" || res.Summary.TotalRequests != 1 {
		t.Errorf("stop: %+v", res)
	}
	if r.ext.isAttached(1) || r.ext.sent(extension.MethodDebuggerDetach, 1) != 1 {
		t.Error("stopping did not detach the debugger once")
	}
	if st := r.status(s.SessionID); st.Status != "stopped" || st.EndTime == nil || st.Tab.Attached {
		t.Errorf("status after stop: %+v", st)
	}
	var again api.StopResult
	r.must(api.StopCapture, id, &again)
	if again.CaptureID != res.CaptureID || !again.EndTime.Equal(res.EndTime) || len(again.Data.Requests) != 1 {
		t.Errorf("stopping again: %+v", again)
	}
	// A stopped capture is not cleared: nothing would replace what is lost.
	if msg := r.fails(api.ClearCapture, id, api.CodeConflict); !strings.Contains(msg, "is stopped") {
		t.Errorf("clearing a stopped capture: %q", msg)
	}
	if r.status(s.SessionID).CurrentStats.Requests != 1 {
		t.Error("a refused clear dropped data")
	}

	var caps api.ListCapturesResult
	r.must(api.ListCaptures, nil, &caps)
	if len(caps.Captures) != 1 || caps.Captures[0].SessionID != s.SessionID || caps.Captures[0].StartedBy != "agent" || caps.Captures[0].Status != "stopped" {
		t.Errorf("list_captures: %+v", caps)
	}
	var closed api.CloseSessionResult
	r.must(api.CloseSession, id, &closed)
	if !closed.Closed || closed.Stopped {
		t.Errorf("close_session of a stopped capture: %+v", closed)
	}
	if st := r.status(s.SessionID); st.Status != "stopped" {
		t.Errorf("a closed session's capture is no longer readable: %+v", st)
	}
	r.must(api.CloseSession, api.SessionArgs{SessionID: other.SessionID}, nil)
	if got := r.fails(api.CaptureStatus, api.SessionArgs{SessionID: other.SessionID}, api.CodeNotFound); !strings.HasPrefix(got, "session "+other.SessionID+" not found") {
		t.Errorf("a closed session without a capture: %q", got)
	}
}

func TestOperationErrors(t *testing.T) {
	r := start(t)
	for _, m := range []string{api.CaptureStatus, api.StartCapture, api.StopCapture, api.ClearCapture, api.CloseSession, api.GetCaptureData, api.GetRequest} {
		if got := r.fails(m, api.SessionArgs{SessionID: "s-ffff-9"}, api.CodeNotFound); !strings.HasPrefix(got, "session s-ffff-9 not found") {
			t.Errorf("%s: %q", m, got)
		}
		if got := r.fails(m, api.SessionArgs{}, api.CodeInvalid); !strings.HasPrefix(got, "sessionId is required") {
			t.Errorf("%s without a session: %q", m, got)
		}
	}
	var s api.Session
	r.must(api.InitializeSession, nil, &s)
	if got := r.fails(api.StopCapture, api.SessionArgs{SessionID: s.SessionID}, api.CodeConflict); !strings.Contains(got, "has no capture") {
		t.Errorf("stop before start: %q", got)
	}
	r.fails("drop_tables", nil, api.CodeInvalid)
	r.must(api.InitializeSession, api.InitializeSessionArgs{TabID: ptr[int64](3)}, &s)
	if got := r.fails(api.StartCapture, api.StartCaptureArgs{SessionID: s.SessionID}, api.CodeBrowser); !strings.Contains(got, "does not allow debugging this page") {
		t.Errorf("a browser page: %q", got)
	}
	r.fails(api.StartCapture, json.RawMessage(`{"sessionId": 5}`), api.CodeInvalid)
}

func TestClosingASessionStopsItsCapture(t *testing.T) {
	r := start(t)
	s, _ := r.capturing(2, api.Settings{})
	var closed api.CloseSessionResult
	r.must(api.CloseSession, api.SessionArgs{SessionID: s.SessionID}, &closed)
	if !closed.Closed || !closed.Stopped || r.ext.isAttached(2) {
		t.Errorf("close_session: %+v, attached %v", closed, r.ext.isAttached(2))
	}
	if st := r.status(s.SessionID); st.Status != "stopped" || st.EndReason != "the session was closed; 0 requests kept" {
		t.Errorf("status: %+v", st)
	}
	if got := r.fails(api.StartCapture, api.StartCaptureArgs{SessionID: s.SessionID}, api.CodeConflict); !strings.Contains(got, "was closed") {
		t.Errorf("starting a closed session: %q", got)
	}
}

func TestTabClosedDuringTheCapture(t *testing.T) {
	r := start(t)
	s, _ := r.capturing(1, api.Settings{})
	r.ext.load(1, "1.1", "https://app.test/a", 200, "a")
	r.ext.load(1, "1.2", "https://app.test/b", 200, "b")
	r.counted(s.SessionID, 2)
	for id, body := range map[string]string{"1.1": "a", "1.2": "b"} {
		r.fetched(s.SessionID, id, body)
	}
	// A body is still being fetched when the tab closes.
	release := r.ext.hold("Network.getResponseBody")
	defer release()
	r.ext.load(1, "1.3", "https://app.test/slow", 200, "slow")
	eventually(t, "the third body is asked for", func() bool { return r.ext.sent(extension.MethodDebuggerSend, 1) >= 5 })
	r.ext.closeTab(1)
	var st api.StatusResult
	eventually(t, "the capture stops", func() bool { st = r.status(s.SessionID); return st.Status == "stopped" })
	if st.EndReason != "tab 1 was closed during the capture; 3 requests kept" || !st.Tab.Closed || st.Tab.Attached {
		t.Errorf("status while the last body comes: %+v", st)
	}
	release()
	var res api.StopResult
	r.must(api.StopCapture, api.SessionArgs{SessionID: s.SessionID}, &res)
	// The stop waited for that body's answer, which could only say why
	// there is none.
	if len(res.Data.Requests) != 3 || res.EndReason != st.EndReason || res.Data.Responses[0].Body != "a" ||
		!strings.Contains(res.Data.Responses[2].BodyError, "not attached") {
		t.Errorf("stop after the tab closed: %d requests, reason %q, %+v", len(res.Data.Requests), res.EndReason, res.Data.Responses)
	}
	if got := r.fails(api.StartCapture, api.StartCaptureArgs{SessionID: s.SessionID}, api.CodeConflict); !strings.Contains(got, "tab 1 of session "+s.SessionID+" was closed") {
		t.Errorf("restarting: %q", got)
	}
	eventually(t, "the extension hears of it", func() bool {
		cs := r.ext.lastState().Captures
		return len(cs) == 1 && cs[0].Status == "stopped" && cs[0].EndReason == st.EndReason
	})
}

func TestDebuggingCanceledByTheUser(t *testing.T) {
	r := start(t)
	s, first := r.capturing(2, api.Settings{})
	r.ext.notify(extension.MethodDebuggerDetached, extension.Detached{TabID: 2, Reason: "canceled_by_user"})
	var st api.StatusResult
	eventually(t, "the capture stops", func() bool { st = r.status(s.SessionID); return st.Status == "stopped" })
	if st.EndReason != "the debugging session was canceled from the browser's infobar; 0 requests kept" || st.Tab.Closed || st.Tab.Attached {
		t.Errorf("status: %+v", st)
	}
	// The tab is still there, and the browser let go of it already: the
	// session can capture again.
	eventually(t, "the tab is free", func() bool {
		var tabs api.ListTabsResult
		r.must(api.ListTabs, nil, &tabs)
		return tabs.Tabs[1].SessionID == ""
	})
	var again api.StartCaptureResult
	r.must(api.StartCapture, api.StartCaptureArgs{SessionID: s.SessionID}, &again)
	if again.CaptureID == first.CaptureID || !r.ext.isAttached(2) {
		t.Errorf("restart: %+v", again)
	}
}

func TestPopupsJoinTheCapture(t *testing.T) {
	r := start(t)
	s, _ := r.capturing(1, api.Settings{})
	r.ext.openPopup(1, 50)
	eventually(t, "the popup is followed", func() bool { return slices.Equal(r.status(s.SessionID).Tab.FollowedTabs, []int64{50}) })
	if !r.ext.isAttached(50) {
		t.Error("the popup is not attached")
	}
	r.ext.load(50, "50.1", "https://login.test/", 200, "sign in")
	r.counted(s.SessionID, 1)
	var page api.GetDataResult
	r.must(api.GetCaptureData, api.GetDataArgs{SessionID: s.SessionID}, &page)
	if len(page.Data.Requests) != 1 || page.Data.Requests[0].TabID != 50 {
		t.Errorf("the popup's request: %+v", page.Data.Requests)
	}
	// The popup closing only takes it out of the capture.
	r.ext.closeTab(50)
	eventually(t, "the popup leaves", func() bool { return len(r.status(s.SessionID).Tab.FollowedTabs) == 0 })
	if st := r.status(s.SessionID); st.Status != "active" || !st.Tab.Attached {
		t.Errorf("the capture did not survive its popup: %+v", st)
	}

	// Tabs opened by a tab nobody captures, or by a capture that does not
	// follow popups, stay out.
	r.ext.openPopup(2, 60)
	other, _ := r.capturing(2, api.Settings{FollowPopups: ptr(false)})
	r.ext.openPopup(2, 70)
	r.settled()
	for _, tab := range []int64{60, 70} {
		if r.ext.sent(extension.MethodDebuggerAttach, tab) != 0 {
			t.Errorf("tab %d was attached", tab)
		}
	}
	if st := r.status(other.SessionID); len(st.Tab.FollowedTabs) != 0 {
		t.Errorf("followPopups false followed %v", st.Tab.FollowedTabs)
	}
}

func TestExtensionDisconnecting(t *testing.T) {
	r := start(t)
	s, _ := r.capturing(1, api.Settings{})
	r.ext.load(1, "1.1", "https://app.test/a", 200, "a")
	r.counted(s.SessionID, 1)
	r.ext.disconnect()
	if err := r.stopped(); err != nil {
		t.Errorf("Run returned %v when the extension closed the port", err)
	}
	eventually(t, "the extension hears that the capture ended", func() bool {
		cs := r.ext.lastState().Captures
		return len(cs) == 1 && cs[0].Status == "stopped" && cs[0].Requests == 1 &&
			strings.Contains(cs[0].EndReason, "connection to tabtap ended") && strings.HasSuffix(cs[0].EndReason, "; 1 requests kept")
	})
	if regs, _ := mcplink.Discover(r.dir); len(regs) != 0 {
		t.Errorf("registration left: %+v", regs)
	}
	if err := r.call(api.ListCaptures, nil, nil); !mcplink.IsGone(err) {
		t.Errorf("a call after the daemon left got %v", err)
	}
}

func TestMalformedNotificationsAreIgnored(t *testing.T) {
	r := start(t)
	s, _ := r.capturing(1, api.Settings{})
	for _, f := range []string{
		`not json`,
		`{"method":"cdp.events","params":{"events":5}}`,
		`{"method":"cdp.events","params":"x"}`,
		`{"method":"cdp.events","params":{"events":[{"tabId":1,"method":"Network.requestWillBeSent","params":{"requestId":5}}]}}`,
		`{"method":"cdp.events","params":{"events":[{"tabId":1,"method":"Network.somethingNew","params":[]}]}}`,
		`{"method":"debugger.detached","params":{"tabId":1,"reason":5}}`,
		`{"method":"tabs.removed","params":[1]}`,
		`{"method":"tabs.created","params":{"tabId":"9","openerTabId":1}}`,
		`{"method":"hello","params":3}`,
		`{"method":"no.such.notification","params":{}}`,
	} {
		r.ext.send([]byte(f))
	}
	r.settled()
	if st := r.status(s.SessionID); st.Status != "active" || !st.Tab.Attached || st.CurrentStats.Requests != 0 {
		t.Errorf("after the junk: %+v", st)
	}
	r.ext.load(1, "1.1", "https://app.test/a", 200, "a")
	r.counted(s.SessionID, 1)
}

func TestPopupRequests(t *testing.T) {
	r := start(t)
	label := "Chromium 156 (" + r.client.Registration().Tag + ")"
	var st extension.UIStatus
	if err := r.ext.ui(extension.MethodUIStart, extension.UIStart{TabID: 2}, &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Captures) != 1 || st.Captures[0].TabID != 2 || st.Captures[0].Status != "active" || st.Captures[0].StartedBy != "popup" ||
		st.Browser != label {
		t.Fatalf("ui.start: %+v", st)
	}
	eventually(t, "the popup counts the agent's connection", func() bool {
		return r.ext.ui(extension.MethodUIStatus, extension.TabRef{}, &st) == nil && st.Clients == 1
	})
	id := st.Captures[0].SessionID
	if !r.ext.isAttached(2) {
		t.Error("ui.start did not attach")
	}
	// A body over 1 MB makes the exports larger than one native message.
	big := strings.Repeat("x", 1<<20)
	r.ext.load(2, "2.1", "https://docs.test/big", 200, big)
	r.ext.load(2, "2.2", "https://docs.test/small", 200, "small")
	r.counted(id, 2)

	var caps api.ListCapturesResult
	r.must(api.ListCaptures, nil, &caps)
	if len(caps.Captures) != 1 || caps.Captures[0].SessionID != id || caps.Captures[0].StartedBy != "popup" {
		t.Errorf("the agent does not see the popup's capture: %+v", caps)
	}
	if err := r.ext.ui(extension.MethodUIStatus, extension.TabRef{TabID: 2}, &st); err != nil || st.Captures[0].Requests != 2 {
		t.Errorf("ui.status: %+v, %v", st, err)
	}

	var exp extension.UIExportResult
	eventually(t, "the big body is fetched", func() bool {
		if err := r.ext.ui(extension.MethodUIExport, extension.UIExport{SessionID: id, Format: "json"}, &exp); err != nil {
			t.Fatal(err)
		}
		return len(exp.Content) > 1<<20
	})
	var doc api.StopResult
	if err := json.Unmarshal(exp.Content, &doc); err != nil || !strings.HasSuffix(exp.FileName, ".json") ||
		doc.SessionID != id || doc.Data == nil || len(doc.Data.Requests) != 2 || doc.Data.Responses[0].Body != big {
		t.Errorf("ui.export json: %s (%v)", exp.FileName, err)
	}
	if err := r.ext.ui(extension.MethodUIExport, extension.UIExport{SessionID: id}, &exp); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(exp.FileName, ".har") {
		t.Errorf("ui.export's default: %s", exp.FileName)
	}
	hartest.Check(t, exp.Content)
	if err := r.ext.ui(extension.MethodUIExport, extension.UIExport{SessionID: id, Format: "xml"}, nil); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("ui.export xml: %v", err)
	}

	if err := r.ext.ui(extension.MethodUIClear, extension.SessionRef{SessionID: id}, &st); err != nil || st.Captures[0].Requests != 0 || st.Captures[0].Status != "active" {
		t.Errorf("ui.clear: %+v, %v", st, err)
	}
	if err := r.ext.ui(extension.MethodUIStop, extension.SessionRef{SessionID: id}, &st); err != nil || st.Captures[0].Status != "stopped" || r.ext.isAttached(2) {
		t.Errorf("ui.stop: %+v, %v", st, err)
	}
	// The agent can read what the person captured.
	if got := r.status(id); got.Status != "stopped" {
		t.Errorf("status of the popup's capture: %+v", got)
	}

	for _, c := range []struct {
		method string
		params any
		want   string
	}{
		{extension.MethodUIStart, extension.UIStart{TabID: 99}, "No tab with id: 99."},
		{extension.MethodUIStart, extension.UIStart{TabID: 3}, "the browser does not allow debugging this page"},
		{extension.MethodUIStop, extension.SessionRef{SessionID: "s-ffff-1"}, "session s-ffff-1 not found"},
		{extension.MethodUIExport, extension.UIExport{SessionID: "s-ffff-1"}, "session s-ffff-1 not found"},
		{"ui.reboot", nil, `unknown request "ui.reboot"`},
	} {
		if err := r.ext.ui(c.method, c.params, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.method, err, c.want)
		}
	}
}

// The browser reports a closed tab before the tab's last events: they
// still count.
func TestTabsLastEventsAfterItsRemoval(t *testing.T) {
	r := start(t)
	s, _ := r.capturing(1, api.Settings{})
	p, _ := json.Marshal(map[string]any{"requestId": "9.9", "loaderId": "L1", "documentURL": "https://app.test/",
		"request":   map[string]any{"url": "https://app.test/upload", "method": "POST", "headers": map[string]any{}},
		"timestamp": 1000.0, "wallTime": 1764000000.0, "initiator": map[string]any{"type": "script"}, "type": "Fetch"})
	r.ext.notify(extension.MethodCDPEvents, extension.EventBatch{Events: []extension.Event{{TabID: 1, Method: "Network.requestWillBeSent", Params: p}}})
	eventually(t, "the request is recorded", func() bool { return r.status(s.SessionID).CurrentStats.Requests == 1 })
	failed, _ := json.Marshal(map[string]any{"requestId": "9.9", "timestamp": 1000.5, "type": "Fetch", "errorText": "net::ERR_ABORTED", "canceled": true})
	r.ext.closeTab(1, extension.Event{TabID: 1, Method: "Network.loadingFailed", Params: failed})
	var st api.StatusResult
	eventually(t, "the capture stops", func() bool { st = r.status(s.SessionID); return st.Status == "stopped" })
	var res api.StopResult
	r.must(api.StopCapture, api.SessionArgs{SessionID: s.SessionID}, &res)
	if len(res.Data.Responses) != 1 || !res.Data.Responses[0].Canceled || res.Data.Responses[0].ErrorText != "net::ERR_ABORTED" {
		t.Errorf("the tab's last event was lost: %+v", res.Data.Responses)
	}
}

func TestBodiesTheExtensionReadsNeedNoRoundTrip(t *testing.T) {
	if capture.ResponseBodyEvent != extension.ResponseBodyEvent {
		t.Fatalf("the capture reads bodies from %q events, the extension sends %q", capture.ResponseBodyEvent, extension.ResponseBodyEvent)
	}
	r := start(t)
	r.ext.mu.Lock()
	r.ext.readsBodies = true
	r.ext.mu.Unlock()
	s, _ := r.capturing(1, api.Settings{})
	if n := r.ext.sent(extension.MethodDebuggerBodies, 1); n != 1 {
		t.Fatalf("debugger.bodies sent %d times for the tab, want 1", n)
	}
	sends := r.ext.sent(extension.MethodDebuggerSend, 1)
	r.ext.load(1, "1.1", "https://app.test/a", 200, "alpha")
	r.ext.load(1, "1.2", "https://app.test/b", 200, "beta")
	r.fetched(s.SessionID, "1.1", "alpha")
	r.fetched(s.SessionID, "1.2", "beta")
	if n := r.ext.sent(extension.MethodDebuggerSend, 1); n != sends {
		t.Errorf("the daemon sent %d commands for two bodies the extension read", n-sends)
	}
	var res api.StopResult
	r.must(api.StopCapture, api.SessionArgs{SessionID: s.SessionID}, &res)
	if len(res.Data.Responses) != 2 || res.Data.Responses[1].Body != "beta" {
		t.Errorf("stop: %+v", res.Data.Responses)
	}
}
