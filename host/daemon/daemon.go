// Package daemon is the process the browser starts: it holds the native
// messaging port to the extension, the captures, and the socket `tabtap
// mcp` processes talk to. It routes the extension's events to the capture
// of their tab, serves agents' calls over the link through package ops'
// registry (implementing ops.Backend), and serves the popup over the port.
package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/extension"
	"github.com/tabtap/tabtap/host/mcplink"
)

// Options configure a daemon.
type Options struct {
	// RuntimeDir is where the socket and registration go.
	RuntimeDir string
	// Version is reported in the registration.
	Version string
	// Log receives the daemon's diagnostics; stdout is the browser's.
	Log *slog.Logger
	// HelloTimeout bounds the wait for the extension's hello.
	HelloTimeout time.Duration
	// MaxStopped is how many stopped captures are kept; past it the oldest
	// is let go (and list_captures says so). Default 20.
	MaxStopped int
	// Record, when set, receives every DevTools event of a captured tab as
	// one JSON line ({tabId, sessionId, method, params}): what the browser
	// said, for a bug report or a test fixture. It holds captured traffic.
	Record io.Writer

	// created, when set, is told of the daemon as soon as it exists (for
	// the package's tests).
	created func(*Daemon)
}

// Daemon is one browser profile's tabtap.
type Daemon struct {
	opts    Options
	log     *slog.Logger
	conn    *extension.Conn
	browser *extensionBrowser
	hello   chan extension.Hello
	server  *mcplink.Server
	ready   chan struct{} // closed once restored and listening
	reclaim reclaimer

	mu       sync.Mutex
	profile  extension.Hello
	mismatch *api.Error // set when the extension speaks another protocol version
	tag      string
	label    string
	sessions map[string]*session
	order    []*session // in creation order
	// live are the captures that may hold tabs: from the start of
	// start_network_capture until their stop is over. Which tabs each
	// follows only the capture knows (HasTab).
	live    []*capture.Capture
	seq     int
	evicted int
	// policy is the person's settings.
	policy extension.Policy
	// blocked are the person's blocked sites, parsed; read without d.mu
	// by the fence of agents' captures, inside their event handling.
	blocked atomic.Pointer[[]string]
}

// session is a tab chosen for capture, and its latest capture.
type session struct {
	id        string
	tabID     int64
	url       string
	title     string
	created   time.Time
	closed    bool
	tabClosed bool
	evicted   bool // its capture was let go to keep memory bounded
	capture   *capture.Capture
	// earlier are the session's stopped captures before the latest,
	// oldest first, still readable by their captureId.
	earlier []*capture.Capture
}

// Run serves one native-messaging port on r and w until the extension
// closes it or ctx ends. It returns why it stopped.
func Run(ctx context.Context, r io.Reader, w io.Writer, opts Options) error {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.HelloTimeout == 0 {
		opts.HelloTimeout = 10 * time.Second
	}
	if opts.MaxStopped == 0 {
		opts.MaxStopped = 20
	}
	d := &Daemon{
		opts: opts, log: opts.Log, hello: make(chan extension.Hello, 1), ready: make(chan struct{}),
		sessions: map[string]*session{},
	}
	d.conn = extension.New(r, w, d, opts.Log)
	d.browser = &extensionBrowser{conn: d.conn}
	if opts.created != nil {
		opts.created(d)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ended := make(chan error, 1)
	go func() { ended <- d.conn.Run(ctx) }()

	var hello extension.Hello
	select {
	case hello = <-d.hello:
	case <-time.After(opts.HelloTimeout):
		d.log.Warn("no hello from the extension; going on without its profile id")
	case err := <-ended:
		return fmt.Errorf("the extension left before saying hello: %v", err)
	case <-ctx.Done():
		return ctx.Err()
	}
	d.identify(hello)
	if hello.Policy != nil {
		d.setPolicy(*hello.Policy)
	}
	d.restore()

	srv, err := mcplink.Listen(opts.RuntimeDir, mcplink.Registration{
		Tag: d.tag, PID: os.Getpid(), Browser: d.label, Version: opts.Version, StartedAt: time.Now().UTC(),
	}, d.handle, d.log)
	if err != nil {
		return err
	}
	d.server = srv
	close(d.ready)
	go func() {
		if err := srv.Serve(); err != nil {
			d.log.Error("serving the socket", "err", err)
		}
	}()
	d.log.Info("daemon ready", "browser", d.label, "socket", srv.Registration().Socket)
	d.pushState()

	select {
	case err = <-ended:
		d.log.Info("the extension closed the port", "err", err)
	case <-ctx.Done():
		err = ctx.Err()
	}
	d.shutdown("the extension's connection to tabtap ended (its service worker restarted, the extension was reloaded or updated, or the browser closed)")
	if serr := d.save(); serr != nil {
		d.log.Error("the captures could not be saved for the next daemon", "err", serr)
	}
	srv.Close()
	return err
}

// tagLen is the length of a daemon's tag in hex digits: 64 bits, so that
// no two profiles ever share the sockets, session ids and saved captures
// it names.
const tagLen = 16

// identify names the daemon after the extension's profile.
func (d *Daemon) identify(h extension.Hello) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.profile = h
	seed := h.ProfileID
	if seed == "" {
		seed = mcplink.NewToken()
	}
	sum := sha256.Sum256([]byte(seed))
	d.tag = hex.EncodeToString(sum[:])[:tagLen]
	name := h.Browser
	if name == "" {
		name = "browser"
	}
	d.label = fmt.Sprintf("%s (%s)", name, d.tag)
}

