package capture

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/tabtap/tabtap/host/api"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/target"
)

// The rarer events a capture decodes, with cdproto's types; the commoner
// ones have types of the capture's own (events.go, and evWebSocketFrame).
type (
	evWebSocketCreated    = network.EventWebSocketCreated
	evWebSocketFrameError = network.EventWebSocketFrameError
	evWebSocketClosed     = network.EventWebSocketClosed
	evEventSourceMessage  = network.EventEventSourceMessageReceived
	evAttachedToTarget    = target.EventAttachedToTarget
	evDetachedFromTarget  = target.EventDetachedFromTarget
)

// exchange is what the capture knows of one browser request id while it
// is in flight: the current hop of its redirect chain and what is needed
// to finish it.
type exchange struct {
	id      string
	target  Target
	source  api.Source
	req     *api.Request
	resp    *api.Response
	hops    int
	issued  float64 // monotonic seconds of the current hop's requestWillBeSent
	timing  *resourceTiming
	fromMem bool
	settled bool // logged in Capture.settled: complete, body included
	// status is the response's status as the page saw it: a revalidated
	// response shows 304 (the wire's) but the page saw the cached 200.
	status int64
	// declared is the body length the response's headers declared as the
	// page saw them (a revalidated response's raw headers, a 304's, have
	// none).
	declared int64
	sized    bool // those headers had a Content-Length
	// recovered marks a document recorded after the fact (popup.go).
	recovered bool
	extras    extras
	stream    *streamState
}

// extras holds ExtraInfo events that came before what they describe.
type extras struct {
	req  []*evRequestExtraInfo
	resp []*evResponseExtraInfo
}

func (c *Capture) onRequest(t Target, src api.Source, e *evRequestWillBeSent) {
	if e.Request == nil {
		return
	}
	if c.blocked != nil && e.Type == "Document" && c.fence(e.Request.URL) {
		return
	}
	id := e.RequestID
	c.clock.learn(e.Timestamp, e.WallTime)
	c.learnRequest(e)
	ex := c.live[id]
	url := e.Request.URL + e.Request.URLFragment
	if ex != nil && e.RedirectResponse != nil {
		// A redirect: the previous hop gets its response and a name of
		// its own, and this request continues the chain.
		prev := ex.req.URL
		ex.resp = c.newResponse(ex, e.RedirectResponse, e.Timestamp)
		ex.resp.RedirectURL = url
		ex.hops++
		suffix := fmt.Sprintf(":redirected.%d", ex.hops)
		ex.req.RequestID = id + suffix
		ex.resp.RequestID = id + suffix
		c.responses = append(c.responses, ex.resp)
		c.charge(responseCost(ex.resp) - responseOverhead) // reserved with its request
		// The hop is complete (a redirect's body never reaches the page):
		// a wait for the POST a 303 answered must see it now.
		c.complete(ex.req, ex.resp)
		ex.resp = nil
		ex.timing = nil
		ex.req = c.newRequest(ex, e, url)
		ex.req.RedirectedFrom = prev
		c.requests = append(c.requests, ex.req)
		c.charge(exchangeCost(ex.req))
		return
	}
	if ex != nil {
		// The same id again without a redirect: keep the first.
		return
	}
	if c.droppedIDs[id] {
		if e.RedirectResponse != nil {
			// Another hop of a request dropped at a bound: the server saw
			// one more request.
			c.dropped.Requests++
		}
		return
	}
	hasBody := e.Request.HasPostData
	if !c.filter.keep(url, e.Type, e.Request.Method, hasBody) {
		if e.Type == "EventSource" {
			c.skip(id)
		}
		return
	}
	ex = &exchange{id: id, target: t, source: src}
	if early := c.early[id]; early != nil {
		ex.extras = *early
		delete(c.early, id)
	}
	ex.req = c.newRequest(ex, e, url)
	if !c.admit(kindRequest, len(c.requests), exchangeCost(ex.req)) {
		c.dropID(id)
		if e.Type == "EventSource" {
			c.keepURL(id, url)
		}
		return
	}
	c.live[id] = ex
	c.requests = append(c.requests, ex.req)
	if e.Request.HasPostData && len(e.Request.PostDataEntries) == 0 {
		c.fetchPostData(ex, ex.req)
	}
}

