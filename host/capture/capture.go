package capture

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp/jsonv2"
	"golang.org/x/sync/semaphore"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/redact"
)

// Target addresses the tab itself (SessionID empty) or one of its child
// targets attached with flat sessions.
type Target struct {
	TabID     int64
	SessionID string
}

// Event is one DevTools Protocol event of a captured tab.
type Event struct {
	TabID     int64
	SessionID string
	Method    string
	// Params must be valid JSON, as the daemon's decoding of a batch of
	// events leaves them: the capture does not check it again (reader.go).
	Params json.RawMessage
	// BodyFollows marks a Network.loadingFinished whose body the browser
	// side reads itself and sends later among the events, as a
	// ResponseBodyEvent (Browser.ReadBodies).
	BodyFollows bool
}

// ResponseBodyEvent is the method of the events that carry a body the
// browser side read on its own (Browser.ReadBodies); their params are
// Network.getResponseBody's result with the requestId, or an error.
const ResponseBodyEvent = "tabtap.responseBody"

// Browser is what a capture needs of the browser. The daemon implements it
// over the extension relay; tests implement it with recorded answers.
type Browser interface {
	// Attach attaches the debugger to a tab. followPopups asks for the tabs
	// it opens to be attached as soon as they exist.
	Attach(ctx context.Context, tabID int64, followPopups bool) error
	// Detach lets go of a tab; detaching a tab that is gone succeeds.
	Detach(ctx context.Context, tabID int64) error
	// Send sends one command and returns its result. maxFieldLength, when
	// positive, asks the relay to cut long string fields of the result.
	Send(ctx context.Context, t Target, method string, params any, maxFieldLength int) (json.RawMessage, error)
	// Drain returns once every event the browser emitted for a tab and its
	// child targets before the call has been handed to the capture. missed
	// says, one line each, which of them it could not wait for and why; err
	// is set when the tab could not be drained at all.
	Drain(ctx context.Context, tabID int64) (missed []string, err error)
	// ReadBodies asks the browser side to read, from now on, the body of
	// each response of a tab as soon as it finished loading, cut as
	// maxFieldLength cuts (0 stops it), and to send it among the tab's
	// events after the loadingFinished it marks with BodyFollows: no round
	// trip per body. A browser that cannot leaves BodyFollows unset, and
	// the capture asks for each body with Send.
	ReadBodies(ctx context.Context, tabID int64, maxFieldLength int) error
}

// State is where a capture is in its life.
type State string

// The states of a capture, named as the reference tool family names them
// (see api.Settings).
const (
	StateActive  State = "active"
	StateStopped State = "stopped"
)

// bodyWait bounds how long Stop waits for bodies still being fetched (a
// variable for tests).
var bodyWait = 5 * time.Second

// drainWait bounds how long Stop waits for the events still on their way
// from the browser (a variable for tests): the extension gives a drain
// 15 s (extension.DrainTimeoutMs), and its answer needs a little more.
var drainWait = 20 * time.Second

// fetchSlots bounds what a capture asks the browser for at once: bodies
// (and request bodies) are fetched as each response ends, so their fetches
// must keep up with the page; each round trip goes through the extension
// and the native port, behind the events already on their way. A small
// body takes one slot, a large one a slot per MiB it carried on the
// network, so that no more than about 16 MiB of large bodies are in flight.
const fetchSlots = 16

// fetchWeight is the slots a fetch of a body of encoded bytes takes.
func fetchWeight(encoded int64) int64 { return 1 + min(fetchSlots-1, max(0, encoded)>>20) }

