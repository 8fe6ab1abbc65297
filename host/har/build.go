package har

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tabtap/tabtap/host/api"
)

// Creator name written in log.creator.
const creatorName = "tabtap"

// pendingError is the _error of a request that had no response yet when
// the capture stopped.
const pendingError = "no response (still pending when the capture stopped)"

// unknownSocketURL stands for the URL of a WebSocket opened before the
// capture started: the browser does not repeat it in frame events, and
// HAR requires an absolute URL.
const unknownSocketURL = "ws://unknown.invalid/"

// Build converts a stopped capture into a HAR 1.2 document. version is
// tabtap's version, written in log.creator.
//
// Every request record becomes an entry (each hop of a redirect chain
// its own), matched with its response by requestId and sorted by start
// time; WebSocket frames and streamed messages go into the entry of their
// request. Frames and streams whose request was not captured (a socket
// opened before the capture started) get an entry of their own, so that
// nothing the capture holds is left out. Each tab of the capture is a
// page; the tab that made the first request comes first.
func Build(res api.StopResult, version string) *HAR {
	var data api.Data
	if res.Data != nil {
		data = *res.Data
	}
	b := newBuilder(res, &data)
	items := b.items(&data)
	h := &HAR{Log: Log{
		Version: Version,
		Creator: Creator{Name: creatorName, Version: version},
		Pages:   b.pages(data, items),
		Entries: make([]Entry, 0, len(items)),
		Comment: logComment(res),
	}}
	for _, it := range items {
		h.Log.Entries = append(h.Log.Entries, it.entry)
	}
	return h
}

// newBuilder indexes a capture's responses, frames and streams by the
// request they belong to.
func newBuilder(res api.StopResult, data *api.Data) *builder {
	b := &builder{
		res:       res,
		responses: map[string]*api.Response{},
		frames:    map[string][]*api.WSFrame{},
		streams:   map[string]*api.StreamingResponse{},
	}
	for i := range data.Responses {
		r := &data.Responses[i]
		if _, ok := b.responses[r.RequestID]; !ok {
			b.responses[r.RequestID] = r
		}
	}
	for i := range data.WSFrames {
		f := &data.WSFrames[i]
		b.frames[f.RequestID] = append(b.frames[f.RequestID], f)
	}
	for i := range data.StreamingResponses {
		s := &data.StreamingResponses[i]
		if _, ok := b.streams[s.RequestID]; !ok {
			b.streams[s.RequestID] = s
		}
	}
	return b
}

// items makes the entries: one per request, then one per request id
// that only later records name, sorted by time.
func (b *builder) items(data *api.Data) []item {
	var items []item
	seen := map[string]bool{}
	for i := range data.Requests {
		r := &data.Requests[i]
		seen[r.RequestID] = true
		items = append(items, item{at: b.timeOr(r.Timestamp), entry: b.entry(r, r.RequestID, r.Source)})
	}
	// Records whose request was not captured, in the order they come.
	orphan := func(id string, at time.Time, src api.Source) {
		if seen[id] {
			return
		}
		seen[id] = true
		items = append(items, item{at: b.timeOr(at), entry: b.entry(nil, id, src)})
	}
	for i := range data.Responses {
		r := &data.Responses[i]
		orphan(r.RequestID, r.Timestamp, r.Source)
	}
	for i := range data.WSFrames {
		f := &data.WSFrames[i]
		orphan(f.RequestID, f.Timestamp, f.Source)
	}
	for i := range data.StreamingResponses {
		s := &data.StreamingResponses[i]
		orphan(s.RequestID, s.Timestamp, s.Source)
	}
	slices.SortStableFunc(items, func(a, b item) int { return a.at.Compare(b.at) })
	return items
}

// item is an entry with the time it sorts by.
type item struct {
	at    time.Time
	entry Entry
}

type builder struct {
	res       api.StopResult
	responses map[string]*api.Response
	frames    map[string][]*api.WSFrame
	streams   map[string]*api.StreamingResponse
}

