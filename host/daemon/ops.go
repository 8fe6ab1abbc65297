package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/extension"
	"github.com/tabtap/tabtap/host/redact"
)

// call decodes an operation's arguments and runs it.
func call[T any](params json.RawMessage, fn func(T) (any, error)) (any, error) {
	var args T
	if len(params) > 0 {
		if err := json.Unmarshal(params, &args); err != nil {
			return nil, api.Errorf(api.CodeInvalid, "invalid arguments: %v", err)
		}
	}
	return fn(args)
}

// browserError explains a failure of the extension or the browser, by
// the code the extension gave it.
func browserError(what string, err error) error {
	if errors.Is(err, extension.ErrClosed) {
		return api.Errorf(api.CodeNoBrowser, "%s: the extension disconnected; is the browser still open?", what)
	}
	msg := err.Error()
	switch api.CodeOf(err) {
	case extension.CodeNoTab:
		return api.Errorf(api.CodeNotFound, "%s: %s (call list_tabs for the open tabs)", what, msg)
	case extension.CodeAlreadyAttached:
		return api.Errorf(api.CodeConflict, "%s: another debugger (DevTools of another extension, or an automation tool) is attached to this tab; close it and try again", what)
	case extension.CodeNotDebuggable:
		return api.Errorf(api.CodeBrowser, "%s: the browser does not allow debugging this page (%s); navigate the tab to a web page, or pass url to start_network_capture", what, msg)
	case extension.CodeInvalidArgument:
		return api.Errorf(api.CodeInternal, "%s: the extension refused the request (%s); tabtap and its extension may not match: run `tabtap install` and reload the extension", what, msg)
	}
	return api.Errorf(api.CodeBrowser, "%s: %s", what, msg)
}

// browserLabel is the profile's label.
func (d *Daemon) browserLabel() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.label
}

