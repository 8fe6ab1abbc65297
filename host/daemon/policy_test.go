package daemon

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/extension"
)

func (r *rig) setPolicy(p extension.Policy) {
	r.t.Helper()
	r.ext.notify(extension.MethodPolicy, p)
	r.settled()
}

// TestRedactionOffNeedsThePersonsLeave: an agent's redactSecrets: false
// is refused, saying why and where the person changes it, until the
// person's settings allow it.
func TestRedactionOffNeedsThePersonsLeave(t *testing.T) {
	r := start(t)
	var s api.Session
	r.must(api.InitializeSession, api.InitializeSessionArgs{TabID: ptr[int64](1)}, &s)
	off := api.StartCaptureArgs{SessionID: s.SessionID, Settings: api.Settings{RedactSecrets: ptr(false)}}
	got := r.fails(api.StartCapture, off, api.CodeForbidden)
	for _, want := range []string{"redactSecrets: false", "person's tabtap settings", "Extension options"} {
		if !strings.Contains(got, want) {
			t.Errorf("the refusal %q does not say %q", got, want)
		}
	}
	if r.ext.isAttached(1) {
		t.Error("a refused capture attached the debugger")
	}
	r.setPolicy(extension.Policy{AllowUnredacted: true})
	var st api.StartCaptureResult
	r.must(api.StartCapture, off, &st)
	if st.Options.RedactSecrets {
		t.Errorf("allowed, the capture still redacts: %+v", st.Options)
	}
}

// TestThePersonsLimitsKeepToTheBounds: the person's largest body and
// capture budget apply within the bounds an agent's are held to; out of
// them, tabtap's defaults stand.
func TestThePersonsLimitsKeepToTheBounds(t *testing.T) {
	r := start(t)
	for _, c := range []struct {
		p          extension.Policy
		body, size int64
	}{
		{extension.Policy{MaxBodyBytes: 2 << 20, MaxTotalBytes: 64 << 20}, 2 << 20, 64 << 20},
		{extension.Policy{MaxBodyBytes: api.MaxMaxBodyBytes + 1, MaxTotalBytes: 4 << 30}, api.DefaultMaxBodyBytes, api.DefaultMaxTotalBytes},
		{extension.Policy{MaxBodyBytes: -5, MaxTotalBytes: 1 << 10}, api.DefaultMaxBodyBytes, api.DefaultMaxTotalBytes},
	} {
		r.setPolicy(c.p)
		_, st := r.capturing(1, api.Settings{})
		if o := st.Options; int64(o.MaxBodyBytes) != c.body || o.MaxTotalBytes != c.size {
			t.Errorf("%+v: a capture with maxBodyBytes %d, maxTotalBytes %d; want %d and %d", c.p, o.MaxBodyBytes, o.MaxTotalBytes, c.body, c.size)
		}
		r.must(api.StopCapture, api.SessionArgs{SessionID: st.SessionID}, nil)
		eventually(t, "the tab is let go", func() bool { return !r.ext.isAttached(1) })
	}
}

