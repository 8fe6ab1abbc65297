package mcplink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/rpc"
)

// wait bounds every wait of these tests.
const wait = 5 * time.Second

// runtimeDir returns a new runtime directory with a short path: unix
// socket paths must stay under about 100 bytes, which t.TempDir() can
// exceed.
func runtimeDir(t *testing.T) string {
	t.Helper()
	parent, err := os.MkdirTemp("", "tt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	return filepath.Join(parent, "run")
}

// echo answers every method with its name and params, and counts calls.
type echo struct{ calls atomic.Int32 }

func (e *echo) handle(_ context.Context, method string, params json.RawMessage) (any, error) {
	e.calls.Add(1)
	return map[string]any{"method": method, "params": params}, nil
}

// listen starts a server of tag in dir, closed at the end of the test.
func listen(t *testing.T, dir, tag string, h Handler) *Server {
	t.Helper()
	s, err := Listen(dir, Registration{Tag: tag, Browser: "Chromium 156 (" + tag + ")", StartedAt: time.Now().UTC()}, h, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve() }()
	t.Cleanup(func() {
		s.Close()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return s
}

func dial(t *testing.T, reg Registration) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, err := Dial(ctx, reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// eventually polls cond until it holds or the wait is over.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(wait); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

func TestCallRoundTrip(t *testing.T) {
	var h echo
	s := listen(t, runtimeDir(t), "ab12", h.handle)
	c := dial(t, s.Registration())
	var got struct {
		Method string         `json:"method"`
		Params map[string]int `json:"params"`
	}
	if err := c.Call(context.Background(), api.CaptureStatus, map[string]int{"n": 7}, &got); err != nil {
		t.Fatal(err)
	}
	if got.Method != api.CaptureStatus || got.Params["n"] != 7 {
		t.Errorf("got %+v", got)
	}
	eventually(t, "the server counts its client", func() bool { return s.Clients() == 1 })
	c.Close()
	eventually(t, "the server forgets its client", func() bool { return s.Clients() == 0 })
}

func TestErrorCodesSurviveTheTrip(t *testing.T) {
	s := listen(t, runtimeDir(t), "ab12", func(_ context.Context, method string, _ json.RawMessage) (any, error) {
		if method == api.StopCapture {
			return nil, api.Errorf(api.CodeNotFound, "session s-ab12-9 not found")
		}
		return nil, errors.New("plain failure")
	})
	c := dial(t, s.Registration())
	var e *api.Error
	err := c.Call(context.Background(), api.StopCapture, nil, nil)
	if !errors.As(err, &e) || e.Code != api.CodeNotFound || e.Message != "session s-ab12-9 not found" {
		t.Errorf("got %#v, want a not_found *api.Error", err)
	}
	err = c.Call(context.Background(), api.ListTabs, nil, nil)
	if !errors.As(err, &e) || e.Code != api.CodeInternal || e.Message != "plain failure" {
		t.Errorf("got %#v, want an internal *api.Error", err)
	}
}

func TestTokenIsRequired(t *testing.T) {
	var h echo
	s := listen(t, runtimeDir(t), "ab12", h.handle)
	for _, token := range []string{"", "wrong", s.Registration().Token + "x"} {
		reg := s.Registration()
		reg.Token = token
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		if c, err := Dial(ctx, reg); err == nil {
			c.Close()
			t.Errorf("token %q was accepted", token)
		}
		cancel()
	}
	// The refusal is a plain 401 before any upgrade.
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", s.Registration().Socket)
	}}}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, "ws://tabtap/", &websocket.DialOptions{HTTPClient: hc,
		HTTPHeader: http.Header{"Authorization": {"Bearer nope"}}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("got %v, %v; want 401", resp, err)
	}
	if n := h.calls.Load(); n != 0 || s.Clients() != 0 {
		t.Errorf("a refused client reached the handler (%d calls, %d clients)", n, s.Clients())
	}
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestFilesArePrivate(t *testing.T) {
	dir := runtimeDir(t)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var h echo
	s := listen(t, dir, "ab12", h.handle)
	if m := mode(t, dir); m != 0o700 {
		t.Errorf("runtime dir mode %o, want 700", m)
	}
	reg := s.Registration()
	if reg.Socket != SocketPath(dir, "ab12") || len(reg.Token) != 64 {
		t.Errorf("registration %+v", reg)
	}
	if m := mode(t, reg.Socket); m != 0o600 {
		t.Errorf("socket mode %o, want 600", m)
	}
	path := registrationPath(dir, "ab12")
	if m := mode(t, path); m != 0o600 {
		t.Errorf("registration mode %o, want 600", m)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var onDisk Registration
	if err := json.Unmarshal(b, &onDisk); err != nil || onDisk.Token != reg.Token || onDisk.Socket != reg.Socket || onDisk.Tag != "ab12" {
		t.Errorf("registration file %s, want %+v", b, reg)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".reg-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestDiscoverSkipsJunk(t *testing.T) {
	dir := runtimeDir(t)
	if err := os.MkdirAll(filepath.Join(dir, "sub.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	write := func(name string, v any) {
		b, ok := v.([]byte)
		if !ok {
			b, _ = json.Marshal(v)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("old.json", Registration{Tag: "old", Socket: "/x/old.sock", Token: "t1", StartedAt: now.Add(-time.Hour)})
	write("new.json", Registration{Tag: "new", Socket: "/x/new.sock", Token: "t2", StartedAt: now})
	write("notes.txt", Registration{Tag: "txt", Socket: "/x/t.sock", Token: "t3"})
	write(".reg-123.json", Registration{Tag: "tmp", Socket: "/x/t.sock", Token: "t4"})
	write("broken.json", []byte(`{"tag": "br`))
	write("list.json", []byte(`[1,2,3]`))
	write("nosocket.json", Registration{Tag: "ns", Token: "t5"})
	write("notoken.json", Registration{Tag: "nt", Socket: "/x/nt.sock"})
	regs, err := Discover(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 2 || regs[0].Tag != "new" || regs[1].Tag != "old" {
		t.Errorf("got %+v, want new then old", regs)
	}
	if regs, err := Discover(filepath.Join(dir, "missing")); err != nil || len(regs) != 0 {
		t.Errorf("a missing directory gave %v, %v", regs, err)
	}
}

func tags(cs []*Client) string {
	var s []string
	for _, c := range cs {
		s = append(s, c.Registration().Tag)
	}
	return strings.Join(s, " ")
}

func TestPoolFollowsTheDaemons(t *testing.T) {
	dir := runtimeDir(t)
	p := NewPool(dir)
	defer p.Close()
	daemons := func() []*Client {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		cs, failed, err := p.Daemons(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(failed) != 0 && len(cs) == 0 {
			return nil
		}
		return cs
	}
	if cs := daemons(); len(cs) != 0 {
		t.Fatalf("no daemon yet, got %s", tags(cs))
	}
	var h echo
	a := listen(t, dir, "aaaa", h.handle)
	first := daemons()
	if tags(first) != "aaaa" {
		t.Fatalf("got %q, want aaaa", tags(first))
	}
	listen(t, dir, "bbbb", h.handle)
	both := daemons()
	if tags(both) != "bbbb aaaa" {
		t.Fatalf("got %q, want the newest first", tags(both))
	}
	if both[1] != first[0] {
		t.Error("a live connection was not reused")
	}

	a.Close()
	eventually(t, "the closed daemon's connection ends", func() bool { return !first[0].Alive() })
	if err := first[0].Call(context.Background(), api.ListTabs, nil, nil); !IsGone(err) {
		t.Errorf("a call to a closed daemon got %v, want ErrGone", err)
	}
	if got := tags(daemons()); got != "bbbb" {
		t.Errorf("after closing aaaa got %q", got)
	}

	// A daemon killed without closing leaves its registration: it is
	// reported apart, with its socket and why it does not answer.
	stale := Registration{Tag: "dead", Socket: SocketPath(dir, "dead"), Token: "t", PID: 4242, Browser: "Chromium 155 (dead)", StartedAt: time.Now().UTC()}
	if err := writeRegistration(dir, stale); err != nil {
		t.Fatal(err)
	}
	live, failed, err := p.Daemons(context.Background())
	if err != nil || tags(live) != "bbbb" {
		t.Errorf("with a stale registration got %q, %v", tags(live), err)
	}
	if len(failed) != 1 || failed[0].Registration.Tag != "dead" {
		t.Fatalf("the stale registration was not reported: %+v", failed)
	}
	msg := failed[0].Error()
	for _, want := range []string{"Chromium 155 (dead)", "pid 4242", stale.Socket, "no such file"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the unreachable daemon reads %q, want it to say %q", msg, want)
		}
	}
}

func TestPendingCallFailsWhenTheDaemonGoes(t *testing.T) {
	entered := make(chan struct{})
	s := listen(t, runtimeDir(t), "ab12", func(ctx context.Context, _ string, _ json.RawMessage) (any, error) {
		close(entered)
		<-ctx.Done()
		return nil, ctx.Err()
	})
	c := dial(t, s.Registration())
	done := make(chan error, 1)
	go func() { done <- c.Call(context.Background(), api.StopCapture, nil, nil) }()
	<-entered
	s.Close()
	select {
	case err := <-done:
		if !IsGone(err) {
			t.Errorf("got %v, want ErrGone", err)
		}
	case <-time.After(wait):
		t.Fatal("the call outlived its daemon")
	}
}

func TestCloseLeavesAReplacementAlone(t *testing.T) {
	dir := runtimeDir(t)
	old := listen(t, dir, "ab12", func(context.Context, string, json.RawMessage) (any, error) { return "old", nil })
	p := NewPool(dir)
	defer p.Close()
	ask := func() string {
		t.Helper()
		cs, _, err := p.Daemons(context.Background())
		if err != nil || len(cs) != 1 {
			t.Fatalf("pool: %d daemons, %v", len(cs), err)
		}
		var got string
		if err := cs[0].Call(context.Background(), api.ListTabs, nil, &got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := ask(); got != "old" {
		t.Fatalf("got %q", got)
	}
	// The extension restarted: a new daemon of the same profile takes the
	// tag over while the old one is still shutting down.
	repl := listen(t, dir, "ab12", func(context.Context, string, json.RawMessage) (any, error) { return "new", nil })
	if got := ask(); got != "new" {
		t.Errorf("the pool still talks to the replaced daemon (%q)", got)
	}
	old.Close()

	regs, err := Discover(dir)
	if err != nil || len(regs) != 1 || regs[0].Token != repl.Registration().Token {
		t.Fatalf("after the old daemon closed: %+v, %v; want the replacement's registration", regs, err)
	}
	c := dial(t, regs[0])
	var got string
	if err := c.Call(context.Background(), api.ListTabs, nil, &got); err != nil || got != "new" {
		t.Errorf("the replacement answered %q, %v", got, err)
	}

	repl.Close()
	for _, p := range []string{registrationPath(dir, "ab12"), SocketPath(dir, "ab12")} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s left behind by its owner's Close (%v)", filepath.Base(p), err)
		}
	}
}

func TestHandlerPanicBecomesAnError(t *testing.T) {
	s := listen(t, runtimeDir(t), "ab12", func(_ context.Context, method string, _ json.RawMessage) (any, error) {
		if method == api.GetRequest {
			var m map[string]int
			m["boom"]++ // nil map: panics
		}
		return "fine", nil
	})
	c := dial(t, s.Registration())
	var e *api.Error
	err := c.Call(context.Background(), api.GetRequest, nil, nil)
	if !errors.As(err, &e) || e.Code != api.CodeInternal || !strings.Contains(e.Message, api.GetRequest) {
		t.Errorf("got %v, want an internal error naming the method", err)
	}
	var got string
	if err := c.Call(context.Background(), api.ListTabs, nil, &got); err != nil || got != "fine" {
		t.Errorf("after the panic the server answered %q, %v", got, err)
	}
}

// TestLargeResultsPass sends a result larger than both websocket's default
// read limit (32 KiB) and the limit on requests (16 MiB). 24 MiB rather
// than tens more: under -race each pass of encoding/json over it costs
// seconds.
func TestLargeResultsPass(t *testing.T) {
	big := strings.Repeat("a", 24<<20)
	s := listen(t, runtimeDir(t), "ab12", func(context.Context, string, json.RawMessage) (any, error) { return big, nil })
	c := dial(t, s.Registration())
	var got string
	if err := c.Call(context.Background(), api.StopCapture, nil, &got); err != nil {
		t.Fatal(err)
	}
	if got != big {
		t.Errorf("got %d bytes, want %d", len(got), len(big))
	}
}

// rawDaemon serves the link's websocket on a socket of dir with answer
// deciding, frame by frame, what goes back: a daemon that misbehaves.
func rawDaemon(t *testing.T, dir string, answer func(frame []byte) []byte) Registration {
	t.Helper()
	if err := EnsureRuntimeDir(dir); err != nil {
		t.Fatal(err)
	}
	reg := Registration{Tag: "raw1", Socket: SocketPath(dir, "raw1"), Token: NewToken(), StartedAt: time.Now().UTC()}
	ln, err := net.Listen("unix", reg.Socket)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			_, b, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if out := answer(b); out != nil {
				_ = c.Write(r.Context(), websocket.MessageText, out)
			}
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return reg
}

// TestMalformedReplyFailsTheCallAtOnce: a reply the client cannot read
// ends its call with an error saying so, instead of leaving it to wait for
// its deadline.
func TestMalformedReplyFailsTheCallAtOnce(t *testing.T) {
	reg := rawDaemon(t, runtimeDir(t), func(frame []byte) []byte {
		var m rpc.Message
		if err := json.Unmarshal(frame, &m); err != nil {
			t.Errorf("the client sent %s: %v", frame, err)
			return nil
		}
		if m.Method == api.ListTabs {
			return []byte(fmt.Sprintf(`{"id":%d,"error":"boom"}`, m.ID))
		}
		return []byte(fmt.Sprintf(`{"id":%d,"result":"fine"}`, m.ID))
	})
	c := dial(t, reg)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err := c.Call(ctx, api.ListTabs, nil, nil)
	if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "the reply to list_tabs could not be read") {
		t.Errorf("a malformed reply gave %v (context: %v), want the call to fail at once saying why", err, ctx.Err())
	}
	var got string
	if err := c.Call(ctx, api.CaptureStatus, nil, &got); err != nil || got != "fine" {
		t.Errorf("the next call got %q, %v", got, err)
	}
}

// TestMalformedRequestIsAnswered: a request the daemon cannot read still
// gets an error back when its id can be read.
func TestMalformedRequestIsAnswered(t *testing.T) {
	var h echo
	s := listen(t, runtimeDir(t), "ab12", h.handle)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", s.Registration().Socket)
	}}}
	conn, _, err := websocket.Dial(ctx, "ws://tabtap/", &websocket.DialOptions{HTTPClient: hc,
		HTTPHeader: http.Header{"Authorization": {"Bearer " + s.Registration().Token}}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	if err := conn.Write(ctx, websocket.MessageText, []byte(`{"id":3,"method":["list_tabs"]}`)); err != nil {
		t.Fatal(err)
	}
	_, b, err := conn.Read(ctx)
	if err != nil {
		t.Fatalf("no answer to a malformed request: %v", err)
	}
	var m rpc.Message
	if err := json.Unmarshal(b, &m); err != nil || m.ID != 3 || m.Error == nil || m.Error.Code != rpc.CodeInvalidArgument {
		t.Errorf("a malformed request was answered %s", b)
	}
}
