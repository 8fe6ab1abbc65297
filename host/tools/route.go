package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/mcplink"
)

// Daemon is one connected browser profile, as the tools see it.
type Daemon interface {
	// Label is the profile's label, e.g. "Chromium 156 (3f2a)".
	Label() string
	// Tag is the short id sessions of this daemon carry: s-<tag>-<n>.
	Tag() string
	// Call runs one operation on the daemon: a tool of package ops (its
	// result a CallToolResult), or one of the link's own (api.ActiveTab,
	// api.ReadCapture).
	Call(ctx context.Context, method string, params, result any) error
}

// Backend finds the connected daemons.
type Backend interface {
	// Daemons returns the live daemons, newest first.
	Daemons(ctx context.Context) ([]Daemon, error)
	// Where says where daemons are looked for, for error messages.
	Where() string
}

// PoolBackend serves the tools from the daemons of a runtime directory.
type PoolBackend struct{ Pool *mcplink.Pool }

// Daemons implements Backend. When no daemon answers but some are
// registered, the error names each one, its socket, and why. When some
// answer, the others come last, their calls failing with why, so that
// list_tabs and list_captures can name them.
func (b PoolBackend) Daemons(ctx context.Context) ([]Daemon, error) {
	clients, failed, err := b.Pool.Daemons(ctx)
	if err != nil {
		return nil, err
	}
	if len(clients) == 0 && len(failed) > 0 {
		return nil, noneReachable(failed, b.Where())
	}
	out := make([]Daemon, 0, len(clients)+len(failed))
	for _, c := range clients {
		out = append(out, linkDaemon{c})
	}
	for _, f := range failed {
		out = append(out, unreachable{f})
	}
	return out, nil
}

// unreachable is a registered daemon that does not answer.
type unreachable struct{ u mcplink.Unreachable }

func (d unreachable) Label() string { return d.u.Registration.Browser }
func (d unreachable) Tag() string   { return d.u.Registration.Tag }
func (d unreachable) Call(context.Context, string, any, any) error {
	return api.Errorf(api.CodeNoBrowser, "%s", d.u.Error())
}

// Where implements Backend.
func (b PoolBackend) Where() string { return b.Pool.Dir() }

// noneReachable says why no registered daemon answers.
func noneReachable(failed []mcplink.Unreachable, where string) error {
	var each []string
	for _, f := range failed {
		each = append(each, f.Error())
	}
	return api.Errorf(api.CodeNoBrowser, "no browser could be reached: %s. A daemon whose browser crashed or was killed leaves its registration behind: "+
		"start the browser with the tabtap extension loaded; if it is running, open the extension's popup to see why it cannot reach tabtap (run `tabtap doctor`). "+
		"tabtap looks for browsers in %s", strings.Join(each, "; "), where)
}

type linkDaemon struct{ c *mcplink.Client }

func (d linkDaemon) Label() string { return d.c.Registration().Browser }
func (d linkDaemon) Tag() string   { return d.c.Registration().Tag }
func (d linkDaemon) Call(ctx context.Context, method string, params, result any) error {
	err := d.c.Call(ctx, method, params, result)
	if mcplink.IsGone(err) {
		return api.Errorf(api.CodeNoBrowser, "%s went away during the call (was the browser closed?): %v", d.Label(), err)
	}
	return err
}

// router picks the daemon each call goes to.
type router struct{ b Backend }

// all returns every live daemon, or the error a person needs when there
// is none.
func (r router) all(ctx context.Context) ([]Daemon, error) {
	ds, err := r.b.Daemons(ctx)
	var e *api.Error
	if errors.As(err, &e) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("looking for browsers: %w", err)
	}
	if len(ds) == 0 {
		return nil, api.Errorf(api.CodeNoBrowser, "no browser is connected: start Chrome (or Chromium, Edge, Brave) with the tabtap extension loaded; "+
			"if it is running, open the extension's popup to see why it cannot reach tabtap (run `tabtap doctor`). "+
			"tabtap looks for browsers in %s", r.b.Where())
	}
	return ds, nil
}