func (c *Capture) newRequest(ex *exchange, e *evRequestWillBeSent, url string) *api.Request {
	r := &api.Request{
		RequestID:    ex.id,
		URL:          url,
		Method:       e.Request.Method,
		Headers:      orNone(e.Request.Headers),
		ResourceType: e.Type,
		Timestamp:    c.clock.wall(e.Timestamp),
		FrameID:      e.FrameID,
		DocumentURL:  e.DocumentURL,
		Source:       ex.source,
	}
	if in := e.Initiator; in != nil {
		r.Initiator = &api.Initiator{Type: in.Type, URL: in.URL, RequestID: in.RequestID}
		if in.URL != "" {
			line := in.LineNumber
			r.Initiator.LineNumber = &line
		}
		c.markSent(r, in)
	}
	if len(e.Request.PostDataEntries) > 0 {
		var body []byte
		for _, p := range e.Request.PostDataEntries {
			body = append(body, p.Bytes...)
		}
		c.setPostData(r, body)
	}
	ex.issued = e.Timestamp
	if len(ex.extras.req) > 0 {
		c.applyRequestExtra(r, ex.extras.req[0])
		ex.extras.req = ex.extras.req[1:]
	}
	return r
}

// setPostData keeps a request body as text, or as base64 when binary, cut
// at maxBodyBytes.
func (c *Capture) setPostData(r *api.Request, body []byte) {
	text, b64, cut := c.cutBody(body, c.opts.MaxBodyBytes, true)
	if !c.spend(len(text) + len(b64)) {
		c.dropped.Bodies++
		c.reason("bodies: " + budgetReason)
		return
	}
	r.PostData, r.PostDataBase64, r.PostDataTruncated = text, b64, cut
}

// requestRef is the parameters of the commands that read one request's
// data: a struct, which encodes without the reflection a map needs, on a
// path taken once per response.
type requestRef struct {
	RequestID string `json:"requestId"`
}

func (c *Capture) fetchPostData(ex *exchange, r *api.Request) {
	gen := c.gen
	c.async(1, func(ctx context.Context) {
		raw, err := c.browser.Send(ctx, ex.target, "Network.getRequestPostData",
			requestRef{ex.id}, c.opts.MaxBodyBytes+16)
		if err != nil {
			return
		}
		var res struct {
			PostData      string `json:"postData"`
			Base64Encoded bool   `json:"base64Encoded"`
		}
		if json.Unmarshal(raw, &res) != nil {
			return
		}
		body := []byte(res.PostData)
		if res.Base64Encoded {
			if body, err = base64.StdEncoding.DecodeString(res.PostData); err != nil {
				return
			}
		}
		c.learnFetched(body, func() string { ct, _ := headerValue(r.Headers, "content-type"); return ct })
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.gen == gen && c.state == StateActive {
			c.setPostData(r, body)
		}
	})
}

// maxRecent bounds how many finished exchanges are remembered for their
// late ExtraInfo events.
const maxRecent = 512

// finish moves an exchange out of the live ones; it stays findable for a
// while for the ExtraInfo events that can come after loading finished.
func (c *Capture) finish(ex *exchange) {
	delete(c.live, ex.id)
	c.recent[ex.id] = ex
	c.recentIDs = append(c.recentIDs, ex.id)
	if len(c.recentIDs) > maxRecent {
		delete(c.recent, c.recentIDs[0])
		c.recentIDs = c.recentIDs[1:]
	}
}

// known finds an exchange that is live or finished lately.
func (c *Capture) known(id string) *exchange {
	if ex := c.live[id]; ex != nil {
		return ex
	}
	return c.recent[id]
}

func (c *Capture) onRequestExtra(e *evRequestExtraInfo) {
	c.learnHeaders(e.Headers)
	id := e.RequestID
	ex := c.known(id)
	if ex == nil {
		x := c.stashEarly(id)
		x.req = append(x.req, e)
		return
	}
	if ex.req != nil && !ex.req.HeadersRaw {
		c.applyRequestExtra(ex.req, e)
		return
	}
	ex.extras.req = append(ex.extras.req, e)
}

