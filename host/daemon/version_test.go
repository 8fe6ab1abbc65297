package daemon

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/extension"
	"github.com/tabtap/tabtap/host/rpc"
)

// welcomed waits for the daemon's answer to hello.
func (r *rig) welcomed() extension.Welcome {
	r.t.Helper()
	var w extension.Welcome
	eventually(r.t, "the daemon answers hello", func() bool {
		r.ext.mu.Lock()
		defer r.ext.mu.Unlock()
		if r.ext.welcome != nil {
			w = *r.ext.welcome
		}
		return r.ext.welcome != nil
	})
	return w
}

func TestWelcomeAnswersHello(t *testing.T) {
	r := start(t)
	if w := r.welcomed(); w.ProtocolVersion != extension.ProtocolVersion || w.HostVersion != "test" {
		t.Errorf("welcome %+v, want protocol %d and the daemon's version", w, extension.ProtocolVersion)
	}
	var tabs api.ListTabsResult
	r.must(api.ListTabs, nil, &tabs)
}

// An extension of another protocol version is told the daemon's, and
// every operation says which part to update instead of half-working.
func TestVersionMismatch(t *testing.T) {
	for _, c := range []struct {
		protocol int
		advice   string
	}{
		{0, fmt.Sprintf("is older than the tabtap host (version test, protocol %d): reload the extension", extension.ProtocolVersion)},
		{extension.ProtocolVersion + 1, "update the host with `tabtap install` from the newer release"},
	} {
		r := startWith(t, extension.Hello{ProtocolVersion: c.protocol, ExtensionVersion: "0.0.9", Browser: "Chromium 156", ProfileID: "p"})
		if w := r.welcomed(); w.ProtocolVersion != extension.ProtocolVersion {
			t.Errorf("welcome %+v", w)
		}
		if msg := r.fails(api.ListTabs, nil, api.CodeVersionMismatch); !strings.Contains(msg, c.advice) || !strings.Contains(msg, "0.0.9") {
			t.Errorf("protocol %d: list_tabs says %q, want %q", c.protocol, msg, c.advice)
		}
		var e *rpc.Error
		if err := r.ext.ui(extension.MethodUIStatus, extension.TabRef{}, nil); !errors.As(err, &e) || e.Code != extension.CodeVersionMismatch || !strings.Contains(e.Message, c.advice) {
			t.Errorf("protocol %d: ui.status gave %v, want a version_mismatch error", c.protocol, err)
		}
	}
}

// Events the extension could not forward count against the capture of
// their own tab only.
func TestExtensionDropsGoToTheirTab(t *testing.T) {
	r := start(t)
	one, _ := r.capturing(1, api.Settings{})
	two, _ := r.capturing(2, api.Settings{})
	r.ext.notify(extension.MethodCDPEvents, extension.EventBatch{Events: []extension.Event{}, DroppedByTab: map[int64]int{1: 3, 77: 2}})
	r.settled()
	if d := r.status(one.SessionID).Dropped; d.Events != 3 || d.Total() != 3 || len(d.Reasons) != 1 {
		t.Errorf("tab 1's capture: dropped %+v, want its 3 events", d)
	}
	if d := r.status(two.SessionID).Dropped; d.Total() != 0 {
		t.Errorf("tab 2's capture was charged another tab's drops: %+v", d)
	}
}

// active_tab passes on when the tab's window had the focus.
func TestActiveTabSaysWhenItWasFocused(t *testing.T) {
	r := start(t)
	var got api.ActiveTabResult
	r.must(api.ActiveTab, nil, &got)
	if got.Tab.TabID != 1 || !got.FocusedAt.IsZero() || got.Tab.Browser == "" {
		t.Errorf("without a focus time: %+v", got)
	}
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	r.ext.mu.Lock()
	r.ext.focused = at.UnixMilli()
	r.ext.mu.Unlock()
	r.must(api.ActiveTab, nil, &got)
	if !got.FocusedAt.Equal(at) {
		t.Errorf("focusedAt %v, want %v", got.FocusedAt, at)
	}
}

// TestARefusedCommandSaysHowToUpdate: when the extension refuses what the
// host asks (the two may not match), the error names the command that
// installs the host.
func TestARefusedCommandSaysHowToUpdate(t *testing.T) {
	err := browserError("attaching", rpc.Errorf(extension.CodeInvalidArgument, "unknown method tabs.fetch"))
	msg := err.Error()
	if !strings.Contains(msg, "run `tabtap install` and reload the extension") || strings.Contains(msg, "go run") || api.CodeOf(err) != api.CodeInternal {
		t.Errorf("the error says %q (code %s)", msg, api.CodeOf(err))
	}
}