// pageID names the page of a tab.
func pageID(tab int64) string { return fmt.Sprintf("page_%d", tab) }

// tab is one page of the HAR, while pages are made.
type tab struct {
	id    int64
	first time.Time
	title string
	// rank orders the tabs: the first request's tab is 0.
	rank int
}

// pages makes one page per tab, the tab of the first request first, then
// the others in the order they appear.
func (b *builder) pages(data api.Data, items []item) []Page {
	var tabs []*tab
	byID := map[int64]*tab{}
	for i, it := range items {
		t := byID[it.entry.TabID]
		if t == nil {
			t = &tab{id: it.entry.TabID, first: it.at, rank: i + 1}
			byID[t.id] = t
			tabs = append(tabs, t)
		}
	}
	// The main tab is the one whose request came first (the first item
	// may be a frame of a socket older than the capture).
	var first *api.Request
	for i := range data.Requests {
		r := &data.Requests[i]
		if first == nil || r.Timestamp.Before(first.Timestamp) {
			first = r
		}
	}
	if first != nil {
		if t := byID[first.TabID]; t != nil {
			t.rank = 0
		}
	}
	titleTabs(data, byID)
	slices.SortStableFunc(tabs, func(a, b *tab) int { return cmp.Compare(a.rank, b.rank) })
	out := make([]Page, 0, len(tabs))
	for i, t := range tabs {
		start := t.first
		if i == 0 && !b.res.StartTime.IsZero() && b.res.StartTime.Before(start) {
			start = b.res.StartTime
		}
		title := t.title
		if title == "" {
			title = fmt.Sprintf("tab %d", t.id)
		}
		out = append(out, Page{
			StartedDateTime: formatTime(b.timeOr(start)),
			ID:              pageID(t.id),
			Title:           title,
			PageTimings:     PageTimings{OnContentLoad: -1, OnLoad: -1},
			TabID:           t.id,
		})
	}
	return out
}

// titleTabs names each tab by the URL of its first document, once
// redirects are followed; any document of the tab's own target before an
// iframe's.
func titleTabs(data api.Data, byID map[int64]*tab) {
	reqs := make([]*api.Request, 0, len(data.Requests))
	for i := range data.Requests {
		reqs = append(reqs, &data.Requests[i])
	}
	slices.SortStableFunc(reqs, func(a, b *api.Request) int { return a.Timestamp.Compare(b.Timestamp) })
	for _, pass := range []func(*api.Request) bool{
		func(r *api.Request) bool { return (r.Target == "" || r.Target == "page") && isFinalHop(r) },
		func(r *api.Request) bool { return true },
	} {
		for _, r := range reqs {
			if t := byID[r.TabID]; t != nil && t.title == "" && r.ResourceType == "Document" && pass(r) {
				t.title = stripFragment(r.URL)
			}
		}
	}
}

// isFinalHop reports whether a request is not an earlier hop of a
// redirect chain.
func isFinalHop(r *api.Request) bool { return !strings.Contains(r.RequestID, ":redirected.") }

// timeOr returns t, or the capture's start when t is unknown.
func (b *builder) timeOr(t time.Time) time.Time {
	if t.IsZero() {
		return b.res.StartTime
	}
	return t
}

// entry builds the entry of one request id. req is nil when the request
// was not captured (an orphan frame, stream or response).
func (b *builder) entry(req *api.Request, id string, src api.Source) Entry {
	resp, frames, stream := b.responses[id], b.frames[id], b.streams[id]
	var notes []string
	if req == nil {
		req = synthesize(id, src, resp, frames, stream)
		resp = orphanResponse(req, resp, stream)
		notes = append(notes, "synthesized: the request was not captured (it started before the capture did, or was left out); only its later records were")
	}
	e := b.newEntry(req, resp, id, src)
	notes = append(notes, addSocketMessages(&e, req, frames)...)
	notes = append(notes, addStream(&e, stream)...)
	e.Comment = strings.Join(notes, "; ")
	return e
}