// Capture records the traffic of one tab and of the tabs it opens.
type Capture struct {
	id      string
	opts    api.Options
	filter  *filter
	browser Browser
	log     *slog.Logger
	sem     *semaphore.Weighted
	ctx     context.Context // canceled once the capture is stopped
	cancel  context.CancelFunc
	pending sync.WaitGroup
	done    chan struct{} // closed when Stop has finished
	// secrets are the values learned as secrets, hidden from every record
	// that leaves the engine; nil when redactSecrets is false.
	secrets *redact.Set

	// by is who started the capture, "agent" or "popup" (SetStarter).
	by string
	// blocked names the blocked site a document URL falls under, and
	// fenceStop ends the capture for it (Fence); nil when nothing is fenced.
	blocked   func(url string) string
	fenceStop func(reason string)

	mu sync.Mutex
	// state is active until the stop is over; stopping is set when it
	// begins (no new tabs, the capture shows as stopped), closed once the
	// events in flight have been drained (nothing more is recorded).
	state     State
	stopping  bool
	closed    bool
	fenced    bool // a blocked site was reached: nothing more is recorded
	startTime time.Time
	endTime   time.Time
	endReason string
	mainTab   int64
	// tabs are the capture's tabs, true once attached and armed, false
	// while expected: the one place that says which tabs a capture follows
	// (the daemon routes events by asking HasTab).
	tabs    map[int64]bool
	targets map[string]api.Source // child session id → where its events come from
	clock   clock
	gen     int // bumped by Clear: results for older records are dropped
	words   words
	events  eventReader // reads the commonest events, with words

	requests   []*api.Request
	responses  []*api.Response
	frames     frameStore
	streams    []*api.StreamingResponse
	live       map[string]*exchange // by browser request id
	recent     map[string]*exchange // finished lately: ExtraInfo can come after the end
	recentIDs  []string             // recent, oldest first
	early      map[string]*extras   // extra info that came before its request
	skipped    map[string]bool      // sockets and event sources the filter left out
	droppedIDs map[string]bool      // requests dropped at a bound while in flight (see budget.go)
	awaiting   map[string]*exchange // finished, their bodies on the way among the events (ReadBodies)
	bodiesOff  bool                 // ReadBodies was turned off: the contents' budget is spent
	// followed and asked count the bodies the browser side read on its own
	// and those the capture asked for, for the log.
	followed, asked int
	capped          map[string]string // URL of sockets whose handshake was dropped at a bound
	settled         []completed       // exchanges and redirect hops complete with their bodies, in order
	changed         chan struct{}     // closed at the next change, for waiters; nil when none wait
	bytes           int64
	dropped         api.Dropped
	reasons         map[string]bool
	lost            map[string]bool   // targets counted in dropped.Targets, by "tab/session"
	recovered       map[string]string // URL of popups' documents recorded after the fact, by frame id (popup.go)
	contentLoads    map[int64]string  // URL of a document the browser reloads from its cache for documentContent, by tab
	// restored is set for a capture read back from disk (Restore): its
	// records hold no secrets any more.
	restored bool
	// sent counts the requests agents sent as the person through the
	// capture's tab; sentTags maps the tag of each one under way to the
	// id of its request once recorded (sent.go).
	sent     int
	sentTags map[string]string
}

// New returns a capture of tabID, not yet attached. Start attaches it.
func New(id string, tabID int64, opts api.Options, b Browser, log *slog.Logger) *Capture {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Capture{
		id: id, opts: opts, filter: newFilter(opts), browser: b, log: log,
		sem: semaphore.NewWeighted(fetchSlots), ctx: ctx, cancel: cancel, done: make(chan struct{}),
		state: StateActive, mainTab: tabID,
		tabs: map[int64]bool{tabID: false}, targets: map[string]api.Source{},
	}
	if opts.RedactSecrets {
		c.secrets = redact.NewSet()
	}
	c.clock.now = time.Now
	c.events.words = &c.words
	c.reset()
	return c
}

func (c *Capture) reset() {
	c.requests, c.responses, c.frames, c.streams = nil, nil, frameStore{}, nil
	c.live = map[string]*exchange{}
	c.recent, c.recentIDs = map[string]*exchange{}, nil
	c.early = map[string]*extras{}
	c.awaiting = map[string]*exchange{}
	c.settled = nil
	if c.skipped == nil {
		// What the filter or a bound left out stays out across a Clear.
		c.skipped, c.droppedIDs, c.capped = map[string]bool{}, map[string]bool{}, map[string]string{}
	}
	c.bytes = 0
	c.dropped = api.Dropped{}
	c.reasons = map[string]bool{}
	c.lost = map[string]bool{}
	c.recovered = map[string]string{}
	if c.contentLoads == nil {
		c.contentLoads = map[int64]string{}
	}
	if c.bodiesOff {
		// The budget is whole again: the browser side may read bodies.
		c.bodiesOff = false
		c.setBodyReads(c.bodyFieldLimit())
	}
	c.gen++
}

// ID is the capture's id, "capture_…".
func (c *Capture) ID() string { return c.id }

// MainTab is the tab the capture was started on.
func (c *Capture) MainTab() int64 { return c.mainTab }

// SetStarter records who starts the capture, "agent" or "popup"; call it
// before Start.
func (c *Capture) SetStarter(by string) { c.by = by }

// Starter is who started the capture: "agent" or "popup".
func (c *Capture) Starter() string { return c.by }

