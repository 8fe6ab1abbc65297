package tools

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/mcplink"
)

// With several browsers, initialize_session without arguments goes to the
// one whose window had the focus last, not to the newest daemon.
func TestInitializeWithoutArgumentsPicksTheLastFocusedBrowser(t *testing.T) {
	newest, used, old := newFakeDaemon("aaaa"), newFakeDaemon("bbbb"), newFakeDaemon("cccc")
	newest.answer(api.ActiveTab, api.ActiveTabResult{Tab: api.Tab{TabID: 1}, FocusedAt: t0})
	used.answer(api.ActiveTab, api.ActiveTabResult{Tab: api.Tab{TabID: 2}, FocusedAt: t0.Add(time.Minute)})
	// old has no active_tab (a daemon from before it): it counts as never focused.
	for _, d := range []*fakeDaemon{newest, used, old} {
		d.answer(api.InitializeSession, api.Session{SessionID: "s-" + d.tag + "-1", Browser: d.label})
	}
	s := connect(t, newest, used, old)
	var sess api.Session
	s.ok(api.InitializeSession, map[string]any{}, &sess)
	if sess.SessionID != "s-bbbb-1" {
		t.Errorf("initialize_session chose %s, want the last focused browser's session", sess.SessionID)
	}
	// A url or a browser says where: nobody is asked about focus.
	s.ok(api.InitializeSession, map[string]any{"url": "https://x.test/"}, &sess)
	if sess.SessionID != "s-aaaa-1" {
		t.Errorf("initialize_session with a url chose %s, want the newest browser", sess.SessionID)
	}
	if n := strings.Count(strings.Join(newest.called(), "\n"), api.ActiveTab); n != 1 {
		t.Errorf("active_tab asked %d times of the newest daemon, want once", n)
	}
}

// When every registered daemon fails to answer, the error says which
// socket failed and why, not that no browser is connected.
func TestNoReachableDaemonSaysWhy(t *testing.T) {
	parent, err := os.MkdirTemp("", "tt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	dir := filepath.Join(parent, "run")
	if err := mcplink.EnsureRuntimeDir(dir); err != nil {
		t.Fatal(err)
	}
	reg := mcplink.Registration{Tag: "dead", Socket: mcplink.SocketPath(dir, "dead"), Token: "t", PID: 4242, Browser: "Chromium 156 (dead)", StartedAt: t0}
	b, _ := json.Marshal(reg)
	if err := os.WriteFile(filepath.Join(dir, "dead.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	pool := mcplink.NewPool(dir)
	defer pool.Close()
	_, err = router{b: PoolBackend{Pool: pool}}.all(context.Background())
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	for _, want := range []string{"no browser could be reached", "Chromium 156 (dead) (pid 4242) does not answer", reg.Socket, "no such file or directory", dir, "run `tabtap doctor`"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error %q does not say %q", msg, want)
		}
	}
	if api.CodeOf(err) != api.CodeNoBrowser {
		t.Errorf("code %s, want %s", api.CodeOf(err), api.CodeNoBrowser)
	}
}