func (d *Daemon) listTabs(ctx context.Context) (api.ListTabsResult, error) {
	var list extension.TabList
	if err := d.conn.Call(ctx, extension.MethodTabsList, nil, &list); err != nil {
		return api.ListTabsResult{}, browserError("listing tabs", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	out := api.ListTabsResult{Tabs: make([]api.Tab, 0, len(list.Tabs)), Browsers: []string{d.label}}
	for _, t := range list.Tabs {
		tab := api.Tab{TabID: t.TabID, WindowID: t.WindowID, Title: t.Title, URL: redact.URL(t.URL), Active: t.Active, Browser: d.label}
		if c := d.captureOfTab(t.TabID); c != nil {
			tab.SessionID = d.sessionOf(c)
		}
		out.Tabs = append(out.Tabs, tab)
	}
	return out, nil
}

// sessionOf finds the session a capture belongs to. d.mu is held.
func (d *Daemon) sessionOf(c *capture.Capture) string {
	for _, s := range d.order {
		if s.capture == c {
			return s.id
		}
	}
	return ""
}

// activeTab answers which tab is active, and when its window last had the
// focus, so that the MCP side can pick the browser used last.
func (d *Daemon) activeTab(ctx context.Context) (api.ActiveTabResult, error) {
	var tab extension.Tab
	if err := d.conn.Call(ctx, extension.MethodTabsActive, nil, &tab); err != nil {
		return api.ActiveTabResult{}, browserError("finding the active tab", err)
	}
	out := api.ActiveTabResult{Tab: api.Tab{TabID: tab.TabID, WindowID: tab.WindowID, Title: tab.Title, URL: tab.URL, Active: tab.Active, Browser: d.browserLabel()}}
	if tab.FocusedAt > 0 {
		out.FocusedAt = time.UnixMilli(tab.FocusedAt).UTC()
	}
	return out, nil
}

func (d *Daemon) initializeSession(ctx context.Context, a api.InitializeSessionArgs) (api.Session, error) {
	var tab extension.Tab
	switch {
	case a.URL != "" && a.TabID != nil:
		return api.Session{}, api.Errorf(api.CodeInvalid, "give tabId or url, not both")
	case a.URL != "":
		if err := checkURL(a.URL); err != nil {
			return api.Session{}, err
		}
		if err := d.checkSite(a.URL); err != nil {
			return api.Session{}, err
		}
		if err := d.conn.Call(ctx, extension.MethodTabsOpen, extension.OpenTab{URL: a.URL, Active: true}, &tab); err != nil {
			return api.Session{}, browserError("opening a tab", err)
		}
	case a.TabID != nil:
		if err := d.conn.Call(ctx, extension.MethodTabsGet, extension.TabRef{TabID: *a.TabID}, &tab); err != nil {
			return api.Session{}, browserError(fmt.Sprintf("finding tab %d", *a.TabID), err)
		}
	default:
		if err := d.conn.Call(ctx, extension.MethodTabsActive, nil, &tab); err != nil {
			return api.Session{}, browserError("finding the active tab", err)
		}
	}
	if err := d.checkSite(tab.URL); err != nil {
		return api.Session{}, err
	}
	s := d.newSession(tab)
	d.retain()
	return api.Session{SessionID: s.id, TabID: tab.TabID, URL: redact.URL(tab.URL), Title: tab.Title, Browser: d.browserLabel()}, nil
}

// checkURL accepts the URLs a tab can be sent to.
func checkURL(raw string) error {
	if err := api.CheckNavigable(raw); err != nil {
		return api.Errorf(api.CodeInvalid, "%v", err)
	}
	return nil
}

func (d *Daemon) newSession(tab extension.Tab) *session {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq++
	s := &session{
		id: fmt.Sprintf("s-%s-%d", d.tag, d.seq), tabID: tab.TabID, url: tab.URL, title: tab.Title,
		created: time.Now().UTC(),
	}
	d.sessions[s.id] = s
	d.order = append(d.order, s)
	return s
}

// lookup finds a session by id.
func (d *Daemon) lookup(id string) (*session, error) {
	if id == "" {
		return nil, api.Errorf(api.CodeInvalid, "sessionId is required (from initialize_session or list_captures)")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.sessions[id]
	if s == nil {
		return nil, api.Errorf(api.CodeNotFound, "session %s not found (list_captures shows the sessions held; initialize_session starts one)", id)
	}
	return s, nil
}

// startCapture starts a capture in a session, for an agent or (by
// "popup") for the person.
func (d *Daemon) startCapture(ctx context.Context, a api.StartCaptureArgs, by string) (api.StartCaptureResult, error) {
	s, err := d.lookup(a.SessionID)
	if err != nil {
		return api.StartCaptureResult{}, err
	}
	opts, err := d.captureOptions(a.Settings, by)
	if err != nil {
		return api.StartCaptureResult{}, err
	}
	c, err := d.claim(s, opts, by)
	if err != nil {
		return api.StartCaptureResult{}, err
	}
	tab, err := d.attach(ctx, s.tabID, c, by)
	if err != nil {
		d.forget(c)
		return api.StartCaptureResult{}, err
	}
	d.mu.Lock()
	old := s.capture
	if old != nil {
		// The previous capture stays readable by its captureId.
		s.earlier = append(s.earlier, old)
	}
	s.capture = c
	s.url, s.title = tab.URL, tab.Title
	d.mu.Unlock()
	if err := d.load(ctx, s.tabID, opts); err != nil {
		why := "navigation failed"
		if opts.URL == "" {
			why = "reload failed"
		}
		d.stopCapture(c, why)
		return api.StartCaptureResult{}, err
	}
	d.pushState()
	d.retain()
	res := api.StartCaptureResult{SessionID: s.id, CaptureID: c.ID(), TabID: s.tabID, StartTime: c.Status().StartTime, Options: c.Options()}
	if old != nil {
		res.PreviousCaptureID = old.ID()
	}
	return res, nil
}

// captureOptions are the options of a capture the settings ask for,
// within the person's policy.
func (d *Daemon) captureOptions(set api.Settings, by string) (api.Options, error) {
	policy := d.policyNow()
	if err := applyPolicy(policy, &set, by); err != nil {
		return api.Options{}, err
	}
	opts, err := set.Resolve()
	if err != nil {
		return api.Options{}, api.Errorf(api.CodeInvalid, "%v", err)
	}
	applyLimits(policy, &opts)
	if by == "agent" {
		if err := d.checkSite(opts.URL); err != nil {
			return api.Options{}, err
		}
	}
	return opts, nil
}

// claim makes a session's new capture, its tab claimed for it, unless the
// session or the tab cannot take one now.
func (d *Daemon) claim(s *session, opts api.Options, by string) (*capture.Capture, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case s.closed:
		return nil, api.Errorf(api.CodeConflict, "session %s was closed; call initialize_session for a new one", s.id)
	case s.tabClosed:
		return nil, api.Errorf(api.CodeConflict, "tab %d of session %s was closed; call initialize_session for a new one", s.tabID, s.id)
	case s.capture != nil && s.capture.Active():
		return nil, api.Errorf(api.CodeConflict, "session %s is already capturing (%s); stop it first", s.id, s.capture.ID())
	}
	if owner := d.captureOfTab(s.tabID); owner != nil {
		if !owner.Active() {
			// It ended (stopped, tab detached) and is letting go of the tab.
			return nil, api.Errorf(api.CodeConflict, "the previous capture of tab %d (session %s) is still stopping; try again in a few seconds", s.tabID, d.sessionOf(owner))
		}
		return nil, api.Errorf(api.CodeConflict, "tab %d is already being captured by session %s; stop that capture or use that session", s.tabID, d.sessionOf(owner))
	}
	d.seq++
	return d.newCapture(s.tabID, opts, by), nil
}

// attach starts c on its tab and returns the tab as it was.
func (d *Daemon) attach(ctx context.Context, tabID int64, c *capture.Capture, by string) (extension.Tab, error) {
	var tab extension.Tab
	if err := d.conn.Call(ctx, extension.MethodTabsGet, extension.TabRef{TabID: tabID}, &tab); err != nil {
		return tab, browserError(fmt.Sprintf("finding tab %d", tabID), err)
	}
	if by == "agent" {
		if err := d.checkSite(tab.URL); err != nil {
			return tab, err
		}
	}
	if extension.Undebuggable(tab.URL) && c.Options().URL != "" {
		// The browser will not attach to its own pages: leave for a blank
		// page first, then load the URL under capture.
		if err := d.leavePrivileged(ctx, tabID); err != nil {
			return tab, err
		}
	}
	if err := c.Start(ctx); err != nil {
		return tab, browserError(fmt.Sprintf("starting the capture of tab %d (%s)", tabID, tab.URL), err)
	}
	return tab, nil
}

// load loads the page a capture's options ask for, its url or a reload,
// once the capture is armed.
func (d *Daemon) load(ctx context.Context, tabID int64, opts api.Options) error {
	switch {
	case opts.URL != "":
		if err := d.conn.Call(ctx, extension.MethodTabsNavigate, extension.Navigate{TabID: tabID, URL: opts.URL}, nil); err != nil {
			return browserError("loading "+opts.URL, err)
		}
	case opts.Reload:
		if err := d.conn.Call(ctx, extension.MethodTabsReload, extension.TabRef{TabID: tabID}, nil); err != nil {
			return browserError("reloading the tab", err)
		}
	}
	return nil
}

// leavePrivileged sends a tab to about:blank and waits until it is there.
func (d *Daemon) leavePrivileged(ctx context.Context, tabID int64) error {
	if err := d.conn.Call(ctx, extension.MethodTabsNavigate, extension.Navigate{TabID: tabID, URL: "about:blank"}, nil); err != nil {
		return browserError("leaving the browser's own page", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		var t extension.Tab
		if err := d.conn.Call(ctx, extension.MethodTabsGet, extension.TabRef{TabID: tabID}, &t); err == nil && !extension.Undebuggable(t.URL) {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return api.Errorf(api.CodeBrowser, "tab %d stayed on the browser's own page; navigate it to a web page and try again", tabID)
}

// Bounds on what a daemon keeps besides its running captures.
const (
	// maxStoppedBytes bounds the content the stopped captures hold
	// together; past it the oldest are let go.
	maxStoppedBytes = 1 << 30
	// maxIdleSessions bounds the sessions that hold no capture (chosen
	// but never started, or whose capture was let go).
	maxIdleSessions = 200
)

// retain lets go of the oldest stopped captures past MaxStopped or past
// maxStoppedBytes together, and forgets the oldest sessions that hold
// nothing past maxIdleSessions.
func (d *Daemon) retain() {
	d.mu.Lock()
	defer d.mu.Unlock()
	stopped, idle := 0, 0
	var bytes int64
	// over reports whether a stopped capture, counted newest first, is one
	// too many.
	over := func(c *capture.Capture) bool {
		if c.Active() {
			return false
		}
		stopped++
		bytes += c.Status().BytesHeld
		return stopped > d.opts.MaxStopped || bytes > maxStoppedBytes
	}
	keep := make([]*session, 0, len(d.order))
	for i := len(d.order) - 1; i >= 0; i-- {
		s := d.order[i]
		if c := s.capture; c != nil && over(c) {
			s.capture, s.evicted = nil, true
			d.evicted++
		}
		for j := len(s.earlier) - 1; j >= 0; j-- {
			if over(s.earlier[j]) {
				s.earlier = append(s.earlier[:j], s.earlier[j+1:]...)
				d.evicted++
			}
		}
		if s.capture == nil && len(s.earlier) == 0 {
			idle++
			if idle > maxIdleSessions || s.closed {
				delete(d.sessions, s.id)
				continue
			}
		}
		keep = append(keep, s)
	}
	slices.Reverse(keep)
	d.order = keep
}

func statusOf(s *session) api.StatusResult {
	r := api.StatusResult{SessionID: s.id, Status: "inactive", Tab: api.TabState{TabID: s.tabID, Closed: s.tabClosed}}
	if s.capture == nil {
		if s.evicted {
			r.EndReason = "the capture was let go to keep memory bounded"
		}
		return r
	}
	st := s.capture.Status()
	opts := s.capture.Options()
	r.CaptureID, r.Status, r.Options = st.CaptureID, string(st.State), &opts
	r.StartTime = &st.StartTime
	if !st.EndTime.IsZero() {
		r.EndTime = &st.EndTime
	}
	r.Duration = st.Duration
	r.CurrentStats = api.StatsOf(st.Summary)
	r.BytesHeld, r.Dropped, r.EndReason = st.BytesHeld, st.Dropped, st.EndReason
	// A capture says stopped as soon as its stop begins, while it still
	// waits for bodies before detaching (and a closed tab is no longer
	// there to detach): its tabs count as let go from then on.
	for _, t := range st.Tabs {
		if st.State != capture.StateActive {
			break
		}
		if t == s.tabID {
			r.Tab.Attached = true
		} else {
			r.Tab.FollowedTabs = append(r.Tab.FollowedTabs, t)
		}
	}
	return r
}

func (d *Daemon) status(id string) (api.StatusResult, error) {
	s, err := d.lookup(id)
	if err != nil {
		return api.StatusResult{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return statusOf(s), nil
}

// captureOf returns a session's capture: the one captureID names, or
// the latest.
func (d *Daemon) captureOf(id, captureID string) (*session, *capture.Capture, error) {
	s, err := d.lookup(id)
	if err != nil {
		return nil, nil, err
	}
	d.mu.Lock()
	c := s.capture
	var held []string
	if captureID != "" {
		c = nil
		for _, e := range append(append([]*capture.Capture(nil), s.earlier...), s.capture) {
			if e == nil {
				continue
			}
			held = append(held, e.ID())
			if e.ID() == captureID {
				c = e
			}
		}
	}
	d.mu.Unlock()
	switch {
	case captureID != "" && c == nil && len(held) == 0:
		return nil, nil, api.Errorf(api.CodeNotFound, "capture %s not found: session %s holds no capture now (list_captures shows what is held)", captureID, id)
	case captureID != "" && c == nil:
		return nil, nil, api.Errorf(api.CodeNotFound, "capture %s not found in session %s, which holds %s (stopped captures past the daemon's limits are let go)", captureID, id, strings.Join(held, ", "))
	case c == nil && s.evicted:
		return nil, nil, api.Errorf(api.CodeNotFound, "the capture of session %s was let go to keep memory bounded (at most %d stopped captures, 1 GiB together, are kept); start a new one, and use outputPath to keep large captures", id, d.opts.MaxStopped)
	case c == nil:
		return nil, nil, api.Errorf(api.CodeConflict, "session %s has no capture; call start_network_capture first", id)
	}
	return s, c, nil
}

func (d *Daemon) clear(id string) (api.ClearResult, error) {
	s, c, err := d.captureOf(id, "")
	if err != nil {
		return api.ClearResult{}, err
	}
	if !c.Active() {
		return api.ClearResult{}, api.Errorf(api.CodeConflict, "capture %s of session %s is stopped: clearing keeps a running capture going without what it holds; a stopped capture is kept as it is (start_network_capture begins a new one)", c.ID(), s.id)
	}
	before := c.Status().Summary
	c.Clear()
	return api.ClearResult{SessionID: s.id, CaptureID: c.ID(), Cleared: before, Status: string(c.Status().State)}, nil
}

func (d *Daemon) listCaptures() api.ListCapturesResult {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := api.ListCapturesResult{Captures: []api.CaptureInfo{}}
	for _, s := range d.order {
		for _, c := range append(append([]*capture.Capture(nil), s.earlier...), s.capture) {
			if c == nil {
				continue
			}
			st := c.Status()
			out.Captures = append(out.Captures, api.CaptureInfo{
				SessionID: s.id, CaptureID: st.CaptureID, Browser: d.label, TabID: s.tabID, URL: redact.URL(s.url), Title: s.title,
				Status: string(st.State), StartedBy: c.Starter(), StartTime: st.StartTime, Duration: st.Duration,
				Summary: st.Summary, Dropped: st.Dropped.Total(), EndReason: st.EndReason,
			})
		}
	}
	out.Evicted = d.evicted
	return out
}

func (d *Daemon) closeSession(id string) (api.CloseSessionResult, error) {
	s, err := d.lookup(id)
	if err != nil {
		return api.CloseSessionResult{}, err
	}
	d.mu.Lock()
	c := s.capture
	s.closed = true
	d.mu.Unlock()
	out := api.CloseSessionResult{SessionID: s.id, Closed: true}
	if c != nil && c.Active() {
		d.stopCapture(c, "the session was closed")
		out.Stopped = true
	}
	if c == nil {
		// Nothing to read later: forget the session entirely.
		d.mu.Lock()
		delete(d.sessions, s.id)
		for i, o := range d.order {
			if o == s {
				d.order = append(d.order[:i], d.order[i+1:]...)
				break
			}
		}
		d.mu.Unlock()
	}
	return out, nil
}

// captureStates lists the captures for the extension.
func (d *Daemon) captureStates() []extension.CaptureState {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := []extension.CaptureState{}
	for _, s := range d.order {
		if s.capture == nil {
			continue
		}
		st := s.capture.Status()
		out = append(out, extension.CaptureState{
			SessionID: s.id, CaptureID: st.CaptureID, TabID: s.tabID, Status: string(st.State), StartedBy: s.capture.Starter(),
			URL: s.url, Title: s.title, StartTime: st.StartTime.Format(time.RFC3339),
			Requests: st.Summary.TotalRequests, Responses: st.Summary.TotalResponses, WSFrames: st.Summary.TotalWsFrames, StreamingResponses: st.Summary.StreamingResponses,
			Bytes: st.BytesHeld, Dropped: st.Dropped.Total(), EndReason: st.EndReason, Sent: st.Sent,
		})
	}
	return out
}
