package capture

import (
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/redact"
)

// Status is a capture's state at one moment.
type Status struct {
	CaptureID string    `json:"captureId"`
	State     State     `json:"state"`
	StartTime time.Time `json:"startTime"`
	// EndTime is zero while the capture runs.
	EndTime time.Time `json:"endTime,omitzero"`
	// Duration is in milliseconds, up to now while the capture runs.
	Duration int64 `json:"duration"`
	// EndReason says why the capture ended when nobody stopped it: the tab
	// was closed, the debugging bar was canceled, the extension restarted.
	EndReason string      `json:"endReason,omitempty"`
	Summary   api.Summary `json:"summary"`
	// BytesHeld is the content (bodies, payloads, chunks) the capture holds.
	BytesHeld int64       `json:"bytesHeld"`
	Dropped   api.Dropped `json:"dropped"`
	// Tabs are the tabs attached and armed now.
	Tabs    []int64 `json:"tabs"`
	MainTab int64   `json:"mainTab"`
	// Redacted counts what redaction hid, in a Snapshot's status only.
	Redacted *api.Redactions `json:"redacted,omitempty"`
	// Sent counts the requests agents sent as the person through the
	// capture's tab while it ran (send_request).
	Sent int `json:"sent,omitempty"`
}

// Status describes the capture now.
func (c *Capture) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status()
}

func (c *Capture) status() Status {
	st := Status{
		CaptureID: c.id, State: c.state, StartTime: c.startTime, EndTime: c.endTime,
		EndReason: c.endReason, BytesHeld: c.bytes, Dropped: c.dropped, MainTab: c.mainTab, Sent: c.sent,
		Tabs: make([]int64, 0, len(c.tabs)),
	}
	st.Dropped.Reasons = append([]string(nil), c.dropped.Reasons...)
	end := c.endTime
	if end.IsZero() {
		end = time.Now()
		if c.stopping {
			end = c.endTime
		}
	}
	if !c.startTime.IsZero() {
		st.Duration = end.Sub(c.startTime).Milliseconds()
	}
	if c.stopping && c.state == StateActive {
		st.State = StateStopped
	}
	for t, armed := range c.tabs {
		if armed {
			st.Tabs = append(st.Tabs, t)
		}
	}
	st.Summary.TotalRequests, st.Summary.TotalResponses = len(c.requests), len(c.responses)
	if c.opts.CaptureStreaming {
		// Only what turned out to stream is shown: count that.
		st.Summary.TotalRequests, st.Summary.TotalResponses = 0, 0
		keep := c.keeper()
		for _, r := range c.requests {
			if keep(r.RequestID) {
				st.Summary.TotalRequests++
			}
		}
		for _, r := range c.responses {
			if keep(r.RequestID) {
				st.Summary.TotalResponses++
			}
		}
	}
	st.Summary.TotalWsFrames = c.frames.len
	st.Summary.StreamingResponses = len(c.streams)
	return st
}

// Every record leaves the engine through view: copied under c.mu (frames
// only as a frameView, made into records after), then scrubbed once the
// lock is released, by the capture's scrubber as it was when the records
// were copied. Data, Snapshot, Save and Since are views; nothing else
// hands a record out, and redaction never holds up the events of a
// running capture.
func (c *Capture) view(take func() taken) api.Data {
	c.mu.Lock()
	t := take()
	sc := c.scrubber()
	c.mu.Unlock()
	d := t.data
	switch {
	case t.socket != "":
		d.WSFrames = t.frames.of(t.socket)
	case t.frames.len > 0:
		d.WSFrames = t.frames.frames(t.from, t.frames.len)
	}
	sc.Data(&d)
	return d
}

// taken is what a view copies under c.mu: records, and the frames from
// index from on (of one socket when socket is set).
type taken struct {
	data   api.Data
	frames frameView
	from   int
	socket string
}

// scrubber hides, in a copy of a record, what this capture's redaction
// hides. It is nil (and changes nothing) when redactSecrets is false.
func (c *Capture) scrubber() *redact.Scrubber {
	if !c.opts.RedactSecrets {
		return nil
	}
	return c.secrets.Scrubber()
}

// Options are the options in force, as readers see them: with
// redactSecrets, the secret parameters of options.url are hidden.
func (c *Capture) Options() api.Options {
	o := c.opts
	o.URL = c.scrubber().URL(o.URL)
	return o
}

// Data copies out what the capture holds, secrets hidden when
// redactSecrets is on. The copies share nothing the capture will change.
func (c *Capture) Data() api.Data { return c.view(c.copyData) }

// Records is Data narrowed to the records of one request, named by the id
// of any of them: its request and response, the hops of its redirect
// chain (id:redirected.N), a socket's frames, a stream. It copies only
// those: a lookup in a large capture costs what it returns.
func (c *Capture) Records(id string) api.Data {
	return c.view(func() taken { return c.copyOf(api.BaseID(id)) })
}

