package shape

import (
	"github.com/tabtap/tabtap/host/api"
)

// index joins a capture's records: requests with their responses, frames
// with their socket, streams with their request.
type index struct {
	d         *api.Data
	exchanges []api.Exchange
	byID      map[string]int   // exchange by record id
	frames    map[string][]int // frames by socket request id, in order
	sockets   []string         // socket ids, in order of first sight
	streams   map[string]int   // stream by request id

	rowCache   []api.RequestRow
	groupCache *api.Groups
}

func newIndex(d *api.Data) *index {
	ix := &index{d: d, byID: map[string]int{}, frames: map[string][]int{}, streams: map[string]int{}}
	ix.exchanges = d.Exchanges()
	for i, x := range ix.exchanges {
		ix.byID[x.ID()] = i
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
		if x.Request != nil && x.Request.ResourceType == "WebSocket" {
			if _, ok := ix.frames[x.Request.RequestID]; !ok {
				ix.frames[x.Request.RequestID] = nil
				ix.sockets = append(ix.sockets, x.Request.RequestID)
			}
		}
	}
	return ix
}

// row describes an exchange in one line.
func row(x api.Exchange) api.RequestRow {
	r := api.RequestRow{ID: x.ID(), URL: Cut(x.URL(), rowURLBytes)}
	var flags []string
	if q := x.Request; q != nil {
		r.Method, r.Type = q.Method, q.ResourceType
		if q.Partial {
			flags = append(flags, "partial")
		}
		if q.PostData != "" || q.PostDataBase64 != "" || q.ContentOmitted {
			flags = append(flags, "sentBody")
		}
	}
	p := x.Response
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
