package ops

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/shape"
	"github.com/tabtap/tabtap/host/urlmatch"
)

var waitForRequest = New(Spec[api.WaitArgs, waited, api.WaitResult]{
	Name:  api.WaitForRequest,
	Title: "Wait for a request",
	Description: "Wait, instead of sleeping, until the session's running capture sees the next request that matches finish (body included) " +
		"and return it as get_request does; or, with kind wsFrame, the next WebSocket frame whose payload matches. " +
		"A redirect hop (a POST answered 303) finishes when the browser follows it. " +
		"Only what finishes after the call counts, unless since (an ISO-8601 time, e.g. the capture's startTime) reaches back. " +
		"Returns matched: false when the timeout passes.",
	ReadOnly: true,
	Params: []mcp.ToolOption{
		sessionParam(),
		mcp.WithString("kind", mcp.Description("request (the default) or wsFrame."), mcp.Enum("request", "wsFrame")),
		mcp.WithString("urlFilter", mcp.Description(urlFilterText)),
		mcp.WithString("method", mcp.Description("The request's HTTP method.")),
		mcp.WithInteger("status", mcp.Description("The response's status; 0 for a failed request.")),
		mcp.WithString("resourceType", mcp.Description("The request's resource type."), mcp.Enum(api.ResourceTypes...)),
		mcp.WithString("payloadFilter", mcp.Description("For frames: a substring of the payload, or /regex/.")),
		mcp.WithString("direction", mcp.Description("For frames: sent or received."), mcp.Enum("sent", "received")),
		mcp.WithString("since", mcp.Description("Also match what finished before the call, back to this ISO-8601 time.")),
		bounded("timeoutSeconds", "How long to wait "+limitText(api.WaitSeconds)+".", api.WaitSeconds),
		maxResultParam(),
	},
	Run:   wait,
	Shape: waited.shape,
	Headline: func(r api.WaitResult) string {
		switch {
		case r.Request != nil:
			return fmt.Sprintf("Matched after %d ms: %s", r.WaitedMs, requestHeadline(*r.Request))
		case r.Frame != nil:
			return fmt.Sprintf("Matched after %d ms: a %s frame of %s.", r.WaitedMs, r.Frame.Direction, r.Frame.URL)
		}
		return fmt.Sprintf("Nothing matched after %d ms: %s.", r.WaitedMs, r.Reason)
	},
})

// waited is what a wait found: the request (as get_request finds it) or
// the frame, or why nothing.
type waited struct {
	res     api.WaitResult
	request *found
	frame   *api.WSFrame
}

func (w waited) shape(budget int) (api.WaitResult, error) {
	out := w.res
	budget -= shape.Size(out)
	switch {
	case w.request != nil:
		detail, err := w.request.shape(budget)
		if err != nil {
			return api.WaitResult{}, err
		}
		out.Request = &detail
	case w.frame != nil:
		f := *w.frame
		if shape.Size(f) > budget {
			f.Payload, f.ContentOmitted = "", true
		}
		out.Frame = &f
	}
	return out, nil
}

// waiter is a wait's arguments, checked.
type waiter struct {
	a       api.WaitArgs
	timeout time.Duration
	frames  bool // kind wsFrame
	since   time.Time
	url     *urlmatch.Matcher
	payload *urlmatch.Matcher
	method  string
}