// shutdown ends every running capture, keeping what it holds.
func (d *Daemon) shutdown(reason string) {
	d.mu.Lock()
	var running []*capture.Capture
	for _, s := range d.order {
		if s.capture != nil && s.capture.Active() {
			running = append(running, s.capture)
		}
	}
	d.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range running {
		wg.Add(1)
		go func() { defer wg.Done(); d.stopCapture(c, reason) }()
	}
	wg.Wait()
}

// Notify handles the extension's notifications, on the extension link's read loop.
func (d *Daemon) Notify(method string, params json.RawMessage) {
	switch method {
	case extension.MethodHello:
		var h extension.Hello
		if err := json.Unmarshal(params, &h); err != nil {
			d.log.Warn("malformed hello", "err", err)
			return
		}
		d.welcome(h)
		select {
		case d.hello <- h:
		default:
		}
	case extension.MethodPolicy:
		var p extension.Policy
		if err := json.Unmarshal(params, &p); err != nil {
			d.log.Warn("malformed policy", "err", err)
			return
		}
		d.setPolicy(p)
		d.log.Info("the person's settings changed", "allowUnredacted", p.AllowUnredacted, "blockedSites", len(p.BlockedSites))
	case extension.MethodCDPEvents:
		var b extension.EventBatch
		if err := b.Decode(params); err != nil {
			d.log.Warn("malformed event batch", "err", err)
			return
		}
		d.route(b)
	case extension.MethodDebuggerDetached:
		var e extension.Detached
		if json.Unmarshal(params, &e) == nil {
			d.tabLost(e.TabID, detachReason(e), true)
		}
	case extension.MethodTabsRemoved:
		var e extension.TabRef
		if json.Unmarshal(params, &e) == nil {
			d.tabRemoved(e.TabID)
		}
	case extension.MethodTabsCreated:
		var t extension.Tab
		if json.Unmarshal(params, &t) == nil {
			d.tabCreated(t)
		}
	default:
		d.log.Debug("unknown notification from the extension", "method", method)
	}
}

// handleEvent hands one event to a capture; tests replace it to watch
// the locks it runs under.
var handleEvent = func(c *capture.Capture, ev extension.Event) { c.HandleEvent(capture.Event(ev)) }

// captureOf returns the live capture that follows a tab, or nil. d.mu is
// held.
func (d *Daemon) captureOfTab(tabID int64) *capture.Capture {
	for _, c := range d.live {
		if c.HasTab(tabID) {
			return c
		}
	}
	return nil
}

// route hands each event to the capture that follows its tab, and
// charges the events the extension dropped to the capture of the tab they
// came from. The captures are looked up under d.mu, once per tab of the
// batch, and the events handed over once it is released: a capture's
// filter never runs with a lock other captures, or the operations of
// agents, wait for. Events are handed over in their order (route runs on
// the extension link's one read loop), so each capture sees its tab's
// events in the order the browser sent them, and a reply read after a
// batch (debugger.drain's) finds the batch handed over.
func (d *Daemon) route(b extension.EventBatch) {

	of := map[int64]*capture.Capture{}
	d.mu.Lock()
	for tabID := range b.DroppedByTab {
		of[tabID] = d.captureOfTab(tabID)
	}
	for _, ev := range b.Events {
		if _, ok := of[ev.TabID]; !ok {
			of[ev.TabID] = d.captureOfTab(ev.TabID)
		}
	}
	d.mu.Unlock()
	for tabID, n := range b.DroppedByTab {
		if c := of[tabID]; c != nil {
			c.ExtensionDropped(n)
		}
	}
	for _, ev := range b.Events {
		if c := of[ev.TabID]; c != nil {
			d.record(ev)
			handleEvent(c, ev)
		}
	}
}

