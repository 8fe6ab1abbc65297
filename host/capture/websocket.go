package capture

import (
	"encoding/base64"
	"strings"
	"unsafe"

	"github.com/tabtap/tabtap/host/api"
)

// WebSocket connections are recorded as a request (the handshake), a
// response (status 101 and headers, plus the connection's errors and
// close) and their frames. Frames of a socket opened before the capture
// began are kept too, with an empty URL.

func (c *Capture) onWebSocketCreated(src api.Source, e *evWebSocketCreated) {
	if c.secrets != nil {
		c.secrets.LearnURL(e.URL)
	}
	id := string(e.RequestID)
	if !c.filter.keep(e.URL, "WebSocket", "GET", false) {
		c.skip(id)
		return
	}
	if c.live[id] != nil || c.capped[id] != "" {
		return
	}
	ex := &exchange{id: id, source: src}
	ex.req = &api.Request{
		RequestID: id, URL: e.URL, Method: "GET", Headers: map[string]string{},
		ResourceType: "WebSocket", Timestamp: c.clock.wall(0), Source: src,
	}
	if in := e.Initiator; in != nil {
		ex.req.Initiator = &api.Initiator{Type: string(in.Type), URL: in.URL}
	}
	if !c.admit(kindRequest, len(c.requests), exchangeCost(ex.req)) {
		// The handshake is counted as dropped; the socket's frames are
		// still kept, under their own bound.
		c.keepURL(id, e.URL)
		return
	}
	c.live[id] = ex
	c.requests = append(c.requests, ex.req)
}

// skip remembers a socket left out by the filter so that its frames are
// not kept as those of an unknown socket.
func (c *Capture) skip(id string) {
	if len(c.skipped) >= 4096 {
		return
	}
	c.skipped[id] = true
}

func (c *Capture) onWebSocketHandshake(e *evWebSocketHandshake) {
	ex := c.live[e.RequestID]
	if ex == nil || ex.req == nil {
		return
	}
	c.clock.learn(e.Timestamp, e.WallTime)
	ex.req.Timestamp = c.clock.wall(e.Timestamp)
	if e.Request != nil {
		ex.req.Headers = orNone(e.Request.Headers)
		c.learnHeaders(ex.req.Headers)
	}
}

func (c *Capture) onWebSocketResponse(e *evWebSocketResponse) {
	ex := c.live[e.RequestID]
	if ex == nil || e.Response == nil || ex.resp != nil {
		return
	}
	headers := orNone(e.Response.Headers)
	c.learnHeaders(headers)
	ex.resp = &api.Response{
		RequestID: ex.id, URL: ex.req.URL,
		Status: e.Response.Status, StatusText: e.Response.StatusText,
		Headers:   headers,
		Timestamp: c.clock.wall(e.Timestamp),
		WebSocket: &api.WebSocketState{},
		Source:    ex.source,
	}
	c.responses = append(c.responses, ex.resp)
	c.charge(responseCost(ex.resp) - responseOverhead)
}

// socket returns the record of a WebSocket's handshake response, creating
// it for a socket whose handshake did not complete.
func (c *Capture) socket(ex *exchange) *api.WebSocketState {
	if ex.resp == nil {
		ex.resp = &api.Response{RequestID: ex.id, URL: ex.req.URL, Headers: map[string]string{}, Source: ex.source}
		c.responses = append(c.responses, ex.resp)
	}
	if ex.resp.WebSocket == nil {
		ex.resp.WebSocket = &api.WebSocketState{}
	}
	return ex.resp.WebSocket
}

// evWebSocketFrame is webSocketFrameSent or webSocketFrameReceived as the
// capture reads it, the commonest event under load: plain fields, so that
// it decodes in one pass, and the payload as the browser wrote it (UTF-8
// text, or base64 for other opcodes), not decoded and encoded again as
// cdproto's WebSocketFrame would.
type evWebSocketFrame struct {
	RequestID string  `json:"requestId"`
	Timestamp float64 `json:"timestamp"`
	Response  *struct {
		Opcode      float64 `json:"opcode"`
		PayloadData string  `json:"payloadData"`
	} `json:"response"`
}

func (c *Capture) onFrame(src api.Source, dir string, e *evWebSocketFrame) {
	id := e.RequestID
	if !c.opts.IncludeWebSocket || c.skipped[id] || e.Response == nil {
		return
	}
	url := ""
	if ex := c.live[id]; ex != nil {
		url, src = ex.req.URL, ex.source
	} else if u := c.capped[id]; u != "" {
		url = u
	} else if c.filter.narrowed() {
		// A socket opened before the capture: its URL is unknown, so a
		// filter cannot say it is wanted.
		return
	}
	if !c.admit(kindFrame, c.frames.len, frameOverhead) {
		return
	}
	f := api.WSFrame{
		RequestID: id, URL: url, Direction: dir, Opcode: int(e.Response.Opcode),
		Timestamp: c.clock.wall(e.Timestamp), Source: src,
	}
	payload := e.Response.PayloadData
	if f.Opcode == 1 {
		f.Length = len(payload)
		if len(payload) > c.opts.MaxBodyBytes {
			// Cut, and never inside a character.
			payload, f.Truncated = strings.ToValidUTF8(payload[:c.opts.MaxBodyBytes], ""), true
		}
		c.learnBody("", unsafe.Slice(unsafe.StringData(payload), len(payload)))
		f.Payload = payload
	} else {
		b, err := base64.StdEncoding.DecodeString(payload)
		if err != nil {
			c.log.Debug("ignoring a frame whose payload is not base64", "request", id, "err", err)
			return
		}
		f.Length, f.Binary = len(b), true
		if len(b) > c.opts.MaxBodyBytes {
			payload, f.Truncated = base64.StdEncoding.EncodeToString(b[:c.opts.MaxBodyBytes]), true
		}
		f.Payload = payload
	}
	if !c.spend(len(f.Payload)) {
		f.Payload, f.Truncated = "", true
		c.dropPayload("WebSocket payloads")
	}
	c.frames.add(&f)
}

func (c *Capture) onFrameError(e *evWebSocketFrameError) {
	ex := c.live[string(e.RequestID)]
	if ex == nil {
		return
	}
	ws := c.socket(ex)
	if len(ws.Errors) < 100 {
		ws.Errors = append(ws.Errors, api.WebSocketError{Timestamp: c.clock.wall(float64(e.Timestamp)), Message: e.ErrorMessage})
	}
}

func (c *Capture) onWebSocketClosed(e *evWebSocketClosed) {
	id := string(e.RequestID)
	ex := c.live[id]
	if ex == nil {
		delete(c.capped, id)
		return
	}
	c.finish(ex)
	ws := c.socket(ex)
	at := c.clock.wall(float64(e.Timestamp))
	ws.Closed, ws.ClosedAt = true, &at
	c.settle(ex)
}
