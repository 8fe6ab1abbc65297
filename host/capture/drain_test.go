package capture

import (
	"errors"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
)

// A stop drains before it closes: what the browser delivers while the
// barrier is on its way is recorded, what comes after the stop is not, and
// the tab is detached only after the drain.
func TestStopRecordsWhatArrivesWhileDraining(t *testing.T) {
	c, b := started(t, api.Settings{})
	b.drain = func(tab int64) ([]string, error) {
		// The events still in flight arrive before the barrier's answer.
		feed(c, "Network.requestWillBeSent", req("late", "https://app.test/late", "GET", t0, nil))
		return nil, nil
	}
	feed(c, "Network.requestWillBeSent", req("1", "https://app.test/1", "GET", t0, nil))
	c.Stop("")
	feed(c, "Network.requestWillBeSent", req("after", "https://app.test/after", "GET", t0, nil))
	st, d := c.Snapshot()
	if len(d.Requests) != 2 || d.Requests[1].URL != "https://app.test/late" {
		t.Fatalf("kept %d requests, want the one before the stop and the one drained: %+v", len(d.Requests), d.Requests)
	}
	if st.Dropped.Total() != 0 {
		t.Errorf("a drain that succeeded dropped %+v", st.Dropped)
	}
	i, j := indexOf(b.calls, "drain 1"), indexOf(b.calls, "detach 1")
	if i < 0 || j < i {
		t.Errorf("the stop must drain, then detach: %v", b.calls)
	}
}

// What a drain cannot wait for is counted, with a reason, never lost
// silently.
func TestStopCountsWhatItCouldNotDrain(t *testing.T) {
	c, b := started(t, api.Settings{})
	b.drain = func(tab int64) ([]string, error) {
		return []string{"an iframe (session S1) of tab 1: no answer within 15000 ms"}, errors.New("No tab with given id 1")
	}
	c.Stop("")
	st := c.Status()
	if st.Dropped.Undrained != 2 || st.Dropped.Total() != 2 {
		t.Fatalf("dropped %+v, want 2 undrained targets", st.Dropped)
	}
	if len(st.Dropped.Reasons) != 2 || !strings.Contains(st.Dropped.Reasons[1], "No tab with given id 1") {
		t.Errorf("reasons %q", st.Dropped.Reasons)
	}
}

// A tab the debugger let go of has nothing left to drain: its detach
// notice came after its last events.
func TestTabGoneIsNotDrained(t *testing.T) {
	c, b := started(t, api.Settings{})
	c.TabGone(1, "tab 1 was closed during the capture")
	if b.called("drain") != 0 {
		t.Errorf("drained a tab that is gone: %v", b.calls)
	}
	if st := c.Status(); st.State != StateStopped || st.Dropped.Total() != 0 {
		t.Errorf("after the tab went: %+v", st)
	}
}

// The blocked-site fence runs where requests are decoded: the document of
// a blocked site is not recorded, nor anything after it, and the capture
// is stopped with the fence's reason.
func TestFenceStopsAtABlockedDocument(t *testing.T) {
	opts, _ := api.Settings{}.Resolve()
	b := newFakeBrowser()
	c := New("capture_test_fence", 1, opts, b, nil)
	stopped := make(chan string, 1)
	c.Fence(func(url string) string {
		if strings.Contains(url, "bank.test") {
			return "the tab went to bank.test"
		}
		return ""
	}, func(reason string) { stopped <- reason; c.Stop(reason) })
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	feed(c,
		"Network.requestWillBeSent", req("1", "https://bank.test/app.js", "GET", t0, nil), // not a document
		"Network.requestWillBeSent", req("2", "https://bank.test/", "GET", t0, map[string]any{"type": "Document"}),
		"Network.requestWillBeSent", req("3", "https://app.test/x", "GET", t0, nil),
	)
	if r := <-stopped; r != "the tab went to bank.test" {
		t.Errorf("stopped with %q", r)
	}
	c.Stop("")
	st, d := c.Snapshot()
	if len(d.Requests) != 1 || d.Requests[0].RequestID != "1" || st.EndReason != "the tab went to bank.test; 1 requests kept" {
		t.Errorf("kept %+v, ended %q", d.Requests, st.EndReason)
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