// Fence keeps the capture off the sites a person blocked: blocked returns
// why a document URL may not be captured ("" when it may). The first
// document request of such a site is not recorded, nor anything after it,
// and stop is called (on its own goroutine) with that reason. Call it
// before Start.
func (c *Capture) Fence(blocked func(url string) string, stop func(reason string)) {
	c.blocked, c.fenceStop = blocked, stop
}

// Start attaches the debugger to the capture's tab and arms the network
// domain; the capture's start time is when that is done.
func (c *Capture) Start(ctx context.Context) error {
	if err := c.addTab(ctx, c.mainTab); err != nil {
		return err
	}
	c.mu.Lock()
	c.startTime = time.Now().UTC()
	c.mu.Unlock()
	return nil
}

// Expect marks a tab as the capture's before it is attached, so that the
// events of a popup the extension attached on its own are kept from the
// first. It reports false when the capture no longer takes tabs.
func (c *Capture) Expect(tabID int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != StateActive || c.stopping {
		return false
	}
	if _, ok := c.tabs[tabID]; !ok {
		c.tabs[tabID] = false
	}
	return true
}

// AddTab brings another tab into the capture: a popup or a new tab the
// captured tab opened.
func (c *Capture) AddTab(ctx context.Context, tabID int64) error {
	c.mu.Lock()
	done := c.state != StateActive || c.stopping || c.tabs[tabID]
	c.mu.Unlock()
	if done {
		return nil
	}
	return c.addTab(ctx, tabID)
}

func (c *Capture) addTab(ctx context.Context, tabID int64) error {
	c.mu.Lock()
	if _, ok := c.tabs[tabID]; !ok {
		c.tabs[tabID] = false
	}
	c.mu.Unlock()
	// Whatever goes wrong, the tab must not stay attached to no capture:
	// the browser would show its debugging bar for nothing.
	release := func() {
		c.mu.Lock()
		delete(c.tabs, tabID)
		c.mu.Unlock()
		dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = c.browser.Detach(dctx, tabID)
	}
	if err := c.browser.Attach(ctx, tabID, c.opts.FollowPopups); err != nil {
		release()
		return fmt.Errorf("attaching the debugger to tab %d: %w", tabID, err)
	}
	if c.readsBodies() {
		c.mu.Lock()
		limit := c.bodyFieldLimit()
		if c.bodiesOff {
			limit = 0
		}
		c.mu.Unlock()
		if limit > 0 {
			if err := c.browser.ReadBodies(ctx, tabID, limit); err != nil {
				// The capture asks for each body itself.
				c.log.Debug("the browser side does not read bodies", "tab", tabID, "err", err)
			}
		}
	}
	if err := c.arm(ctx, Target{TabID: tabID}, false, "page"); err != nil {
		release()
		return err
	}
	c.mu.Lock()
	stopped := c.state != StateActive || c.stopping
	if !stopped {
		c.tabs[tabID] = true
	}
	c.mu.Unlock()
	if stopped {
		// The capture stopped while the tab was being attached.
		release()
		return nil
	}
	if tabID != c.mainTab {
		c.recoverDocument(tabID)
	}
	return nil
}

// arm enables the network domain of a target and asks for its children
// (cross-site iframes, workers) to be attached paused, so that their first
// requests are seen. A paused child is resumed whatever happens.
//
// A service worker is different: the browser answers Network.enable on it
// only once it runs, so it is resumed at once, with its domain enabled
// beside; what it fetches itself in its first instants may be missed, the
// responses it gives the page are not (the page's own target reports them).
func (c *Capture) arm(ctx context.Context, t Target, paused bool, kind string) error {
	resumed := make(chan struct{})
	resume := func() {
		defer close(resumed)
		if !paused {
			return
		}
		if _, err := c.browser.Send(ctx, t, "Runtime.runIfWaitingForDebugger", nil, 0); err != nil {
			c.log.Debug("resuming a child target", "target", t, "err", err)
		}
	}
	early := kind == "service_worker" || kind == "shared_worker"
	if early {
		go resume()
	}
	var firstErr error
	if _, err := c.browser.Send(ctx, t, "Network.enable", bufferSizes(c.opts), 0); err != nil {
		firstErr = fmt.Errorf("enabling the network domain: %w", err)
	}
	if firstErr == nil || paused {
		if _, err := c.browser.Send(ctx, t, "Target.setAutoAttach", map[string]any{
			"autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true,
		}, 0); err != nil {
			c.targetLost(t, fmt.Errorf("attaching its iframes and workers: %w", err))
		}
	}
	if !early {
		resume()
	}
	<-resumed
	return firstErr
}

