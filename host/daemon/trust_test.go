package daemon

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/extension"
)

// TestEventsAreHandedOverOutsideTheDaemonsLock: a capture's filter runs
// while other captures and agents' operations can go on.
func TestEventsAreHandedOverOutsideTheDaemonsLock(t *testing.T) {
	var handed, locked atomic.Int32
	var r *rig
	prev := handleEvent
	handleEvent = func(c *capture.Capture, ev extension.Event) {
		handed.Add(1)
		// Were d.mu held by route, it would be released only after this
		// returns: taking it here would never end.
		d := r.daemon()
		got := make(chan struct{})
		go func() { d.mu.Lock(); d.mu.Unlock(); close(got) }()
		select {
		case <-got:
		case <-time.After(wait):
			locked.Add(1)
		}
		prev(c, ev)
	}
	t.Cleanup(func() { handleEvent = prev })
	r = start(t)
	s, _ := r.capturing(1, api.Settings{})
	r.ext.load(1, "10.1", "https://app.test/a", 200, "hello")
	r.counted(s.SessionID, 1)
	if handed.Load() == 0 || locked.Load() != 0 {
		t.Errorf("%d events handed over, %d of them under the daemon's lock", handed.Load(), locked.Load())
	}
}

// TestAgentsNavigateOnlyToWebPages: file:, chrome: and other schemes are
// refused before anything reaches the browser.
func TestAgentsNavigateOnlyToWebPages(t *testing.T) {
	r := start(t)
	for _, u := range []string{"file:///home/me/.ssh/id_ed25519", "chrome://settings/", "javascript:alert(1)", "data:text/html,x"} {
		if got := r.fails(api.InitializeSession, api.InitializeSessionArgs{URL: u}, api.CodeInvalid); !strings.Contains(got, "only http:// and https://") {
			t.Errorf("initialize_session %s: %q", u, got)
		}
	}
	var s api.Session
	r.must(api.InitializeSession, api.InitializeSessionArgs{TabID: ptr[int64](2)}, &s)
	if got := r.fails(api.StartCapture, api.StartCaptureArgs{SessionID: s.SessionID, Settings: api.Settings{URL: "file:///etc/passwd"}}, api.CodeInvalid); !strings.Contains(got, "only http:// and https://") {
		t.Errorf("start_network_capture url file: %q", got)
	}
	if n := r.ext.sent(extension.MethodTabsOpen, 0) + r.ext.sent(extension.MethodTabsNavigate, 2); n != 0 {
		t.Errorf("%d tabs were opened or navigated", n)
	}
	r.must(api.InitializeSession, api.InitializeSessionArgs{URL: "about:blank"}, &s)
}

// TestTabURLsLeaveWithoutTheirSecrets: list_tabs, initialize_session and
// list_captures show a tab's URL with its secret parameters hidden.
func TestTabURLsLeaveWithoutTheirSecrets(t *testing.T) {
	r := start(t)
	r.ext.mu.Lock()
	tab := r.ext.tabs[2]
	tab.URL = "https://docs.test/welcome?token=tab-secret-123456&lang=en"
	r.ext.tabs[2] = tab
	r.ext.mu.Unlock()
	const want = "https://docs.test/welcome?token=[redacted]&lang=en"
	var tabs api.ListTabsResult
	r.must(api.ListTabs, nil, &tabs)
	for _, tb := range tabs.Tabs {
		if tb.TabID == 2 && tb.URL != want {
			t.Errorf("list_tabs: %q", tb.URL)
		}
	}
	s, _ := r.capturing(2, api.Settings{})
	if s.URL != want {
		t.Errorf("initialize_session: %q", s.URL)
	}
	var list api.ListCapturesResult
	r.must(api.ListCaptures, nil, &list)
	if len(list.Captures) != 1 || list.Captures[0].URL != want {
		t.Errorf("list_captures: %+v", list.Captures)
	}
}