func newWaiter(a api.WaitArgs) (*waiter, error) {
	w := &waiter{a: a, method: strings.ToUpper(a.Method)}
	seconds, err := api.WaitSeconds.Or(a.TimeoutSeconds)
	if err != nil {
		return nil, err
	}
	w.timeout = time.Duration(seconds) * time.Second
	switch a.Kind {
	case "", "request":
	case "wsFrame":
		w.frames = true
	default:
		return nil, fmt.Errorf("kind must be request or wsFrame, not %q", a.Kind)
	}
	if a.Direction != "" && a.Direction != "sent" && a.Direction != "received" {
		return nil, fmt.Errorf("direction must be sent or received, not %q", a.Direction)
	}
	if a.Since != "" {
		if w.since, err = time.Parse(time.RFC3339Nano, a.Since); err != nil {
			return nil, fmt.Errorf("since must be an ISO-8601 time such as 2026-11-30T12:00:00Z (startTime of start_network_capture works), not %q", a.Since)
		}
	}
	if w.url, err = urlmatch.Parse("urlFilter", a.URLFilter); err != nil {
		return nil, err
	}
	if w.payload, err = urlmatch.Parse("payloadFilter", a.PayloadFilter); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *waiter) exchange(x api.Exchange) bool {
	r, p := x.Request, x.Response
	if r == nil || p == nil || !w.url.Match(r.URL) || (w.method != "" && r.Method != w.method) ||
		(w.a.ResourceType != "" && !strings.EqualFold(r.ResourceType, w.a.ResourceType)) {
		return false
	}
	if w.a.Status != nil {
		st := int(p.Status)
		if p.Failed {
			st = 0
		}
		if st != *w.a.Status {
			return false
		}
	}
	return w.since.IsZero() || !r.Timestamp.Before(w.since)
}

func (w *waiter) frame(f api.WSFrame) bool {
	return w.url.Match(f.URL) && w.payload.Match(f.Payload) && (w.a.Direction == "" || f.Direction == w.a.Direction) &&
		(w.since.IsZero() || !f.Timestamp.Before(w.since))
}

// wait waits for the next exchange (or frame) of a session's running
// capture that matches.
func wait(ctx context.Context, b Backend, a api.WaitArgs) (waited, error) {
	h, err := b.Capture(a.SessionID, "")
	if err != nil {
		return waited{}, err
	}
	w, err := newWaiter(a)
	if err != nil {
		return waited{}, api.Errorf(api.CodeInvalid, "%v", err)
	}
	started := time.Now()
	v := waited{res: api.WaitResult{SessionID: h.SessionID, CaptureID: h.ID()}}
	p := h.Progress()
	if !w.since.IsZero() {
		p = capture.Progress{} // look at everything, back to since
	}
	deadline := time.NewTimer(w.timeout)
	defer deadline.Stop()
	for {
		changed := h.Changed()
		ok, err := w.look(h, &p, &v)
		if ok || err != nil {
			v.res.Matched, v.res.WaitedMs = err == nil, time.Since(started).Milliseconds()
			return v, err
		}
		if !h.Active() {
			v.res.WaitedMs = time.Since(started).Milliseconds()
			v.res.Reason = fmt.Sprintf("capture %s stopped before anything matched", h.ID())
			return v, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			v.res.WaitedMs = time.Since(started).Milliseconds()
			v.res.Reason = fmt.Sprintf("nothing matched within %s", w.timeout)
			if w.since.IsZero() {
				v.res.Reason += "; only what finished after the call began counts: pass since (e.g. the capture's startTime) to include what finished before"
			}
			return v, nil
		case <-ctx.Done():
			return waited{}, fmt.Errorf("waiting: %w", ctx.Err())
		}
	}
}

// look reads what the capture settled since *p and reports whether it
// holds a match, put in v.
func (w *waiter) look(h Held, p *capture.Progress, v *waited) (bool, error) {
	xs, frames, next := h.Since(*p)
	*p = next
	if w.frames {
		for _, f := range frames {
			if w.frame(f) {
				v.frame = &f
				return true, nil
			}
		}
		return false, nil
	}
	for _, x := range xs {
		if w.exchange(x) {
			id := x.Request.RequestID
			f, err := find(h, api.GetRequestArgs{SessionID: h.SessionID, CaptureID: h.ID(), RequestID: id})
			if err == nil {
				// A redirect hop is the answer itself, not the chain's end.
				f.Hop(id)
			}
			v.request = &f
			return true, err
		}
	}
	return false, nil
}