// The browser keeps the bodies of a target's responses in a buffer until
// they are asked for, and lets the oldest go past its total (200 MB by
// default in Chromium) or not keep a body larger than its per-resource
// size (20 MB). The capture asks for each body as soon as loading
// finished; sized to the capture's own bounds, the buffer keeps every body
// the capture could hold until then, and any body up to the largest
// maxBodyBytes, so that a larger one is cut rather than lost.
const (
	resourceBuffer = api.MaxMaxBodyBytes
	maxTotalBuffer = 1 << 30
)

// bufferSizes are the Network.enable parameters for a capture's options.
func bufferSizes(o api.Options) map[string]any {
	if !o.CaptureBodies || o.MaxBodyBytes == 0 {
		return map[string]any{} // the browser's defaults: no body is asked for
	}
	return map[string]any{
		"maxResourceBufferSize": resourceBuffer,
		"maxTotalBufferSize":    min(max(o.MaxTotalBytes, 4*resourceBuffer), maxTotalBuffer),
	}
}

// targetLost counts, once per target, one whose traffic (or whose
// children's) the capture will miss because the browser refused to arm it,
// with a reason for the first of each kind (tab, iframe, worker…). A
// target that went away meanwhile, or a capture that is stopping, loses
// nothing worth reporting.
func (c *Capture) targetLost(t Target, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := fmt.Sprintf("%d/%s", t.TabID, t.SessionID)
	src, known := c.targets[t.SessionID]
	if c.state != StateActive || c.stopping || c.lost[key] || (t.SessionID != "" && !known) {
		c.log.Debug("arming a target failed", "target", t, "err", err)
		return
	}
	c.lost[key] = true
	c.dropped.Targets++
	kind, what := "tab", fmt.Sprintf("tab %d", t.TabID)
	if t.SessionID != "" {
		article := "a"
		if strings.ContainsAny(src.Target[:min(1, len(src.Target))], "aeiou") {
			article = "an"
		}
		kind, what = src.Target, fmt.Sprintf("%s %s of tab %d", article, src.Target, t.TabID)
	}
	if !c.lost["kind "+kind] {
		c.lost["kind "+kind] = true
		c.reason(fmt.Sprintf("targets: the browser refused to capture %s (%v); its traffic is missing", what, err))
	}
}

// HasTab reports whether events of a tab belong to this capture.
func (c *Capture) HasTab(tabID int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.tabs[tabID]
	return ok
}

// Active reports whether the capture still records.
func (c *Capture) Active() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state == StateActive && !c.stopping
}

// TabGone tells the capture that the debugger let go of a tab (it was
// closed, or the person canceled the debugging bar): the browser sent the
// tab's last events before saying so, so there is nothing left to drain.
// When it is the capture's own tab the capture stops with reason; a
// followed popup just leaves the capture.
func (c *Capture) TabGone(tabID int64, reason string) {
	c.mu.Lock()
	_, had := c.tabs[tabID]
	delete(c.tabs, tabID)
	main := tabID == c.mainTab
	c.mu.Unlock()
	if had && main {
		c.Stop(reason)
	}
}