// orphanResponse is the response of records whose request was not
// captured (req is the one synthesized for them): the one captured, or
// else one that their frames or stream data prove came.
func orphanResponse(req *api.Request, resp *api.Response, stream *api.StreamingResponse) *api.Response {
	if resp != nil {
		return resp
	}
	r := &api.Response{RequestID: req.RequestID, URL: req.URL, Status: 200, StatusText: "OK", Timestamp: req.Timestamp, Source: req.Source}
	switch {
	case req.ResourceType == "WebSocket":
		r.Status, r.StatusText = 101, "Switching Protocols"
	case stream != nil && stream.Kind == "eventsource":
		r.MimeType = "text/event-stream"
	}
	return r
}

// newEntry converts a request and its response (nil when none came).
func (b *builder) newEntry(req *api.Request, resp *api.Response, id string, src api.Source) Entry {
	e := Entry{
		Pageref:         pageID(src.TabID),
		StartedDateTime: formatTime(b.timeOr(req.Timestamp)),
		Cache:           Cache{},
		ResourceType:    resourceType(req.ResourceType),
		TabID:           src.TabID,
		Target:          src.Target,
		RequestID:       id,
	}
	if in := req.Initiator; in != nil {
		e.Initiator = &Initiator{Type: in.Type, URL: in.URL, LineNumber: in.LineNumber, RequestID: in.RequestID}
	}
	e.Request = buildRequest(req, resp)
	e.Response = buildResponse(req, resp)
	e.Timings, e.Time = buildTimings(req, resp)
	if resp != nil {
		e.ServerIPAddress = serverIP(resp.RemoteAddress)
		if resp.FromCache {
			// The capture does not keep which cache answered; a memory
			// cache hit never went to the network, so has no timing.
			e.FromCache = "disk"
			if resp.Timing == nil {
				e.FromCache = "memory"
			}
		}
	}
	return e
}

// addSocketMessages puts a WebSocket's frames in its entry, and returns
// what the entry's comment should say of them.
func addSocketMessages(e *Entry, req *api.Request, frames []*api.WSFrame) []string {
	if req.ResourceType != "WebSocket" && len(frames) == 0 {
		return nil
	}
	e.WebSocketMessages = make([]WebSocketMessage, 0, len(frames))
	cut := 0
	for _, f := range frames {
		typ := "receive"
		if f.Direction == "sent" {
			typ = "send"
		}
		if f.Truncated {
			cut++
		}
		e.WebSocketMessages = append(e.WebSocketMessages, WebSocketMessage{
			Type: typ, Time: epochSeconds(f.Timestamp), Opcode: f.Opcode, Data: f.Payload, Redacted: f.Redacted,
		})
	}
	if cut > 0 {
		return []string{fmt.Sprintf("%d WebSocket message payloads are cut (maxBodyBytes or the capture's byte budget)", cut)}
	}
	return nil
}

// addStream puts a streamed response's messages or chunks in its entry,
// and returns what the entry's comment should say of them.
func addStream(e *Entry, stream *api.StreamingResponse) []string {
	if stream == nil {
		return nil
	}
	switch stream.Kind {
	case "eventsource":
		e.EventSourceMessages = make([]EventSourceMessage, 0, len(stream.Messages))
		for _, m := range stream.Messages {
			e.EventSourceMessages = append(e.EventSourceMessages, EventSourceMessage{
				Time: epochSeconds(m.Timestamp), EventName: m.EventName, EventID: m.EventID, Data: m.Data,
			})
		}
	default:
		e.Chunks = make([]Chunk, 0, len(stream.Chunks))
		for _, c := range stream.Chunks {
			ch := Chunk{Time: epochSeconds(c.Timestamp), Size: c.Length, Data: c.Data}
			if c.DataBase64 != "" {
				ch.Data, ch.Encoding = c.DataBase64, "base64"
			}
			e.Chunks = append(e.Chunks, ch)
		}
	}
	e.Response.Redacted = addPlaces(e.Response.Redacted, stream.Redacted)
	var notes []string
	if stream.Dropped > 0 {
		notes = append(notes, fmt.Sprintf("%d stream items left out to keep memory bounded", stream.Dropped))
	}
	if !stream.Complete {
		notes = append(notes, "the stream was still open when the capture stopped")
	}
	if stream.ContentOmitted {
		notes = append(notes, "stream content omitted from this copy; get_request has it")
	}
	return notes
}

