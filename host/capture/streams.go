package capture

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"github.com/tabtap/tabtap/host/api"
	"strings"
	"time"
	"unicode/utf8"
)

// Streaming responses: an EventSource's messages, and bodies read as they
// arrive. For the latter the capture arms Network.streamResourceContent as
// soon as a response that may stream arrives; from then on the browser's
// dataReceived events carry the bytes, which become the record's chunks and,
// once loading finished, the response's body.

// streamState follows one response body streamed chunk by chunk.
type streamState struct {
	rec     *api.StreamingResponse
	armed   chan struct{} // closed when the browser answered the arming
	ok      bool          // the browser agreed to stream
	body    []byte        // everything received, up to maxBodyBytes
	size    int64
	shown   bool // rec is in the capture's list
	evident bool // the content type says it streams
	// followed is the params of the ResponseBodyEvent that came before
	// the browser answered the arming: the body, should it refuse.
	followed json.RawMessage
}

// streamingTypes are content types whose bodies are meant to be read as
// they arrive.
var streamingTypes = []string{"text/event-stream", "ndjson", "jsonl", "json-seq", "stream+json", "grpc-web", "x-ndjson", "multipart/x-mixed-replace"}

func (c *Capture) maybeStream(ex *exchange, e *evResponseReceived) {
	if !c.opts.IncludeStreaming || ex.req == nil {
		return
	}
	switch ex.req.ResourceType {
	case "Fetch", "XHR", "Other":
	default:
		return
	}
	ct, _ := headerValue(ex.resp.Headers, "content-type")
	evident := false
	for _, t := range streamingTypes {
		if strings.Contains(strings.ToLower(ct), t) {
			evident = true
		}
	}
	_, sized := headerValue(ex.resp.Headers, "content-length")
	if !evident && (sized || ex.sized) {
		return
	}
	st := &streamState{
		armed:   make(chan struct{}),
		evident: evident,
		rec: &api.StreamingResponse{
			RequestID: ex.id, URL: ex.resp.URL, Kind: "chunked",
			Timestamp: ex.resp.Timestamp, Source: ex.source,
		},
	}
	ex.stream = st
	if evident {
		c.showStream(st)
	}
	gen := c.gen
	go func() {
		// Not through async: arming must not queue behind body fetches, or
		// the chunks that come meanwhile would be lost.
		defer close(st.armed)
		defer c.survive("arming a stream")
		ctx, cancel := context.WithTimeout(c.ctx, 10*time.Second)
		defer cancel()
		raw, err := c.browser.Send(ctx, ex.target, "Network.streamResourceContent",
			requestRef{ex.id}, base64.StdEncoding.EncodedLen(c.opts.MaxBodyBytes)+4)
		var res struct {
			BufferedData string `json:"bufferedData"`
		}
		if err == nil {
			err = json.Unmarshal(raw, &res)
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if err != nil || c.gen != gen || c.state != StateActive {
			c.log.Debug("streaming refused", "request", ex.id, "err", err)
			return
		}
		st.ok = true
		if data, err := decodeBase64Prefix(res.BufferedData); err == nil && len(data) > 0 {
			// What the browser held before streaming began comes first.
			c.addChunk(ex, st, data, ex.resp.Timestamp, true)
		}
	}()
}

func (c *Capture) showStream(st *streamState) {
	if !st.shown {
		st.shown = true
		c.streams = append(c.streams, st.rec)
	}
}

func (c *Capture) onData(e *evDataReceived) {
	ex := c.live[e.RequestID]
	if ex == nil || ex.stream == nil || len(e.Data) == 0 {
		return
	}
	c.addChunk(ex, ex.stream, e.Data, c.clock.wall(e.Timestamp), false)
}

func (c *Capture) addChunk(ex *exchange, st *streamState, data []byte, at time.Time, first bool) {
	st.size += int64(len(data))
	if first {
		// The browser's buffer, answered after later chunks may have come:
		// it goes before them.
		st.body = append(append([]byte(nil), data...), st.body...)
		st.body = st.body[:min(len(st.body), c.opts.MaxBodyBytes)]
	} else if room := c.opts.MaxBodyBytes - len(st.body); room > 0 {
		st.body = append(st.body, data[:min(room, len(data))]...)
	}
	if !c.admit(kindStreamItem, len(st.rec.Chunks), itemOverhead) {
		st.rec.Dropped++
		return
	}
	c.learnBody("", data)
	ch := api.StreamChunk{Timestamp: at, Length: len(data)}
	if utf8.Valid(data) {
		ch.Data = string(data)
	} else {
		ch.DataBase64 = base64.StdEncoding.EncodeToString(data)
	}
	if !c.spend(len(ch.Data) + len(ch.DataBase64)) {
		ch.Data, ch.DataBase64 = "", ""
		c.dropPayload("stream chunks")
	}
	if first {
		st.rec.Chunks = append([]api.StreamChunk{ch}, st.rec.Chunks...)
	} else {
		st.rec.Chunks = append(st.rec.Chunks, ch)
	}
	if len(st.rec.Chunks) > 1 {
		c.showStream(st)
	}
}

// finishStream completes a streamed body once loading ended. When the
// browser refused to stream it, the body is the one the browser side read
// (when it awaits one: ReadBodies), or else is fetched the ordinary way.
func (c *Capture) finishStream(ex *exchange) {
	st := ex.stream
	st.rec.Complete = true
	resp := ex.resp
	if resp != nil && c.wantsBody(ex) {
		resp.BodyError = bodyPending
	}
	gen := c.gen
	c.pending.Add(1)
	go func() {
		defer c.pending.Done()
		defer c.survive("finishing a stream")
		<-st.armed
		c.mu.Lock()
		defer c.mu.Unlock()
		body := st.body
		st.body = nil // the response holds it from now on
		if c.gen != gen || c.state != StateActive || resp == nil {
			return
		}
		followed := c.awaiting[ex.id] == ex
		if st.ok || resp.Failed || !c.wantsBody(ex) || st.followed != nil {
			delete(c.awaiting, ex.id)
		}
		if !st.ok {
			switch {
			case resp.Failed || !c.wantsBody(ex):
				c.settle(ex)
			case st.followed != nil:
				c.takeFollowed(ex, st.followed)
			case !followed:
				c.fetchBody(ex, resp)
			}
			// Otherwise its body is still on its way among the events.
			st.followed = nil
			return
		}
		st.followed = nil
		defer c.settle(ex)
		if c.opts.CaptureBodies && !resp.Failed {
			if !c.emptyButDeclared(ex, resp, len(body)) {
				c.setBody(resp, body, st.size, isTextMime(resp.MimeType))
			}
		}
	}()
}

func (c *Capture) onEventSource(src api.Source, e *evEventSourceMessage) {
	id := string(e.RequestID)
	if !c.opts.IncludeStreaming || c.skipped[id] {
		return
	}
	ex := c.live[id]
	var rec *api.StreamingResponse
	if ex != nil {
		if ex.stream == nil {
			ex.stream = &streamState{armed: make(chan struct{}), rec: &api.StreamingResponse{
				RequestID: id, URL: ex.req.URL, Kind: "eventsource", Timestamp: c.clock.wall(float64(e.Timestamp)), Source: ex.source,
			}}
			close(ex.stream.armed)
			c.showStream(ex.stream)
		}
		rec = ex.stream.rec
	} else {
		url, capped := c.capped[id]
		if !capped && c.filter.narrowed() {
			// Opened before the capture: its URL is unknown, so a filter
			// cannot say it is wanted.
			return
		}
		rec = c.orphanStream(id, url, src, float64(e.Timestamp))
	}
	if !c.admit(kindStreamItem, len(rec.Messages), itemOverhead+len(e.EventName)+len(e.EventID)) {
		rec.Dropped++
		return
	}
	c.learnBody("", []byte(e.Data))
	m := api.StreamMessage{Timestamp: c.clock.wall(float64(e.Timestamp)), EventName: e.EventName, EventID: e.EventID, Data: e.Data}
	if !c.spend(len(m.Data)) {
		m.Data = ""
		c.dropPayload("stream messages")
	}
	rec.Messages = append(rec.Messages, m)
}

// orphanStream finds or makes the record of an EventSource whose request
// is not held: opened before the capture began (url unknown), or dropped
// at a bound.
func (c *Capture) orphanStream(id, url string, src api.Source, mono float64) *api.StreamingResponse {
	for i := len(c.streams) - 1; i >= 0; i-- {
		if s := c.streams[i]; s.RequestID == id {
			return s
		}
	}
	rec := &api.StreamingResponse{RequestID: id, URL: url, Kind: "eventsource", Timestamp: c.clock.wall(mono), Source: src}
	c.streams = append(c.streams, rec)
	c.charge(itemOverhead*2 + len(id) + len(url))
	return rec
}