// Stop ends the capture. First it drains: every event the browser emitted
// for the capture's tabs before the stop reaches the capture (what cannot,
// a tab gone or a browser that does not answer, is counted under
// dropped.undrained with a reason). Then it records nothing more, waits a
// little for the bodies still being fetched, and detaches from its tabs.
// reason is empty when a person or an agent asked for the stop, and
// otherwise says why it ended; the capture adds how many requests it
// kept. A Stop during another returns when the first is done; stopping a
// stopped capture does nothing.
func (c *Capture) Stop(reason string) {
	c.mu.Lock()
	if c.state != StateActive || c.stopping {
		c.mu.Unlock()
		<-c.done
		return
	}
	c.stopping = true
	c.endTime = time.Now().UTC()
	c.endReason = c.kept(reason)
	var armed []int64
	for t, ok := range c.tabs {
		if ok {
			armed = append(armed, t)
		}
	}
	c.mu.Unlock()
	defer close(c.done)

	c.drain(armed)
	c.mu.Lock()
	c.closed = true
	c.endReason = c.kept(reason) // now with the events that were in flight
	c.mu.Unlock()

	waited := make(chan struct{})
	go func() { c.pending.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(bodyWait):
		c.log.Info("stopping without waiting longer for bodies", "capture", c.id)
	}
	c.cancel()

	c.mu.Lock()
	c.state = StateStopped
	c.touch()
	tabs := c.tabs
	c.tabs = map[int64]bool{}
	// What only served requests in flight goes: the records stay.
	c.markUnfetched()
	c.live, c.recent, c.recentIDs, c.early, c.skipped, c.targets = nil, nil, nil, nil, nil, nil
	c.awaiting = nil
	c.droppedIDs, c.capped = nil, nil
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for t := range tabs {
		if err := c.browser.Detach(ctx, t); err != nil {
			c.log.Debug("detaching", "tab", t, "err", err)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log.Info("capture stopped", "capture", c.id, "requests", len(c.requests), "frames", c.frames.len,
		"bodiesReadByTheBrowserSide", c.followed, "bodiesAskedFor", c.asked)
}

// kept completes the reason a capture ended with what it kept; an empty
// reason (a person or an agent stopped it) stays empty. c.mu is held.
func (c *Capture) kept(reason string) string {
	if reason == "" {
		return ""
	}
	return fmt.Sprintf("%s; %d requests kept", reason, c.status().Summary.TotalRequests)
}

// drain waits until the events the browser emitted for tabs before now
// have been handed to the capture, all tabs at once, and counts each
// target it could not wait for.
func (c *Capture) drain(tabs []int64) {
	ctx, cancel := context.WithTimeout(context.Background(), drainWait)
	defer cancel()
	var wg sync.WaitGroup
	for _, t := range tabs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			missed, err := c.browser.Drain(ctx, t)
			if err != nil {
				missed = append(missed, fmt.Sprintf("tab %d: %v", t, err))
			}
			if len(missed) == 0 {
				return
			}
			c.mu.Lock()
			defer c.mu.Unlock()
			c.dropped.Undrained += len(missed)
			for _, m := range missed {
				c.reason(fmt.Sprintf("undrained: the stop could not wait for the last events of %s; some of what it sent just before the stop may be missing", m))
			}
		}()
	}
	wg.Wait()
}

// fence reports whether a document request goes to a site the person
// keeps this capture away from; the capture then records nothing more and
// stops. c.mu is held.
func (c *Capture) fence(url string) bool {
	reason := c.blocked(url)
	if reason == "" {
		return false
	}
	c.fenced = true
	go c.fenceStop(reason)
	return true
}

// Clear drops what the capture holds and keeps capturing.
func (c *Capture) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reset()
}

// ExtensionDropped counts events the extension could not forward.
func (c *Capture) ExtensionDropped(n int) {
	if n <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropped.Events += n
	c.reason("events: some DevTools events were too large for the extension to forward")
}

func (c *Capture) reason(r string) {
	if !c.reasons[r] {
		c.reasons[r] = true
		c.dropped.Reasons = append(c.dropped.Reasons, r)
	}
}

// HandleEvent records one event. It never blocks on the browser: commands
// it needs (bodies, child targets) run on their own goroutines. Events that
// come after the capture stopped, or that belong to requests the capture
// does not know, are ignored.
func (c *Capture) HandleEvent(ev Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ours := c.tabs[ev.TabID]; c.state != StateActive || c.closed || c.fenced || !ours {
		return
	}
	src := api.Source{TabID: ev.TabID, Target: "page"}
	if ev.SessionID != "" {
		s, ok := c.targets[ev.SessionID]
		if !ok {
			s = api.Source{TabID: ev.TabID, Target: "child"}
		}
		src = s
	}
	t := Target{TabID: ev.TabID, SessionID: ev.SessionID}
	if err := c.dispatch(t, src, ev); err != nil {
		c.log.Debug("ignoring an event", "method", ev.Method, "err", err)
	}
	c.touch()
}

// completed is one exchange, or one hop of a redirect chain, as it was
// when it completed: its request and its response (nil for none).
type completed struct {
	req  *api.Request
	resp *api.Response
}

// settle logs an exchange as complete, its body fetched (or known to be
// missing): what a wait for a request waits for.
func (c *Capture) settle(ex *exchange) {
	if ex.settled {
		return
	}
	ex.settled = true
	c.complete(ex.req, ex.resp)
}

// complete logs a request and its response as complete, for Since. c.mu
// is held.
func (c *Capture) complete(req *api.Request, resp *api.Response) {
	c.settled = append(c.settled, completed{req: req, resp: resp})
	c.touch()
}