// stashEarly keeps extra info that came before its request, within a
// bound: beyond it the raw headers of such requests are simply not merged.
func (c *Capture) stashEarly(id string) *extras {
	x := c.early[id]
	if x == nil {
		if len(c.early) >= 1024 {
			for k := range c.early {
				delete(c.early, k)
				break
			}
		}
		x = &extras{}
		c.early[id] = x
	}
	return x
}

func (c *Capture) applyRequestExtra(r *api.Request, e *evRequestExtraInfo) {
	if len(e.Headers) > 0 {
		r.Headers = e.Headers
		r.HeadersRaw = true
	}
	for _, ac := range e.AssociatedCookies {
		if len(ac.BlockedReasons) == 0 {
			continue
		}
		bc := api.BlockedCookie{Name: ac.Cookie.Name}
		bc.Reasons = append(bc.Reasons, ac.BlockedReasons...)
		r.BlockedCookies = append(r.BlockedCookies, bc)
	}
}

func (c *Capture) newResponse(ex *exchange, r *response, mono float64) *api.Response {
	resp := &api.Response{
		RequestID:         ex.id,
		URL:               r.URL,
		Status:            r.Status,
		StatusText:        r.StatusText,
		Headers:           orNone(r.Headers),
		MimeType:          r.MimeType,
		Protocol:          r.Protocol,
		FromCache:         r.FromDiskCache || r.FromPrefetchCache || ex.fromMem,
		FromServiceWorker: r.FromServiceWorker,
		EncodedDataLength: int64(r.EncodedDataLength),
		Timestamp:         c.clock.wall(mono),
		Timing:            newTiming(r.Timing, ex.issued),
		Source:            ex.source,
	}
	if r.RemoteIPAddress != "" {
		resp.RemoteAddress = r.RemoteIPAddress
		if r.RemotePort > 0 {
			host := r.RemoteIPAddress
			if strings.Contains(host, ":") {
				host = "[" + host + "]"
			}
			resp.RemoteAddress = fmt.Sprintf("%s:%d", host, r.RemotePort)
		}
	}
	ex.timing = r.Timing
	if len(ex.extras.resp) > 0 {
		c.applyResponseExtra(resp, ex.extras.resp[0])
		ex.extras.resp = ex.extras.resp[1:]
	}
	return resp
}

func (c *Capture) onResponse(t Target, src api.Source, e *evResponseReceived) {
	c.learnResponse(e.Response)
	id := e.RequestID
	ex := c.live[id]
	if ex == nil && e.Response != nil && !c.droppedIDs[id] && !c.isRecovered(id, e) {
		ex = c.partialExchange(t, src, e)
	}
	if ex == nil || e.Response == nil || ex.resp != nil {
		return
	}
	ex.status = e.Response.Status
	seen := e.Response.Headers // as the page saw them
	ex.declared = declaredLength(seen)
	_, ex.sized = headerValue(seen, "content-length")
	ex.resp = c.newResponse(ex, e.Response, e.Timestamp)
	c.charge(responseCost(ex.resp) - responseOverhead)
	if ex.req != nil && ex.req.ResourceType == "" {
		ex.req.ResourceType = e.Type
	}
	c.responses = append(c.responses, ex.resp)
	c.maybeStream(ex, e)
}

// partialExchange records a request the capture only learns of by its
// response: one already under way when the capture (or a followed popup's
// attachment) began. Its method, request headers and timing are unknown.
func (c *Capture) partialExchange(t Target, src api.Source, e *evResponseReceived) *exchange {
	if c.opts.CapturePostOnly || !c.filter.keep(e.Response.URL, e.Type, "", false) || c.ownContentLoad(t.TabID, e) {
		return nil
	}
	id := e.RequestID
	ex := &exchange{id: id, target: t, source: src}
	ex.req = &api.Request{
		RequestID: id, URL: e.Response.URL, Headers: orNone(e.Response.RequestHeaders),
		ResourceType: e.Type, Timestamp: c.clock.wall(e.Timestamp), FrameID: e.FrameID,
		Source: src, Partial: true,
	}
	if !c.admit(kindRequest, len(c.requests), exchangeCost(ex.req)) {
		c.dropID(id)
		return nil
	}
	c.live[id] = ex
	c.requests = append(c.requests, ex.req)
	return ex
}