// addPlaces adds to a list of redacted places those it does not hold.
func addPlaces(to, places []string) []string {
	for _, p := range places {
		if !slices.Contains(to, p) {
			to = append(to, p)
		}
	}
	return to
}

// synthesize makes a request record for records whose request was not
// captured.
func synthesize(id string, src api.Source, resp *api.Response, frames []*api.WSFrame, stream *api.StreamingResponse) *api.Request {
	r := &api.Request{RequestID: id, Method: "GET", Source: src, ResourceType: "Other"}
	switch {
	case len(frames) > 0:
		r.ResourceType = "WebSocket"
		r.Timestamp = frames[0].Timestamp
		for _, f := range frames {
			if r.URL == "" {
				r.URL = f.URL
			}
		}
	case stream != nil:
		r.URL, r.Timestamp = stream.URL, stream.Timestamp
		if stream.Kind == "eventsource" {
			r.ResourceType = "EventSource"
		}
	}
	if resp != nil {
		if r.URL == "" {
			r.URL = resp.URL
		}
		if r.Timestamp.IsZero() || (!resp.Timestamp.IsZero() && resp.Timestamp.Before(r.Timestamp)) {
			r.Timestamp = resp.Timestamp
		}
	}
	if r.URL == "" {
		r.URL = unknownSocketURL
		if r.ResourceType != "WebSocket" {
			r.URL = "about:blank"
		}
	}
	return r
}

// buildRequest converts a request record.
func buildRequest(req *api.Request, resp *api.Response) Request {
	out := Request{
		Method:      req.Method,
		URL:         stripFragment(req.URL),
		HTTPVersion: httpVersion(resp, "HTTP/1.1"),
		Headers:     headerList(req.Headers),
		QueryString: queryString(req.URL),
		HeadersSize: -1,
		Redacted:    req.Redacted,
	}
	if out.Method == "" {
		out.Method = "GET"
	}
	for _, h := range out.Headers {
		if strings.EqualFold(h.Name, "cookie") {
			out.Cookies = append(out.Cookies, parseCookieHeader(h.Value)...)
		}
	}
	if req.PostData != "" || req.PostDataBase64 != "" {
		ct, _ := header(req.Headers, "content-type")
		pd := &PostData{MimeType: ct, Text: req.PostData}
		out.BodySize = int64(len(req.PostData))
		var notes []string
		if req.PostDataBase64 != "" {
			pd.Text, pd.Encoding = req.PostDataBase64, "base64"
			out.BodySize = int64(base64.StdEncoding.DecodedLen(len(req.PostDataBase64)))
			if raw, err := base64.StdEncoding.DecodeString(req.PostDataBase64); err == nil {
				out.BodySize = int64(len(raw))
			}
			notes = append(notes, "binary body: text is its base64")
		} else if isFormURLEncoded(ct) {
			pd.Params = formParams(req.PostData)
		}
		if req.PostDataTruncated {
			notes = append(notes, "body cut at the capture's maxBodyBytes")
		}
		pd.Comment = strings.Join(notes, "; ")
		out.PostData = pd
	}
	if req.ContentOmitted {
		out.Comment = "request body omitted from this copy; get_request has it"
	}
	return out
}