// record writes an event to Options.Record; only route, on the extension link's
// read loop, calls it.
func (d *Daemon) record(ev extension.Event) {
	if d.opts.Record == nil {
		return
	}
	b, err := json.Marshal(ev)
	if err == nil {
		_, err = d.opts.Record.Write(append(b, '\n'))
	}
	if err != nil {
		d.log.Warn("recording events", "err", err)
		d.opts.Record = nil
	}
}

func detachReason(e extension.Detached) string {
	switch e.Reason {
	case "canceled_by_user":
		return "the debugging session was canceled from the browser's infobar"
	case "target_closed":
		return ""
	}
	return fmt.Sprintf("the browser detached the debugger (%s)", e.Reason)
}

// closeGrace is how long a capture whose tab was closed waits for the
// tab's last events, which the browser sends after tabs.onRemoved, when
// the debugger's detach notice does not come first.
const closeGrace = time.Second

// tabRemoved handles a closed tab: its sessions learn it, and its capture
// ends once the tab's last events are in (the browser reports the detach
// after them; closeGrace bounds the wait).
func (d *Daemon) tabRemoved(tabID int64) {
	d.mu.Lock()
	for _, s := range d.sessions {
		if s.tabID == tabID {
			s.tabClosed = true
		}
	}
	d.mu.Unlock()
	time.AfterFunc(closeGrace, func() { d.tabLost(tabID, "", false) })
}

// tabLost handles a tab that was closed or taken from the debugger. An
// empty reason means the tab was closed. detached says the debugger's
// detach notice came: the tab's last events came before it, so there is
// nothing left to drain; without it (a closed tab whose notice did not
// come in time) the stop still tries, and counts what it cannot wait for.
func (d *Daemon) tabLost(tabID int64, reason string, detached bool) {
	d.mu.Lock()
	c := d.captureOfTab(tabID)
	d.mu.Unlock()
	if c == nil {
		return
	}
	if tabID != c.MainTab() {
		c.TabGone(tabID, "")
		return
	}
	why := reason
	if why == "" {
		why = fmt.Sprintf("tab %d was closed during the capture", tabID)
	}
	// Stopping waits for bodies: never on the read loop.
	go func() {
		if detached {
			c.TabGone(tabID, why)
		}
		d.stopCapture(c, why)
	}()
}

// tabCreated brings a tab opened by a captured tab into its capture. The
// extension attached it already when its opener follows popups; a tab the
// capture cannot take is let go, so that no debugging bar stays for nothing.
func (d *Daemon) tabCreated(t extension.Tab) {
	if t.OpenerTabID == 0 {
		return
	}
	d.mu.Lock()
	c := d.captureOfTab(t.OpenerTabID)
	follows := c != nil && c.Options().FollowPopups
	taken := follows && d.captureOfTab(t.TabID) == nil && c.Expect(t.TabID)
	d.mu.Unlock()
	if !taken {
		if follows {
			go d.release(t.TabID)
		}
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		// A tab the capture could not arm leaves it (AddTab says so).
		if err := c.AddTab(ctx, t.TabID); err != nil {
			d.log.Info("could not follow a popup", "tab", t.TabID, "err", err)
		}
		d.pushState()
	}()
}

// release detaches a tab the extension attached for a capture that no
// longer takes it.
func (d *Daemon) release(tabID int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.browser.Detach(ctx, tabID); err != nil {
		d.log.Debug("letting go of a popup", "tab", tabID, "err", err)
	}
}

// stopCapture stops a capture (draining what is on its way from the
// browser first, see capture.Stop) and forgets it as live.
func (d *Daemon) stopCapture(c *capture.Capture, reason string) {
	c.Stop(reason)
	d.forget(c)
	d.retain()
	d.pushState()
}

// pushState tells the extension what runs, for its badge and popup.
func (d *Daemon) pushState() {
	st := extension.State{Captures: d.captureStates()}
	if err := d.conn.Notify(extension.MethodState, st); err != nil {
		d.log.Debug("sending state", "err", err)
	}
}

// newCapture makes a capture of tabID for an agent or the popup (by) and
// makes it live, so that the tab counts as taken from now on. An agent's
// capture is fenced off the person's blocked sites. d.mu is held.
func (d *Daemon) newCapture(tabID int64, opts api.Options, by string) *capture.Capture {
	d.seq++
	c := capture.New(fmt.Sprintf("capture_%s_%d", d.tag, d.seq), tabID, opts, d.browser, d.log)
	c.SetStarter(by)
	if by == "agent" {
		c.Fence(d.fenced, func(reason string) { d.stopCapture(c, reason) })
	}
	d.live = append(d.live, c)
	return c
}

// forget drops a capture from the live ones: its stop is over, or it
// never started.
func (d *Daemon) forget(c *capture.Capture) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.live = slices.DeleteFunc(d.live, func(o *capture.Capture) bool { return o == c })
}
