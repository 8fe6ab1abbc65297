package shape

import (
	"fmt"
	"slices"

	"github.com/tabtap/tabtap/host/api"
)

// Priorities of records in a stop result's data: what an agent most often
// came for goes in first.
const (
	prioFailure = iota // failures and error statuses
	prioSent           // requests that sent a body
	prioAPI            // documents, fetches, XHR, sockets, event streams
	prioAsset          // scripts, styles, images, fonts, media…
)

func priority(x api.Exchange, r api.RequestRow) int {
	switch {
	case failedOrError(r):
		return prioFailure
	case hasFlag(r, "sentBody"):
		return prioSent
	}
	switch r.Type {
	case "Document", "Fetch", "XHR", "WebSocket", "EventSource", "Other", "Preflight", "":
		return prioAPI
	}
	return prioAsset
}

// Stop completes res, whose ids, times, summary and options are set,
// with the overview of d and the records that fit: its JSON stays within
// budget bytes. harOf, when set, turns the records kept into a HAR
// document returned in place of data.
func Stop(res api.StopResult, d *api.Data, budget int, harOf func(api.Data) any) api.StopResult {
	ix := newIndex(d)
	for li, dt := range details {
		out := res
		out.Overview = ix.overview(dt)
		if out.Overview.Requests == nil && out.Overview.Groups == nil && out.Overview.WebSockets == nil && out.Overview.Streams == nil {
			out.Overview = nil
		}
		out.Truncated = &api.Truncation{}
		out.Data = api.EmptyData()
		base := Size(out) + truncationSlack
		// The index of every request is worth most of the result, but not
		// all of it: records need room too.
		if base > budget || (dt.everyRow && li < len(details)-1 && base > budget*7/10 && len(ix.exchanges) > 0) {
			continue
		}
		fill(ix, &out, budget-base)
		finish(&out, d, harOf, budget)
		return out
	}
	// Not even the barest overview fits: totals only.
	out := res
	out.Data = api.EmptyData()
	out.Truncated = &api.Truncation{}
	finish(&out, d, harOf, budget)
	return out
}

// minRecordBytes is less than any request with its response takes.
const minRecordBytes = 200

// approxSize is about the JSON size of an exchange without its content:
// cheaper than measuring it, and never more than twice too small.
func approxSize(x api.Exchange) int {
	n := 0
	if r := x.Request; r != nil {
		n += 150 + len(r.URL) + len(r.DocumentURL) + len(r.FrameID)
		for k, v := range r.Headers {
			n += len(k) + len(v) + 6
		}
	}
	if r := x.Response; r != nil {
		n += 250 + len(r.URL)
		for k, v := range r.Headers {
			n += len(k) + len(v) + 6
		}
	}
	return n
}

// truncationSlack is room kept for the truncated block's counts and hint.
const truncationSlack = 700

// fill adds records to out.Data, most wanted first, within room bytes:
// exchanges, then the first frames and whole streams.
func fill(ix *index, out *api.StopResult, room int) {
	room = fillExchanges(ix, out.Data, room)
	d := out.Data
	for i := range ix.d.WSFrames {
		f := ix.d.WSFrames[i]
		if len(f.Payload) > StopContentBytes/4 {
			omitFrame(&f)
		}
		n := Size(f) + 1
		if n > room {
			break
		}
		room -= n
		d.WSFrames = append(d.WSFrames, f)
	}
	for i := range ix.d.StreamingResponses {
		s := ix.d.StreamingResponses[i]
		if streamContent(&s) > StopContentBytes {
			omitStream(&s)
		}
		n := Size(s) + 1
		if n > room {
			continue
		}
		room -= n
		d.StreamingResponses = append(d.StreamingResponses, s)
	}
}

// fillExchanges adds to d the exchanges that fit room bytes, by priority
// (an asset without its content), in the capture's order, and returns the
// room left.
func fillExchanges(ix *index, d *api.Data, room int) int {
	type pick struct{ x, prio int }
	var order []pick
	rows := ix.rows()
	for i, x := range ix.exchanges {
		order = append(order, pick{i, priority(x, rows[i])})
	}
	slices.SortStableFunc(order, func(a, b pick) int { return a.prio - b.prio })
	type kept struct {
		at   int
		req  *api.Request
		resp *api.Response
	}
	var keep []kept
	for _, p := range order {
		if room < minRecordBytes {
			break
		}
		if approxSize(ix.exchanges[p.x]) > room*2 {
			continue // far too large: no need to measure it
		}
		limit := StopContentBytes
		if p.prio == prioAsset {
			limit = 0
		}
		req, resp := exchangeCopy(ix.exchanges[p.x], limit)
		if n := sizeOf(req) + sizeOf(resp); n <= room {
			room -= n
			keep = append(keep, kept{p.x, req, resp})
		}
	}
	slices.SortFunc(keep, func(a, b kept) int { return a.at - b.at })
	for _, k := range keep {
		if k.req != nil {
			d.Requests = append(d.Requests, *k.req)
		}
		if k.resp != nil {
			d.Responses = append(d.Responses, *k.resp)
		}
	}
	return room
}