// buildResponse converts a response record; resp is nil when the request
// got no response before the capture stopped. A response the browser
// revalidated is written as the page used it, the cached copy (the 304
// alone would serve a HAR consumer no page), with the network's 304 in
// _revalidated.
func buildResponse(req *api.Request, resp *api.Response) Response {
	if resp == nil {
		return Response{
			Content:     Content{MimeType: "x-unknown"},
			HeadersSize: -1,
			BodySize:    -1,
			Error:       pendingError,
		}
	}
	status, statusText, headers := resp.Status, resp.StatusText, resp.Headers
	var revalidated *Revalidation
	if c := resp.Revalidated; c != nil {
		revalidated = &Revalidation{Status: status, StatusText: statusText, Headers: headerList(headers)}
		status, statusText, headers = c.Status, c.StatusText, c.Headers
	}
	out := Response{
		Status:                  status,
		StatusText:              statusText,
		HTTPVersion:             httpVersion(resp, "HTTP/1.1"),
		Headers:                 headerList(headers),
		RedirectURL:             resp.RedirectURL,
		HeadersSize:             -1,
		BodySize:                -1,
		TransferSize:            resp.EncodedDataLength,
		FetchedViaServiceWorker: resp.FromServiceWorker,
		Revalidated:             revalidated,
		Redacted:                resp.Redacted,
	}
	if resp.Status == 0 {
		// No headers came: DevTools writes an empty version.
		out.HTTPVersion = httpVersion(resp, "")
	}
	if out.RedirectURL == "" {
		out.RedirectURL, _ = header(headers, "location")
	}
	out.Content = buildContent(resp, headers)
	out.BodySize = bodySize(resp, out.Content)
	if n := out.Content.Size - out.BodySize; out.BodySize > 0 && n > 0 {
		if enc, _ := header(headers, "content-encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
			out.Content.Compression = &n
		}
	}
	for _, h := range out.Headers {
		if strings.EqualFold(h.Name, "set-cookie") {
			if c, ok := parseSetCookie(h.Value, resp.Timestamp); ok {
				out.Cookies = append(out.Cookies, c)
			}
		}
	}
	out.Error, out.Comment = responseError(resp), socketErrors(resp)
	if resp.Failed {
		out.BlockedReason = resp.BlockedReason
	}
	return out
}

// responseError is the _error of a response that failed or got no
// headers, "" for one that came.
func responseError(resp *api.Response) string {
	if !resp.Failed {
		if resp.Status == 0 {
			return "no response headers were captured"
		}
		return ""
	}
	msg := resp.ErrorText
	if msg == "" {
		msg = "failed"
	}
	if resp.Canceled && !strings.Contains(msg, "ABORTED") {
		msg += " (canceled)"
	}
	return msg
}

// socketErrors says what went wrong on a WebSocket, for its comment.
func socketErrors(resp *api.Response) string {
	ws := resp.WebSocket
	if ws == nil || len(ws.Errors) == 0 {
		return ""
	}
	var msgs []string
	for _, e := range ws.Errors {
		msgs = append(msgs, e.Message)
	}
	return "WebSocket errors: " + strings.Join(msgs, "; ")
}

// bodySize is the bytes of body a response brought over the network: 0
// when it came from a cache or was a 304 (the browser used its cached
// copy), its Content-Length when it declared one, the decoded size when
// it was neither compressed nor cut, else -1 (not known).
func bodySize(resp *api.Response, c Content) int64 {
	switch {
	case resp.FromCache || resp.Status == 304:
		return 0
	case resp.Failed || resp.Status == 0:
		return -1
	case resp.Status == 204 || resp.Status == 205 || resp.Status >= 100 && resp.Status < 200:
		return 0
	}
	if v, ok := header(resp.Headers, "content-length"); ok {
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n >= 0 {
			return n
		}
	}
	enc, _ := header(resp.Headers, "content-encoding")
	if (enc == "" || strings.EqualFold(enc, "identity")) && !resp.BodyTruncated && resp.BodyError == "" && !resp.ContentOmitted && c.Size > 0 {
		return c.Size
	}
	return -1
}