// TestBlockedSites: agents can neither open a session on a blocked site
// nor capture one, nor follow a tab there; the person still can.
func TestBlockedSites(t *testing.T) {
	r := start(t)
	r.setPolicy(extension.Policy{BlockedSites: []string{" *.Docs.test ", "https://bank.test/login"}})
	for _, a := range []api.InitializeSessionArgs{{TabID: ptr[int64](2)}, {URL: "https://sub.docs.test/x"}, {URL: "https://bank.test/"}} {
		if got := r.fails(api.InitializeSession, a, api.CodeForbidden); !strings.Contains(got, "keep agents away from") || !strings.Contains(got, "popup") {
			t.Errorf("%+v: %q", a, got)
		}
	}
	if r.ext.sent(extension.MethodTabsOpen, 0) != 0 {
		t.Error("a tab was opened on a blocked site")
	}
	var s api.Session
	r.must(api.InitializeSession, api.InitializeSessionArgs{TabID: ptr[int64](1)}, &s)
	if got := r.fails(api.StartCapture, api.StartCaptureArgs{SessionID: s.SessionID, Settings: api.Settings{URL: "https://docs.test/"}}, api.CodeForbidden); !strings.Contains(got, "docs.test") {
		t.Errorf("start_network_capture url: %q", got)
	}
	// The person's popup is not bound by it.
	var ui extension.UIStatus
	if err := r.ext.ui(extension.MethodUIStart, extension.UIStart{TabID: 2}, &ui); err != nil {
		t.Errorf("the popup on a blocked site: %v", err)
	}

	// An agent's capture that reaches a blocked site ends there, without
	// recording it.
	var st api.StartCaptureResult
	r.must(api.StartCapture, api.StartCaptureArgs{SessionID: s.SessionID}, &st)
	r.ext.load(1, "1.1", "https://app.test/a", 200, "ok")
	r.counted(s.SessionID, 1)
	p, _ := json.Marshal(map[string]any{"requestId": "1.2", "loaderId": "1.2", "documentURL": "https://www.docs.test/",
		"request":   map[string]any{"url": "https://www.docs.test/", "method": "GET", "headers": map[string]any{}},
		"timestamp": 1001.0, "wallTime": 1764000001.0, "initiator": map[string]any{"type": "other"}, "type": "Document", "frameId": "F1"})
	r.ext.notify(extension.MethodCDPEvents, extension.EventBatch{Events: []extension.Event{{TabID: 1, Method: "Network.requestWillBeSent", Params: p}}})
	eventually(t, "the capture ends", func() bool { return r.status(s.SessionID).Status == "stopped" })
	end := r.status(s.SessionID)
	if !strings.Contains(end.EndReason, "www.docs.test") || end.CurrentStats.Requests != 1 {
		t.Errorf("after the blocked site: %+v", end)
	}
}

// TestThePersonsBodyDefaultsAndLimits apply to agents' captures.
func TestThePersonsBodyDefaultsAndLimits(t *testing.T) {
	r := start(t)
	r.setPolicy(extension.Policy{MaxBodyBytes: 1000, MaxTotalBytes: 2 << 20})
	var s api.Session
	r.must(api.InitializeSession, api.InitializeSessionArgs{TabID: ptr[int64](1)}, &s)
	if got := r.fails(api.StartCapture, api.StartCaptureArgs{SessionID: s.SessionID, Settings: api.Settings{MaxBodyBytes: ptr(2000)}}, api.CodeForbidden); !strings.Contains(got, "at most 1000") {
		t.Errorf("maxBodyBytes over the limit: %q", got)
	}
	var st api.StartCaptureResult
	r.must(api.StartCapture, api.StartCaptureArgs{SessionID: s.SessionID}, &st)
	if st.Options.MaxBodyBytes != 1000 || st.Options.MaxTotalBytes != 2<<20 || !st.Options.CaptureBodies {
		t.Errorf("the person's defaults: %+v", st.Options)
	}
	r.must(api.StopCapture, api.SessionArgs{SessionID: s.SessionID}, nil)

	r.setPolicy(extension.Policy{CaptureBodies: ptr(false)})
	if got := r.fails(api.StartCapture, api.StartCaptureArgs{SessionID: s.SessionID, Settings: api.Settings{CaptureBodies: ptr(true)}}, api.CodeForbidden); !strings.Contains(got, "captureBodies") {
		t.Errorf("captureBodies against the person's setting: %q", got)
	}
	r.must(api.StartCapture, api.StartCaptureArgs{SessionID: s.SessionID}, &st)
	if st.Options.CaptureBodies {
		t.Errorf("bodies are captured against the person's setting: %+v", st.Options)
	}
}

func TestBlockedSitePatterns(t *testing.T) {
	sites := parseSites([]string{"Example.com", "*.corp.test", "https://user@bank.test:8443/login", "", "  "})
	for u, want := range map[string]string{
		"https://example.com/":                 "example.com",
		"https://mail.example.com/x":           "example.com",
		"https://notexample.com/":              "",
		"https://a.corp.test/":                 "corp.test",
		"https://bank.test./":                  "bank.test",
		"http://bank.test:8080/":               "bank.test",
		"https://example.org/?x=a.example.com": "",
		"about:blank":                          "",
	} {
		if got := blockedSite(sites, u); got != want {
			t.Errorf("%s: %q, want %q", u, got, want)
		}
	}
}