func (c *Capture) onResponseExtra(e *evResponseExtraInfo) {
	c.learnHeaders(e.Headers)
	for _, bc := range e.BlockedCookies {
		if bc != nil && c.secrets != nil {
			c.secrets.LearnHeader("set-cookie", bc.CookieLine)
		}
	}
	id := e.RequestID
	ex := c.known(id)
	if ex == nil {
		x := c.stashEarly(id)
		x.resp = append(x.resp, e)
		return
	}
	if ex.resp != nil && !ex.resp.HeadersRaw {
		c.applyResponseExtra(ex.resp, e)
		return
	}
	ex.extras.resp = append(ex.extras.resp, e)
}

func (c *Capture) applyResponseExtra(r *api.Response, e *evResponseExtraInfo) {
	if e.StatusCode == 304 && r.Status == 200 {
		// A revalidated cache hit: the page used the cached 200, the wire
		// said 304. The record keeps the wire's, and the copy the page used.
		r.Revalidated = &api.CachedResponse{Status: r.Status, StatusText: r.StatusText, Headers: r.Headers}
		r.Status, r.StatusText = 304, http.StatusText(304)
		c.charge(headersCost(r.Headers) + len(r.Revalidated.StatusText))
	}
	if len(e.Headers) > 0 {
		r.Headers = e.Headers
		r.HeadersRaw = true
	}
	for _, bc := range e.BlockedCookies {
		if bc == nil {
			continue
		}
		out := api.BlockedCookie{Line: bc.CookieLine, Name: bc.Cookie.Name}
		out.Reasons = append(out.Reasons, bc.BlockedReasons...)
		r.BlockedCookies = append(r.BlockedCookies, out)
	}
}

func (c *Capture) onServedFromCache(e *evServedFromCache) {
	if ex := c.live[e.RequestID]; ex != nil {
		ex.fromMem = true
		if ex.resp != nil {
			ex.resp.FromCache = true
		}
	}
}

// onFinished ends an exchange. bodyFollows says the browser side reads
// its body itself and sends it among the events (ReadBodies).
func (c *Capture) onFinished(e *evLoadingFinished, bodyFollows bool) {
	id := e.RequestID
	ex := c.live[id]
	if ex == nil {
		delete(c.droppedIDs, id)
		return
	}
	c.finish(ex)
	if ex.resp == nil {
		return
	}
	ex.resp.EncodedDataLength = int64(e.EncodedDataLength)
	finishTiming(ex.resp.Timing, ex.timing, ex.issued, e.Timestamp)
	if ex.stream != nil {
		if bodyFollows {
			// Should the browser refuse to stream it, this is its body.
			c.awaiting[id] = ex
		}
		c.finishStream(ex)
		return
	}
	if !c.wantsBody(ex) {
		c.settle(ex)
		return
	}
	if bodyFollows {
		c.awaitBody(ex)
		return
	}
	c.fetchBody(ex, ex.resp)
}

// wantsBody reports whether a finished response has a body worth asking
// the browser for: one the page received. A revalidated response (304 on
// the wire) counts: the page used the cached body, and the browser gives
// it, as DevTools shows it.
func (c *Capture) wantsBody(ex *exchange) bool {
	r := ex.resp
	if !c.opts.CaptureBodies || c.opts.MaxBodyBytes == 0 || r.Failed {
		return false
	}
	if ex.req != nil && ex.req.Method == "HEAD" {
		return false
	}
	status := ex.status
	if status == 0 {
		status = r.Status
	}
	switch {
	case status >= 100 && status < 200, status == 204, status == 205:
		return false
	case status >= 300 && status < 400:
		// A redirect's body never reaches the page, nor does a 304's when
		// the page itself made a conditional request.
		return false
	}
	if ex.req != nil {
		switch ex.req.ResourceType {
		case "WebSocket", "EventSource":
			return false
		}
	}
	return true
}