// buildContent converts a response's body, served with headers.
func buildContent(resp *api.Response, headers map[string]string) Content {
	c := Content{MimeType: resp.MimeType}
	if c.MimeType == "" {
		c.MimeType, _ = header(headers, "content-type")
	}
	if c.MimeType == "" {
		c.MimeType = "x-unknown"
	}
	var held int64
	switch {
	case resp.BodyBase64 != "":
		c.Text, c.Encoding = resp.BodyBase64, "base64"
		if n, err := base64.StdEncoding.DecodeString(resp.BodyBase64); err == nil {
			held = int64(len(n))
		}
	case resp.Body != "":
		c.Text = resp.Body
		held = int64(len(resp.Body))
	}
	c.Size = max(resp.BodySize, held)
	var notes []string
	if resp.BodyTruncated {
		notes = append(notes, fmt.Sprintf("body cut to %d of %d bytes (maxBodyBytes)", held, c.Size))
	}
	if resp.BodyError != "" {
		notes = append(notes, "body not captured: "+resp.BodyError)
	}
	if resp.ContentOmitted {
		notes = append(notes, "body omitted from this copy; get_request has it")
	}
	c.Comment = strings.Join(notes, "; ")
	return c
}

// buildTimings converts a response's timing, and sums it into the
// entry's time as DevTools does (SSL is part of connect). Without a
// timing the whole time until the response (or failure) is waiting.
func buildTimings(req *api.Request, resp *api.Response) (Timings, float64) {
	t := Timings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1}
	if resp != nil && resp.Timing != nil {
		rt := resp.Timing
		t.Blocked, t.DNS, t.Connect, t.SSL = optional(rt.Blocked), optional(rt.DNS), optional(rt.Connect), optional(rt.SSL)
		t.Send, t.Wait, t.Receive = max(rt.Send, 0), max(rt.Wait, 0), max(rt.Receive, 0)
	} else if resp != nil && !req.Timestamp.IsZero() && resp.Timestamp.After(req.Timestamp) {
		t.Wait = round3(float64(resp.Timestamp.Sub(req.Timestamp).Microseconds()) / 1000)
	}
	total := 0.0
	for _, v := range []float64{t.Blocked, t.DNS, t.Connect, t.Send, t.Wait, t.Receive} {
		total += max(v, 0)
	}
	return t, round3(total)
}

// optional keeps a phase that applied, and writes -1 for one that did not.
func optional(v float64) float64 {
	if v < 0 || math.IsNaN(v) {
		return -1
	}
	return v
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// logComment says where the log comes from and what it lacks.
func logComment(res api.StopResult) string {
	var parts []string
	if res.CaptureID != "" {
		s := "tabtap capture " + res.CaptureID
		if res.SessionID != "" {
			s += " (session " + res.SessionID + ")"
		}
		if !res.StartTime.IsZero() && !res.EndTime.IsZero() {
			s += ", " + formatTime(res.StartTime) + " to " + formatTime(res.EndTime)
		}
		parts = append(parts, s)
	}
	if res.EndReason != "" {
		parts = append(parts, "ended: "+res.EndReason)
	}
	if d := res.Dropped; d.Total() > 0 {
		s := fmt.Sprintf("left out: %d requests, %d WebSocket frames, %d stream items, %d bodies, %d payloads, %d events, %d iframes or workers",
			d.Requests, d.WSFrames, d.StreamItems, d.Bodies, d.Payloads, d.Events, d.Targets)
		if len(d.Reasons) > 0 {
			s += " (" + strings.Join(d.Reasons, "; ") + ")"
		}
		parts = append(parts, s)
	}
	if t := res.Truncated; t != nil {
		parts = append(parts, fmt.Sprintf("cut to fit maxResultBytes: %d requests, %d responses, %d WebSocket frames, %d streaming responses left out, %d contents omitted",
			t.Requests, t.Responses, t.WSFrames, t.StreamingResponses, t.ContentsOmitted))
	}
	return strings.Join(parts, "; ")
}
