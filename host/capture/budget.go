package capture

import (
	"fmt"

	"github.com/tabtap/tabtap/host/api"
)

// A capture's memory is bounded by its byte budget (maxTotalBytes): every
// record is charged an estimate of its size when it is kept, and every
// body, payload and chunk its length. Contents may take at most
// contentShare of the budget, so that once they have spent theirs the
// records that follow are still kept, without their contents; records stop
// at the whole budget. maxEntries is a generous count beside it.
//
// Whatever is left out is counted once, under its kind: a request dropped
// at a bound stays dropped for all its later events (a response, a socket's
// handshake), and the frames of a socket whose handshake was dropped are
// still kept, under their own bound.

// contentShare is the part of the budget contents may take, in eighths.
const contentShare = 7

// Estimates of what a record costs beyond its strings: the struct, the
// maps and slices that hold it, the runtime's overhead. Measured on the Go
// heap (BenchmarkMemoryPerRequest, BenchmarkMemoryPerFrame): a recorded
// request with its response about 2,000 bytes, a frame of 45 bytes about
// 85 (its 40-byte record in the frame store, and its payload), within a
// few percent of these.
const (
	requestOverhead  = 700
	responseOverhead = 760
	frameOverhead    = 48
	itemOverhead     = 96
	headerOverhead   = 64
)

// recordKind names what a record counts as in Dropped.
type recordKind int

const (
	kindRequest recordKind = iota
	kindFrame
	kindStreamItem
)

func (k recordKind) name() string {
	switch k {
	case kindFrame:
		return "wsFrames"
	case kindStreamItem:
		return "streamItems"
	}
	return "requests"
}

// admit decides whether one more record of a kind is kept: held is how
// many of that kind the capture (or its stream) holds, cost the record's
// estimated size. A record kept is charged to the budget; one left out is
// counted as dropped, with why.
func (c *Capture) admit(kind recordKind, held, cost int) bool {
	var why string
	switch {
	case held >= c.opts.MaxEntries:
		why = fmt.Sprintf("%s: maxEntries (%d) reached", kind.name(), c.opts.MaxEntries)
		if kind == kindStreamItem {
			why = fmt.Sprintf("streamItems: maxEntries (%d) messages or chunks reached in one stream", c.opts.MaxEntries)
		}
	case c.bytes+int64(cost) > c.opts.MaxTotalBytes:
		why = kind.name() + ": the capture's byte budget (maxTotalBytes) was spent"
	default:
		c.bytes += int64(cost)
		return true
	}
	switch kind {
	case kindRequest:
		c.dropped.Requests++
	case kindFrame:
		c.dropped.WSFrames++
	case kindStreamItem:
		c.dropped.StreamItems++
	}
	c.reason(why)
	return false
}

// charge adds a record that belongs to one already kept (a response, a
// redirect hop) to the budget: it is kept whatever the budget says, so
// that an exchange is never half recorded.
func (c *Capture) charge(cost int) { c.bytes += int64(cost) }

// spend takes n bytes of content from the budget, and reports false
// (counting nothing) when the contents' share of it cannot cover them.
func (c *Capture) spend(n int) bool {
	if c.bytes+int64(n) > c.opts.MaxTotalBytes/8*contentShare {
		return false
	}
	c.bytes += int64(n)
	return true
}

// contentSpent reports whether the contents' share of the budget is gone.
func (c *Capture) contentSpent() bool {
	return c.bytes >= c.opts.MaxTotalBytes/8*contentShare
}

// budgetReason is the reason given for contents left out.
const budgetReason = "the capture's byte budget (maxTotalBytes) was spent"

// dropPayload counts a frame payload or stream content not kept.
func (c *Capture) dropPayload(what string) {
	c.dropped.Payloads++
	c.reason("payloads: " + what + " not kept once " + budgetReason)
}

// dropBody counts a body not kept and says so on its response.
func (c *Capture) dropBody(r *api.Response) {
	c.dropped.Bodies++
	c.reason("bodies: " + budgetReason)
	r.BodyError = "not kept: " + budgetReason
}

func headersCost(h map[string]string) int {
	n := 0
	for k, v := range h {
		n += len(k) + len(v) + headerOverhead
	}
	return n
}

func requestCost(r *api.Request) int {
	return requestOverhead + len(r.RequestID) + len(r.URL) + len(r.DocumentURL) + headersCost(r.Headers)
}

func responseCost(r *api.Response) int {
	return responseOverhead + len(r.URL) + len(r.StatusText) + len(r.MimeType) + headersCost(r.Headers)
}

// exchangeCost is what a new request is admitted for: itself and the
// response that will follow, which is charged when it comes.
func exchangeCost(r *api.Request) int { return requestCost(r) + responseOverhead }

// maxDropped bounds the ids remembered of requests dropped while in
// flight; an id is forgotten when its request ends.
const maxDropped = 8192

// dropID remembers that the request id was dropped, so that its later
// events are not recorded as another request, nor counted again.
func (c *Capture) dropID(id string) {
	if len(c.droppedIDs) >= maxDropped {
		for k := range c.droppedIDs {
			delete(c.droppedIDs, k)
			break
		}
	}
	c.droppedIDs[id] = true
}

// keepURL remembers the URL of a WebSocket or EventSource whose request
// was dropped at a bound: its frames and messages are still kept, under
// their own bound, and name it.
func (c *Capture) keepURL(id, url string) {
	if len(c.capped) >= maxDropped {
		for k := range c.capped {
			delete(c.capped, k)
			break
		}
	}
	c.capped[id] = url
}
