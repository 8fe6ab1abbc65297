package shape

import (
	"strings"

	"github.com/tabtap/tabtap/host/api"
)

// exchange is one row of HTTP traffic: a request with its response, or a
// response whose request the capture did not see.
type exchange struct {
	req  *api.Request
	resp *api.Response
}

func (x exchange) id() string {
	if x.req != nil {
		return x.req.RequestID
	}
	return x.resp.RequestID
}

func (x exchange) url() string {
	if x.req != nil {
		return x.req.URL
	}
	return x.resp.URL
}

// index joins a capture's records: requests with their responses, frames
// with their socket, streams with their request.
type index struct {
	d         *api.Data
	exchanges []exchange
	byID      map[string]int   // exchange by record id
	frames    map[string][]int // frames by socket request id, in order
	sockets   []string         // socket ids, in order of first sight
	streams   map[string]int   // stream by request id

	rowCache   []api.RequestRow
	groupCache *api.Groups
}

func newIndex(d *api.Data) *index {
	ix := &index{d: d, byID: map[string]int{}, frames: map[string][]int{}, streams: map[string]int{}}
	resp := make(map[string]*api.Response, len(d.Responses))
	for i := range d.Responses {
		r := &d.Responses[i]
		if _, dup := resp[r.RequestID]; !dup {
			resp[r.RequestID] = r
		}
	}
	for i := range d.Requests {
		r := &d.Requests[i]
		x := exchange{req: r, resp: resp[r.RequestID]}
		delete(resp, r.RequestID)
		ix.byID[r.RequestID] = len(ix.exchanges)
		ix.exchanges = append(ix.exchanges, x)
	}
	// Responses whose request was not recorded, in their own order.
	for i := range d.Responses {
		r := &d.Responses[i]
		if resp[r.RequestID] == r {
			ix.byID[r.RequestID] = len(ix.exchanges)
			ix.exchanges = append(ix.exchanges, exchange{resp: r})
		}
	}
	for i := range d.WSFrames {
		id := d.WSFrames[i].RequestID
		if _, ok := ix.frames[id]; !ok {
			ix.sockets = append(ix.sockets, id)
		}
		ix.frames[id] = append(ix.frames[id], i)
	}
	for i := range d.StreamingResponses {
		if _, ok := ix.streams[d.StreamingResponses[i].RequestID]; !ok {
			ix.streams[d.StreamingResponses[i].RequestID] = i
		}
	}
	// Sockets known by their handshake but silent still count.
	for _, x := range ix.exchanges {
		if x.req != nil && x.req.ResourceType == "WebSocket" {
			if _, ok := ix.frames[x.req.RequestID]; !ok {
				ix.frames[x.req.RequestID] = nil
				ix.sockets = append(ix.sockets, x.req.RequestID)
			}
		}
	}
	return ix
}

// baseID is a record id without its redirect suffix.
func baseID(id string) string {
	base, _, _ := strings.Cut(id, ":")
	return base
}

// row describes an exchange in one line.
func row(x exchange) api.RequestRow {
	r := api.RequestRow{ID: x.id(), URL: Cut(x.url(), rowURLBytes)}
	var flags []string
	if q := x.req; q != nil {
		r.Method, r.Type = q.Method, q.ResourceType
		if q.Partial {
			flags = append(flags, "partial")
		}
		if q.PostData != "" || q.PostDataBase64 != "" || q.ContentOmitted {
			flags = append(flags, "sentBody")
		}
	}
	p := x.resp
	if p == nil {
		return withFlags(r, append(flags, "pending"))
	}
	if !p.Failed {
		r.Status = p.Status
	}
	r.Size = p.BodySize
	if r.Size == 0 {
		r.Size = int64(len(p.Body)) + int64(len(p.BodyBase64))*3/4
	}
	if r.Size == 0 {
		r.Size = p.EncodedDataLength
	}
	if p.Timing != nil && p.Timing.Total > 0 {
		r.Ms = p.Timing.Total
	}
	switch {
	case p.Failed && p.Canceled:
		flags = append(flags, "canceled")
	case p.Failed:
		flags = append(flags, "failed")
	}
	if p.RedirectURL != "" {
		flags = append(flags, "redirect")
	}
	if p.FromCache {
		flags = append(flags, "cached")
	}
	if p.FromServiceWorker {
		flags = append(flags, "serviceWorker")
	}
	if p.BodyTruncated {
		flags = append(flags, "bodyCut")
	}
	if p.BodyError != "" {
		flags = append(flags, "noBody")
	}
	return withFlags(r, flags)
}

func withFlags(r api.RequestRow, flags []string) api.RequestRow {
	if len(flags) > 0 {
		r.Flags = flags
	}
	return r
}

// failedOrError reports whether a row is a failure or an error status.
func failedOrError(r api.RequestRow) bool {
	if r.Status >= 400 {
		return true
	}
	for _, f := range r.Flags {
		if f == "failed" {
			return true
		}
	}
	return false
}

func hasFlag(r api.RequestRow, flag string) bool {
	for _, f := range r.Flags {
		if f == flag {
			return true
		}
	}
	return false
}