// finish counts what data leaves out, writes the hint, converts to HAR
// when asked, and makes sure the whole stays within budget. Records the
// result cannot hold go from the end, as many in a round as the excess is
// worth: the result is measured a few times, not once per record.
func finish(out *api.StopResult, all *api.Data, harOf func(api.Data) any, budget int) {
	for {
		d := out.Data
		count(out, all)
		part := any(d)
		if harOf != nil {
			out.HAR, out.Data = harOf(*d), nil
			part = out.HAR
		}
		whole := Size(*out)
		n := droppable(d)
		if harOf != nil {
			out.Data = d
		}
		if whole <= budget || n == 0 {
			if harOf != nil {
				out.Data = nil
			}
			return
		}
		out.HAR = nil
		each := max(Size(part)/n, 1)
		for drop := (whole - budget + each - 1) / each; drop > 0; drop-- {
			dropLast(d)
		}
	}
}

// count fills out.Truncated with what out.Data leaves out of all, or
// clears it when nothing is.
func count(out *api.StopResult, all *api.Data) {
	if out.Truncated == nil {
		out.Truncated = &api.Truncation{}
	}
	d, t := out.Data, out.Truncated
	t.Requests = len(all.Requests) - len(d.Requests)
	t.Responses = len(all.Responses) - len(d.Responses)
	t.WSFrames = len(all.WSFrames) - len(d.WSFrames)
	t.StreamingResponses = len(all.StreamingResponses) - len(d.StreamingResponses)
	t.ContentsOmitted = omittedIn(d)
	if t.Requests+t.Responses+t.WSFrames+t.StreamingResponses+t.ContentsOmitted == 0 {
		out.Truncated = nil
		return
	}
	t.Hint = stopHint(out.SessionID, t)
}

// droppable counts what dropLast can take from d, one at a time.
func droppable(d *api.Data) int {
	return len(d.StreamingResponses) + len(d.WSFrames) + max(len(d.Requests), len(d.Responses))
}

// dropLast removes the last record of data (the latest HTTP exchange
// last, with both its halves), reporting false when data is empty.
func dropLast(d *api.Data) bool {
	switch {
	case len(d.StreamingResponses) > 0:
		d.StreamingResponses = d.StreamingResponses[:len(d.StreamingResponses)-1]
	case len(d.WSFrames) > 0:
		d.WSFrames = d.WSFrames[:len(d.WSFrames)-1]
	case len(d.Requests) > 0 || len(d.Responses) > 0:
		id := ""
		if n := len(d.Requests); n > 0 {
			id = d.Requests[n-1].RequestID
			d.Requests = d.Requests[:n-1]
		} else {
			id = d.Responses[len(d.Responses)-1].RequestID
		}
		if n := len(d.Responses); n > 0 && d.Responses[n-1].RequestID == id {
			d.Responses = d.Responses[:n-1]
		} else if n > 0 {
			d.Responses = slices.DeleteFunc(d.Responses, func(r api.Response) bool { return r.RequestID == id })
		}
	default:
		return false
	}
	return true
}

func stopHint(session string, t *api.Truncation) string {
	return fmt.Sprintf("The overview names what the capture holds; data keeps what fits this result. "+
		"Read the rest with get_network_capture_data {\"sessionId\":%q} (pages of requests with their responses; kind \"wsFrames\" or \"streamingResponses\" for the others), "+
		"open one request (its whole body, frames or chunks, page by page) with get_request {\"sessionId\":%q,\"requestId\":\"…\"}, "+
		"or write everything to a file with stop_network_capture {\"sessionId\":%q,\"outputPath\":\"capture.json\"}.", session, session, session)
}

// omittedIn counts the records of d shown without their content.
func omittedIn(d *api.Data) int {
	n := 0
	for _, r := range d.Requests {
		if r.ContentOmitted {
			n++
		}
	}
	for _, r := range d.Responses {
		if r.ContentOmitted {
			n++
		}
	}
	for _, f := range d.WSFrames {
		if f.ContentOmitted {
			n++
		}
	}
	for _, s := range d.StreamingResponses {
		if s.ContentOmitted {
			n++
		}
	}
	return n
}