// touch wakes whoever waits for a change. c.mu is held.
func (c *Capture) touch() {
	if c.changed != nil {
		close(c.changed)
		c.changed = nil
	}
}

func (c *Capture) dispatch(t Target, src api.Source, ev Event) error {
	switch ev.Method {
	case "Network.requestWillBeSent":
		return read(c, ev, func(e *evRequestWillBeSent) { c.onRequest(t, src, e) })
	case "Network.requestWillBeSentExtraInfo":
		return read(c, ev, c.onRequestExtra)
	case "Network.responseReceived":
		return read(c, ev, func(e *evResponseReceived) { c.onResponse(t, src, e) })
	case "Network.responseReceivedExtraInfo":
		return read(c, ev, c.onResponseExtra)
	case "Network.requestServedFromCache":
		return read(c, ev, c.onServedFromCache)
	case "Network.dataReceived":
		return read(c, ev, c.onData)
	case "Network.loadingFinished":
		return read(c, ev, func(e *evLoadingFinished) { c.onFinished(e, ev.BodyFollows) })
	case ResponseBodyEvent:
		return decode(ev, func(e *evBodyOf) { c.onResponseBody(ev, e) })
	case "Network.loadingFailed":
		return read(c, ev, c.onFailed)
	case "Network.webSocketCreated":
		return decode(ev, func(e *evWebSocketCreated) { c.onWebSocketCreated(src, e) })
	case "Network.webSocketWillSendHandshakeRequest":
		return read(c, ev, c.onWebSocketHandshake)
	case "Network.webSocketHandshakeResponseReceived":
		return read(c, ev, c.onWebSocketResponse)
	case "Network.webSocketFrameSent":
		return decode(ev, func(e *evWebSocketFrame) { c.onFrame(src, "sent", e) })
	case "Network.webSocketFrameReceived":
		return decode(ev, func(e *evWebSocketFrame) { c.onFrame(src, "received", e) })
	case "Network.webSocketFrameError":
		return decode(ev, c.onFrameError)
	case "Network.webSocketClosed":
		return decode(ev, c.onWebSocketClosed)
	case "Network.eventSourceMessageReceived":
		return decode(ev, func(e *evEventSourceMessage) { c.onEventSource(src, e) })
	case "Target.attachedToTarget":
		return decode(ev, func(e *evAttachedToTarget) { c.onAttached(t, e) })
	case "Target.detachedFromTarget":
		return decode(ev, c.onDetached)
	}
	return nil
}

// eventJSON are the options events are decoded with.
var eventJSON = jsonv2.AllowInvalidUTF8(true)

// decode unmarshals an event's params and hands them to fn. It reads them
// in one pass with version 2 of the JSON package (through cdproto's own
// layer, as cdproto's types are written for it); encoding/json would scan
// them twice, and cdproto's types a third time. Invalid UTF-8 becomes
// U+FFFD, as encoding/json does.
func decode[T any](ev Event, fn func(*T)) error {
	var v T
	if err := jsonv2.Unmarshal(ev.Params, &v, eventJSON); err != nil {
		return fmt.Errorf("decoding %s: %w", ev.Method, err)
	}
	fn(&v)
	return nil
}

// read is decode for the events the capture's reader reads (events.go).
// c.mu is held.
func read[T any, P interface {
	*T
	readable
}](c *Capture, ev Event, fn func(P)) error {
	v := P(new(T))
	if err := c.events.decode(ev.Params, v); err != nil {
		return fmt.Errorf("decoding %s: %w", ev.Method, err)
	}
	fn(v)
	return nil
}

// async runs fn on its own goroutine as long as the capture lives, once
// weight of the capture's fetch slots are free (none for weight 0: work
// that asks the browser for nothing). fn gets a context canceled when the
// capture stops.
func (c *Capture) async(weight int64, fn func(ctx context.Context)) {
	c.pending.Add(1)
	go func() {
		defer c.pending.Done()
		defer c.survive("a background fetch")
		if weight > 0 {
			if c.sem.Acquire(c.ctx, weight) != nil {
				return
			}
			defer c.sem.Release(weight)
		}
		ctx, cancel := context.WithTimeout(c.ctx, 20*time.Second)
		defer cancel()
		fn(ctx)
	}()
}

// survive stops a panic in one of the capture's goroutines from taking the
// daemon, and every capture it holds, down with it. It must be deferred.
func (c *Capture) survive(what string) {
	if p := recover(); p != nil {
		c.log.Error("a capture's goroutine failed; the capture goes on", "capture", c.id, "in", what, "panic", p)
	}
}