// byBrowser picks the daemon a `browser` argument names: its label, its
// tag, or a word of its label when only one matches.
func (r router) byBrowser(ctx context.Context, name string) (Daemon, error) {
	ds, err := r.all(ctx)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return ds[0], nil
	}
	var match []Daemon
	for _, d := range ds {
		if strings.EqualFold(d.Label(), name) || strings.EqualFold(d.Tag(), name) {
			return d, nil
		}
		if strings.Contains(strings.ToLower(d.Label()), strings.ToLower(name)) {
			match = append(match, d)
		}
	}
	if len(match) == 1 {
		return match[0], nil
	}
	return nil, api.Errorf(api.CodeNotFound, "browser %q is not one of the connected browsers: %s", name, labels(ds))
}

func labels(ds []Daemon) string {
	var s []string
	for _, d := range ds {
		s = append(s, fmt.Sprintf("%q", d.Label()))
	}
	return strings.Join(s, ", ")
}

// bySession picks the daemon that holds a session: session ids carry
// their daemon's tag.
func (r router) bySession(ctx context.Context, id string) (Daemon, error) {
	if id == "" {
		return nil, api.Errorf(api.CodeInvalid, "sessionId is required (from initialize_session or list_captures)")
	}
	parts := strings.Split(id, "-")
	if len(parts) != 3 || parts[0] != "s" {
		return nil, api.Errorf(api.CodeNotFound, "session %s not found: session ids look like s-3f2a-1 (initialize_session gives one; list_captures lists them)", id)
	}
	ds, err := r.all(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.Tag() == parts[1] {
			return d, nil
		}
	}
	return nil, api.Errorf(api.CodeNotFound, "session %s not found: it belongs to a browser that is not connected now (connected: %s)", id, labels(ds))
}

// initialize runs initialize_session (call) on the daemon of a new
// session: the one named by browser, the one holding tabId, or with no
// arguments the one whose window had the focus last.
func (r router) initialize(ctx context.Context, a api.InitializeSessionArgs, call func(Daemon) (*mcp.CallToolResult, error)) (*mcp.CallToolResult, error) {
	if a.Browser != "" || a.TabID == nil {
		pick := func(ctx context.Context) (Daemon, error) { return r.byBrowser(ctx, a.Browser) }
		if a.Browser == "" && a.URL == "" {
			pick = r.lastFocused
		}
		d, err := pick(ctx)
		if err != nil {
			return nil, err
		}
		return call(d)
	}
	ds, err := r.all(ctx)
	if err != nil {
		return nil, err
	}
	var firstErr error
	for _, d := range ds {
		res, err := call(d)
		if err == nil {
			return res, nil
		}
		if firstErr == nil || api.CodeOf(firstErr) == api.CodeNotFound {
			firstErr = err
		}
	}
	var e *api.Error
	if errors.As(firstErr, &e) && e.Code == api.CodeNotFound && len(ds) > 1 {
		return nil, api.Errorf(api.CodeNotFound, "tab %d is in none of the connected browsers (%s); list_tabs shows the open tabs", *a.TabID, labels(ds))
	}
	return nil, firstErr
}

// lastFocused picks, among the connected daemons, the one whose active
// window had the focus last; the newest when none can say (a daemon too
// old to answer active_tab counts as never focused).
func (r router) lastFocused(ctx context.Context) (Daemon, error) {
	ds, err := r.all(ctx)
	if err != nil {
		return nil, err
	}
	best, bestAt := ds[0], time.Time{}
	if len(ds) == 1 {
		return ds[0], nil
	}
	for _, d := range ds {
		var at api.ActiveTabResult
		if err := d.Call(ctx, api.ActiveTab, nil, &at); err != nil {
			continue
		}
		if at.FocusedAt.After(bestAt) {
			best, bestAt = d, at.FocusedAt
		}
	}
	return best, nil
}