// What a response's bodyError says when its body was expected but is not
// there: while the browser is asked, and when the capture ended first.
const (
	bodyPending  = "not fetched yet: the browser has not given it"
	bodyStopped  = "not fetched: the capture stopped before the browser gave it"
	bodyLoading  = "not fetched: the response was still loading when the capture stopped"
	bodyStreamed = "not complete: the response was still streaming when the capture stopped; its chunks so far are in its streaming response"
)

// fetchBody asks the browser for a finished response's body.
func (c *Capture) fetchBody(ex *exchange, r *api.Response) {
	if c.contentSpent() {
		c.dropBody(r)
		c.settle(ex)
		return
	}
	r.BodyError = bodyPending
	c.asked++
	gen := c.gen
	limit := c.bodyFieldLimit()
	c.async(fetchWeight(r.EncodedDataLength), func(ctx context.Context) {
		raw, err := c.browser.Send(ctx, ex.target, "Network.getResponseBody", requestRef{ex.id}, limit)
		var res bodyResult
		if err == nil {
			err = json.Unmarshal(raw, &res)
		}
		c.keepBody(ctx, ex, r, gen, &res, err)
	})
}

// awaitBody waits for the body of a finished response that the browser
// side reads on its own: it comes among the events (onResponseBody).
func (c *Capture) awaitBody(ex *exchange) {
	if c.contentSpent() {
		c.dropBody(ex.resp)
		c.settle(ex)
		c.stopBodyReads()
		return
	}
	ex.resp.BodyError = bodyPending
	c.awaiting[ex.id] = ex
}

// onResponseBody takes a body the browser side read on its own, for a
// response that awaits it; any other (a response the capture does not
// keep, or whose body it does not want) is ignored. Its params are read
// apart from the events, as a body fetched is: one can be tens of MB.
func (c *Capture) onResponseBody(ev Event, e *evBodyOf) {
	ex := c.awaiting[e.RequestID]
	if ex == nil {
		return
	}
	if st := ex.stream; st != nil {
		select {
		case <-st.armed:
			if st.ok {
				// Its body came as it streamed.
				delete(c.awaiting, e.RequestID)
				return
			}
		default:
			// finishStream decides, once the browser answered the arming.
			st.followed = ev.Params
			return
		}
	}
	delete(c.awaiting, e.RequestID)
	c.takeFollowed(ex, ev.Params)
}

// takeFollowed keeps the body a ResponseBodyEvent brought (its params).
// c.mu is held.
func (c *Capture) takeFollowed(ex *exchange, params json.RawMessage) {
	c.followed++
	gen := c.gen
	c.async(0, func(ctx context.Context) {
		var res bodyResult
		err := json.Unmarshal(params, &res)
		if err == nil && res.Error != "" {
			err = errors.New(res.Error)
		}
		c.keepBody(ctx, ex, ex.resp, gen, &res, err)
	})
}

// evBodyOf is what a ResponseBodyEvent is looked up by.
type evBodyOf struct {
	RequestID string `json:"requestId"`
}

// bodyResult is Network.getResponseBody's result as the relay gives it,
// or, read by the browser side on its own, with the browser's error.
type bodyResult struct {
	Body          string         `json:"body"`
	Base64Encoded bool           `json:"base64Encoded"`
	Truncated     map[string]int `json:"_truncated"`
	Error         string         `json:"error"`
}