// Snapshot returns the status and the data of one instant; the status
// counts what redaction hid in the data.
func (c *Capture) Snapshot() (Status, api.Data) {
	var st Status
	d := c.view(func() taken {
		st = c.status()
		return c.copyData()
	})
	st.Redacted = redact.Tally(&d)
	return st, d
}

// copyData copies every record out, under c.mu, for view.
func (c *Capture) copyData() taken { return c.copyOf("") }

// copyOf copies out, under c.mu, for view, the records whose base id is
// base, or every record when base is empty.
func (c *Capture) copyOf(base string) taken {
	var d api.Data // the records of one request: a few
	keep := c.keeper()
	if base == "" {
		d = api.Data{
			Requests:           make([]api.Request, 0, len(c.requests)),
			Responses:          make([]api.Response, 0, len(c.responses)),
			StreamingResponses: make([]api.StreamingResponse, 0, len(c.streams)),
		}
	} else {
		all := keep
		keep = func(id string) bool { return api.BaseID(id) == base && all(id) }
	}
	for _, r := range c.requests {
		if keep(r.RequestID) {
			cp := *r
			cp.BlockedCookies = append([]api.BlockedCookie(nil), r.BlockedCookies...)
			d.Requests = append(d.Requests, cp)
		}
	}
	for _, r := range c.responses {
		if keep(r.RequestID) {
			cp := *r
			if r.Timing != nil {
				t := *r.Timing
				cp.Timing = &t
			}
			if r.WebSocket != nil {
				ws := *r.WebSocket
				ws.Errors = append([]api.WebSocketError(nil), ws.Errors...)
				cp.WebSocket = &ws
			}
			cp.BlockedCookies = append([]api.BlockedCookie(nil), r.BlockedCookies...)
			d.Responses = append(d.Responses, cp)
		}
	}
	for _, s := range c.streams {
		if base != "" && s.RequestID != base {
			continue
		}
		cp := *s
		cp.Messages = append([]api.StreamMessage(nil), s.Messages...)
		cp.Chunks = append([]api.StreamChunk(nil), s.Chunks...)
		d.StreamingResponses = append(d.StreamingResponses, cp)
	}
	return taken{data: d, frames: c.frames.view(), socket: base}
}

// keeper says which request ids the capture shows: all of them, or with
// captureStreaming only those that turned out to stream.
func (c *Capture) keeper() func(id string) bool {
	if !c.opts.CaptureStreaming {
		return func(string) bool { return true }
	}
	streaming := map[string]bool{}
	for _, s := range c.streams {
		streaming[s.RequestID] = true
	}
	c.frames.socketIDs(func(id string) { streaming[id] = true })
	for _, r := range c.requests {
		if r.ResourceType == "WebSocket" || r.ResourceType == "EventSource" {
			streaming[r.RequestID] = true
		}
	}
	return func(id string) bool { return streaming[api.BaseID(id)] }
}

// Changed returns a channel closed at the capture's next change: an event
// recorded, an exchange completed, a stop.
func (c *Capture) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changed == nil {
		c.changed = make(chan struct{})
	}
	return c.changed
}

// Progress is how far a capture's records go, for a waiter that wants
// only what comes after.
type Progress struct {
	gen, settled, frames int
}

// Progress says how far the records go now.
func (c *Capture) Progress() Progress {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Progress{gen: c.gen, settled: len(c.settled), frames: c.frames.len}
}

// Since returns the exchanges completed and the frames recorded after p,
// and the progress after them, secrets hidden as in Data. Each hop of a
// redirect chain (its request and its redirect response, ids ending
// ":redirected.N") counts as an exchange of its own, completed when the
// browser follows the redirect. A Clear since p starts over from the
// beginning.
func (c *Capture) Since(p Progress) ([]api.Exchange, []api.WSFrame, Progress) {
	var next Progress
	var answered []bool // whether each exchange has its response in d.Responses
	d := c.view(func() taken {
		if p.gen != c.gen {
			p = Progress{gen: c.gen}
		}
		var d api.Data
		for _, ex := range c.settled[min(p.settled, len(c.settled)):] {
			if ex.req == nil {
				continue
			}
			d.Requests = append(d.Requests, *ex.req)
			answered = append(answered, ex.resp != nil)
			if ex.resp != nil {
				d.Responses = append(d.Responses, *ex.resp)
			}
		}
		next = Progress{gen: c.gen, settled: len(c.settled), frames: c.frames.len}
		return taken{data: d, frames: c.frames.view(), from: p.frames}
	})
	xs := make([]api.Exchange, len(d.Requests))
	r := 0
	for i := range d.Requests {
		xs[i].Request = &d.Requests[i]
		if answered[i] {
			xs[i].Response = &d.Responses[r]
			r++
		}
	}
	return xs, d.WSFrames, next
}