// keepBody keeps the body the browser gave for a response, or says on it
// why there is none: err is the browser's, or the relay's. It runs on its
// own goroutine, without c.mu; gen is the capture's generation when the
// body was asked for.
func (c *Capture) keepBody(ctx context.Context, ex *exchange, r *api.Response, gen int, res *bodyResult, err error) {
	var body []byte
	if err == nil {
		body = []byte(res.Body)
		if res.Base64Encoded {
			body, err = decodeBase64Prefix(res.Body)
		}
	} else if q := ex.req; q != nil && q.Partial && q.ResourceType == "Document" && q.FrameID != "" && ex.target.SessionID == "" {
		// A document whose request began before its tab was attached
		// (a popup's first): the browser still has it as the frame's.
		if doc, derr := c.documentContent(ctx, ex.target, q.FrameID, r.URL); derr == nil {
			body, err, res.Truncated = doc, nil, nil
		}
	}
	if err == nil {
		c.learnFetched(body, func() string {
			if ct, ok := headerValue(r.Headers, "content-type"); ok {
				return ct
			}
			return r.MimeType
		})
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.state != StateActive {
		return
	}
	defer c.settle(ex)
	if err != nil {
		r.BodyError = fmt.Sprintf("the browser did not give the body: %v", err)
		return
	}
	if len(res.Truncated) == 0 && c.emptyButDeclared(ex, r, len(body)) {
		return
	}
	size := int64(len(body))
	if n, ok := res.Truncated["body"]; ok {
		size = int64(n)
		if res.Base64Encoded {
			size = int64(n) / 4 * 3
		}
	}
	c.setBody(r, body, size, isTextMime(r.MimeType))
}

// readsBodies reports whether the capture lets the browser side read its
// bodies (ReadBodies): when it keeps bodies of every request. A capture
// that keeps only some asks for each of those itself, so that the browser
// reads no body the capture would throw away.
func (c *Capture) readsBodies() bool {
	return c.opts.CaptureBodies && c.opts.MaxBodyBytes > 0 && !c.filter.narrowed()
}

// bodyFieldLimit is how long a body may come from the relay, as text or as
// base64, for maxBodyBytes of it.
func (c *Capture) bodyFieldLimit() int {
	return base64.StdEncoding.EncodedLen(c.opts.MaxBodyBytes) + 4
}

// stopBodyReads tells the browser side to read no more bodies once the
// contents' budget is spent: they would be thrown away. c.mu is held.
func (c *Capture) stopBodyReads() {
	if c.bodiesOff || !c.readsBodies() {
		return
	}
	c.bodiesOff = true
	c.setBodyReads(0)
}

// setBodyReads sets ReadBodies on every tab of the capture, each on its
// own goroutine. c.mu is held.
func (c *Capture) setBodyReads(limit int) {
	for tab, armed := range c.tabs {
		if !armed {
			continue
		}
		c.async(0, func(ctx context.Context) {
			if err := c.browser.ReadBodies(ctx, tab, limit); err != nil {
				c.log.Debug("setting the browser side's body reads", "tab", tab, "limit", limit, "err", err)
			}
		})
	}
}

// declaredLength is the body length a response's Content-Length declares,
// or 0.
func declaredLength(h map[string]string) int64 {
	v, ok := headerValue(h, "content-length")
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// emptyButDeclared reports whether an empty body came for a response
// whose headers declared one, and says so on it: an empty body must not
// pass for the real one.
func (c *Capture) emptyButDeclared(ex *exchange, r *api.Response, got int) bool {
	n := max(ex.declared, declaredLength(r.Headers))
	if got > 0 || n == 0 {
		return false
	}
	r.BodyError = fmt.Sprintf("the browser gave an empty body for a response of %d bytes (Content-Length): it keeps no copy of this one (a prefetch, say)", n)
	return true
}

// markUnfetched says, on each response whose body the capture expected
// but did not get before it stopped, why. c.mu is held; the capture has
// stopped.
func (c *Capture) markUnfetched() {
	for _, r := range c.responses {
		if r.BodyError == bodyPending {
			r.BodyError = bodyStopped
		}
	}
	for _, ex := range c.live {
		r := ex.resp
		if r == nil || r.Failed || r.BodyError != "" || r.Body != "" || r.BodyBase64 != "" || !c.wantsBody(ex) {
			continue
		}
		r.BodyError = bodyLoading
		if ex.stream != nil && ex.stream.shown {
			r.BodyError = bodyStreamed
		}
	}
}

// setBody keeps a response body, cut at maxBodyBytes, within the byte
// budget. size is the full body's length when the relay already cut it.
func (c *Capture) setBody(r *api.Response, body []byte, size int64, text bool) {
	r.BodyError = ""
	str, b64, cut := c.cutBody(body, c.opts.MaxBodyBytes, text)
	if !c.spend(len(str) + len(b64)) {
		c.dropBody(r)
		return
	}
	r.Body, r.BodyBase64 = str, b64
	r.BodySize = max(size, int64(len(body)))
	r.BodyTruncated = cut || r.BodySize > int64(len(body))
}

// cutBody returns body as text when it is UTF-8 and text is allowed, else
// as base64, cut to at most limit bytes (on a character boundary for text).
func (c *Capture) cutBody(body []byte, limit int, text bool) (str, b64 string, cut bool) {
	if len(body) > limit {
		body, cut = body[:limit], true
	}
	if text || utf8.Valid(body) && !looksBinary(body) {
		trimmed := body
		if cut {
			// Do not leave half a character at the cut.
			for len(trimmed) > 0 && !utf8.Valid(trimmed) && len(body)-len(trimmed) < utf8.UTFMax {
				trimmed = trimmed[:len(trimmed)-1]
			}
		}
		if utf8.Valid(trimmed) {
			return string(trimmed), "", cut
		}
	}
	return "", base64.StdEncoding.EncodeToString(body), cut
}

// decodeBase64Prefix decodes base64 that may have been cut anywhere.
func decodeBase64Prefix(s string) ([]byte, error) {
	s = s[:len(s)/4*4]
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("decoding a base64 body: %w", err)
	}
	return b, nil
}

// isTextMime reports whether a MIME type names text.
func isTextMime(m string) bool {
	m = strings.ToLower(m)
	switch {
	case strings.HasPrefix(m, "text/"),
		strings.Contains(m, "json"), strings.Contains(m, "xml"),
		strings.Contains(m, "javascript"), strings.Contains(m, "ecmascript"),
		strings.HasSuffix(m, "+json"), m == "application/x-www-form-urlencoded",
		m == "image/svg+xml", strings.Contains(m, "graphql"):
		return true
	}
	return false
}

// looksBinary reports whether bytes that happen to be valid UTF-8 are
// still binary: a NUL or other control characters give it away.
func looksBinary(b []byte) bool {
	n := min(len(b), 512)
	for _, ch := range b[:n] {
		if ch == 0 || ch < 0x08 {
			return true
		}
	}
	return false
}

func (c *Capture) onFailed(e *evLoadingFailed) {
	id := e.RequestID
	ex := c.live[id]
	if ex == nil {
		delete(c.droppedIDs, id)
		return
	}
	c.finish(ex)
	r := ex.resp
	if r == nil {
		r = &api.Response{RequestID: ex.id, Headers: map[string]string{}, Source: ex.source}
		if ex.req != nil {
			r.URL = ex.req.URL
		}
		c.responses = append(c.responses, r)
		c.charge(responseCost(r) - responseOverhead)
		ex.resp = r
	}
	r.Timestamp = c.clock.wall(e.Timestamp)
	r.Failed = true
	r.ErrorText = e.ErrorText
	r.Canceled = e.Canceled
	r.BlockedReason = e.BlockedReason
	if e.CorsErrorStatus != nil && r.BlockedReason == "" {
		r.BlockedReason = "cors: " + e.CorsErrorStatus.CorsError
	}
	if ex.stream != nil {
		c.finishStream(ex)
		return
	}
	c.settle(ex)
}

func (c *Capture) onAttached(parent Target, e *evAttachedToTarget) {
	if e.TargetInfo == nil || e.SessionID == "" {
		return
	}
	sid := string(e.SessionID)
	c.targets[sid] = api.Source{TabID: parent.TabID, Target: e.TargetInfo.Type, TargetID: string(e.TargetInfo.TargetID)}
	child := Target{TabID: parent.TabID, SessionID: sid}
	paused := e.WaitingForDebugger
	c.pending.Add(1)
	go func() {
		defer c.pending.Done()
		defer c.survive("arming a child target")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.arm(ctx, child, paused, e.TargetInfo.Type); err != nil {
			c.targetLost(child, err)
		}
	}()
}

func (c *Capture) onDetached(e *evDetachedFromTarget) {
	delete(c.targets, string(e.SessionID))
}
