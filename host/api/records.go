package api

import (
	"strings"
	"time"
)

// Request is one HTTP request, one hop of a redirect chain, or the
// handshake of a WebSocket.
type Request struct {
	// RequestID is the browser's id. Hops of a redirect chain share one id
	// in the browser; all but the last carry a ":redirected.N" suffix here
	// so that every record has its own id, as DevTools names them.
	RequestID string            `json:"requestId"`
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Headers   map[string]string `json:"headers"`
	// PostData is the request body when it is text.
	PostData string `json:"postData,omitempty"`
	// PostDataBase64 is the request body when it is binary.
	PostDataBase64    string `json:"postDataBase64,omitempty"`
	PostDataTruncated bool   `json:"postDataTruncated,omitempty"`
	// ResourceType is the browser's: Document, XHR, Fetch, Script, Image,
	// WebSocket, EventSource, …
	ResourceType string     `json:"resourceType"`
	Timestamp    time.Time  `json:"timestamp"`
	FrameID      string     `json:"frameId,omitempty"`
	Initiator    *Initiator `json:"initiator,omitempty"`
	// RedirectedFrom is the URL of the previous hop when this request
	// follows a redirect.
	RedirectedFrom string `json:"redirectedFrom,omitempty"`
	// DocumentURL is the URL of the document the request was made for.
	DocumentURL string `json:"documentURL,omitempty"`
	// Source tells which tab and target (page, iframe, worker) made it.
	Source
	// HeadersRaw is true when Headers are the raw lines sent on the wire
	// (Cookie included), merged from requestWillBeSentExtraInfo.
	HeadersRaw bool `json:"headersRaw,omitempty"`
	// Partial marks a request the capture learned of only by its response:
	// it was under way before the capture began (or before a popup it
	// follows was attached). Its method and timing are unknown.
	Partial bool `json:"partial,omitempty"`
	// BlockedCookies lists cookies the browser did not send, with why.
	BlockedCookies []BlockedCookie `json:"blockedCookies,omitempty"`
	// SentBy is "agent" for a request tabtap sent again from the tab for
	// an agent (send_request), as the person.
	SentBy string `json:"sentBy,omitempty"`
	// Redacted names the places in this record whose values redaction
	// hid, each once ("header:Authorization", "cookie:sid",
	// "query:token", "body:$.access_token"); never the values. The
	// format is stable: docs/records.md, "What was hidden".
	Redacted []string `json:"redacted,omitempty"`
	// ContentOmitted is true when this copy was sent without its content
	// (body, payload, data) to keep a result small, and in the tightest
	// results with its long strings cut and its headers left out;
	// get_request has it whole.
	ContentOmitted bool `json:"contentOmitted,omitempty"`
}

// Initiator says what caused a request.
type Initiator struct {
	// Type is parser, script, preload, preflight, other, …
	Type string `json:"type"`
	URL  string `json:"url,omitempty"`
	// LineNumber is 0-based, for parser and script initiators.
	LineNumber *float64 `json:"lineNumber,omitempty"`
	// RequestID is the request that triggered this one (a preflight's
	// request, say).
	RequestID string `json:"requestId,omitempty"`
}

// Source tells where a record came from.
type Source struct {
	TabID int64 `json:"tabId"`
	// Target is the kind of target: "page" for the tab itself, or
	// "iframe", "worker", "shared_worker", … for a child target.
	Target string `json:"target,omitempty"`
	// TargetID is the DevTools target id of a child target.
	TargetID string `json:"targetId,omitempty"`
}

// Response is a request's outcome: an HTTP response, or a failure.
type Response struct {
	RequestID     string            `json:"requestId"`
	URL           string            `json:"url"`
	Status        int64             `json:"status"`
	StatusText    string            `json:"statusText"`
	Headers       map[string]string `json:"headers"`
	MimeType      string            `json:"mimeType,omitempty"`
	RemoteAddress string            `json:"remoteAddress,omitempty"`
	Protocol      string            `json:"protocol,omitempty"`
	FromCache     bool              `json:"fromCache"`
	// FromServiceWorker is true when a service worker answered.
	FromServiceWorker bool    `json:"fromServiceWorker,omitempty"`
	Timing            *Timing `json:"timing,omitempty"`
	// EncodedDataLength is the bytes received on the wire, headers
	// included, once loading finished.
	EncodedDataLength int64 `json:"encodedDataLength"`
	// Body is the response body when it is text.
	Body string `json:"body,omitempty"`
	// BodyBase64 is the response body when it is binary.
	BodyBase64 string `json:"bodyBase64,omitempty"`
	// BodySize is the decoded body's full size in bytes, when known; for a
	// large text body cut by the extension it is a lower bound (the
	// browser counts its length in UTF-16 units).
	BodySize int64 `json:"bodySize,omitempty"`
	// BodyTruncated is true when the body was cut at maxBodyBytes.
	BodyTruncated bool `json:"bodyTruncated,omitempty"`
	// BodyError says why no body is here when one was expected.
	BodyError string `json:"bodyError,omitempty"`
	// RedirectURL is where a redirect response pointed.
	RedirectURL string    `json:"redirectURL,omitempty"`
	Timestamp   time.Time `json:"timestamp"`
	// Failed marks a request that got no complete response.
	Failed    bool   `json:"failed,omitempty"`
	ErrorText string `json:"errorText,omitempty"`
	Canceled  bool   `json:"canceled,omitempty"`
	// BlockedReason says why the browser blocked the request (CORS,
	// mixed content, a client, …).
	BlockedReason string `json:"blockedReason,omitempty"`
	// HeadersRaw is true when Headers are the raw lines received on the
	// wire (Set-Cookie included), merged from responseReceivedExtraInfo.
	HeadersRaw bool `json:"headersRaw,omitempty"`
	// BlockedCookies lists Set-Cookie lines the browser refused, with why.
	BlockedCookies []BlockedCookie `json:"blockedCookies,omitempty"`
	// WebSocket describes the connection when this is a WebSocket handshake.
	WebSocket *WebSocketState `json:"webSocket,omitempty"`
	// Revalidated is, for a response the browser revalidated (Status and
	// Headers are then the wire's 304 and its headers), the cached copy the
	// page used instead: its status and headers. Body is that copy's.
	Revalidated *CachedResponse `json:"revalidated,omitempty"`
	// Redacted names the places in this record whose values redaction
	// hid, each once ("header:Authorization", "cookie:sid",
	// "query:token", "body:$.access_token"); never the values. The
	// format is stable: docs/records.md, "What was hidden".
	Redacted []string `json:"redacted,omitempty"`
	// ContentOmitted is true when this copy was sent without its content
	// (body, payload, data) to keep a result small, and in the tightest
	// results with its long strings cut and its headers left out;
	// get_request has it whole.
	ContentOmitted bool `json:"contentOmitted,omitempty"`
	Source
}

// CachedResponse is the browser's cached copy of a response, as the page
// used it after the server answered 304 Not Modified.
type CachedResponse struct {
	Status     int64             `json:"status"`
	StatusText string            `json:"statusText"`
	Headers    map[string]string `json:"headers"`
}

// BlockedCookie is a cookie the browser would not send or store.
type BlockedCookie struct {
	Name    string   `json:"name,omitempty"`
	Line    string   `json:"line,omitempty"`
	Reasons []string `json:"reasons"`
}

// WebSocketState is what happened to a WebSocket after its handshake.
type WebSocketState struct {
	Closed   bool       `json:"closed"`
	ClosedAt *time.Time `json:"closedAt,omitempty"`
	// Errors are the frame errors the browser reported.
	Errors []WebSocketError `json:"errors,omitempty"`
}

// WebSocketError is one frame error.
type WebSocketError struct {
	Timestamp time.Time `json:"timestamp"`
	Message   string    `json:"message"`
}

// Timing splits a request's time into phases, in milliseconds, in the
// manner of HAR: -1 when a phase did not apply (no DNS lookup on a reused
// connection, say).
type Timing struct {
	// Blocked is time spent queued before the request could start.
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	// Connect includes SSL.
	Connect float64 `json:"connect"`
	SSL     float64 `json:"ssl"`
	Send    float64 `json:"send"`
	// Wait is the time to the response's headers.
	Wait float64 `json:"wait"`
	// Receive is the time to read the body, once loading finished.
	Receive float64 `json:"receive"`
	// Total runs from the request's start to the end of loading (or to the
	// headers when loading has not finished).
	Total float64 `json:"total"`
}

// WSFrame is one WebSocket message.
type WSFrame struct {
	RequestID string `json:"requestId"`
	URL       string `json:"url"`
	// Direction is "sent" or "received".
	Direction string `json:"direction"`
	// Opcode is 1 for text, 2 for binary, 8 close, 9 ping, 10 pong.
	Opcode int `json:"opcode"`
	// Payload is the text, or base64 when Binary.
	Payload string `json:"payload"`
	Binary  bool   `json:"binary,omitempty"`
	// Length is the payload's size in bytes, before any cut.
	Length    int       `json:"length"`
	Truncated bool      `json:"truncated,omitempty"`
	Timestamp time.Time `json:"timestamp"`
	// Redacted names the places in this record whose values redaction
	// hid, each once ("header:Authorization", "cookie:sid",
	// "query:token", "body:$.access_token"); never the values. The
	// format is stable: docs/records.md, "What was hidden".
	Redacted []string `json:"redacted,omitempty"`
	// ContentOmitted is true when this copy was sent without its content
	// (body, payload, data) to keep a result small, and in the tightest
	// results with its long strings cut and its headers left out;
	// get_request has it whole.
	ContentOmitted bool `json:"contentOmitted,omitempty"`
	Source
}

// StreamingResponse is a response read as it arrives: an EventSource, or a
// body streamed in chunks.
type StreamingResponse struct {
	RequestID string `json:"requestId"`
	URL       string `json:"url"`
	// Kind is "eventsource" or "chunked".
	Kind string `json:"kind"`
	// Messages are an EventSource's events, in order.
	Messages []StreamMessage `json:"messages,omitempty"`
	// Chunks are a streamed body's pieces, in order.
	Chunks []StreamChunk `json:"chunks,omitempty"`
	// Complete is true once the stream ended.
	Complete bool `json:"complete"`
	// Dropped counts messages or chunks left out to keep memory bounded.
	Dropped   int       `json:"dropped,omitempty"`
	Timestamp time.Time `json:"timestamp"`
	// Redacted names the places in this record whose values redaction
	// hid, each once ("header:Authorization", "cookie:sid",
	// "query:token", "body:$.access_token"); never the values. The
	// format is stable: docs/records.md, "What was hidden".
	Redacted []string `json:"redacted,omitempty"`
	// ContentOmitted is true when this copy was sent without its content
	// (body, payload, data) to keep a result small, and in the tightest
	// results with its long strings cut and its headers left out;
	// get_request has it whole.
	ContentOmitted bool `json:"contentOmitted,omitempty"`
	Source
}

// StreamMessage is one EventSource event.
type StreamMessage struct {
	Timestamp time.Time `json:"timestamp"`
	EventName string    `json:"eventName"`
	EventID   string    `json:"eventId"`
	Data      string    `json:"data"`
}

// StreamChunk is one piece of a streamed body.
type StreamChunk struct {
	Timestamp time.Time `json:"timestamp"`
	// Data is the chunk as text, or DataBase64 when it is not UTF-8.
	Data       string `json:"data,omitempty"`
	DataBase64 string `json:"dataBase64,omitempty"`
	// Length is the chunk's decoded size in bytes.
	Length int `json:"length"`
}

// Data is everything a capture holds, in the order it happened.
type Data struct {
	Requests           []Request           `json:"requests"`
	Responses          []Response          `json:"responses"`
	WSFrames           []WSFrame           `json:"wsFrames"`
	StreamingResponses []StreamingResponse `json:"streamingResponses"`
}

// EmptyData is Data with every list empty rather than nil, as results show
// it.
func EmptyData() *Data {
	return &Data{Requests: []Request{}, Responses: []Response{}, WSFrames: []WSFrame{}, StreamingResponses: []StreamingResponse{}}
}

// Summary counts what a capture holds.
type Summary struct {
	TotalRequests      int `json:"totalRequests"`
	TotalResponses     int `json:"totalResponses"`
	TotalWsFrames      int `json:"totalWsFrames"`
	StreamingResponses int `json:"streamingResponses"`
}

// Dropped counts what a capture left out to stay within its limits, and
// why. Nothing is dropped without being counted here, and nothing is
// counted twice: for requests and for frames, what the capture holds plus
// what it dropped is what the page sent and received.
type Dropped struct {
	// Requests not recorded because maxEntries was reached or the byte
	// budget (maxTotalBytes) was spent. Each hop of a redirect chain
	// counts as one request.
	Requests int `json:"requests"`
	// WSFrames not recorded because maxEntries frames were held or the
	// byte budget was spent.
	WSFrames int `json:"wsFrames"`
	// StreamItems are EventSource messages and body chunks not recorded.
	StreamItems int `json:"streamItems"`
	// Bodies not kept because the capture's byte budget was spent; their
	// responses are kept and say so in bodyError.
	Bodies int `json:"bodies"`
	// Payloads are WebSocket payloads and stream contents not kept
	// because the byte budget was spent; their frames (marked truncated)
	// and stream items are kept.
	Payloads int `json:"payloads"`
	// Events the extension could not forward (too large for a message).
	Events int `json:"events"`
	// Targets are iframes, workers (or a tab's children as a whole) the
	// browser refused to capture: their traffic is missing.
	Targets int `json:"targets"`
	// Undrained are targets (a tab, an iframe, a worker) whose events
	// still on their way at the stop could not be waited for (the tab was
	// gone, the browser did not answer in time): some of what they sent
	// just before the stop may be missing.
	Undrained int `json:"undrained,omitempty"`
	// Reasons says which limits were hit, for a person.
	Reasons []string `json:"reasons,omitempty"`
}

// Total is the number of things dropped.
func (d Dropped) Total() int {
	return d.Requests + d.WSFrames + d.StreamItems + d.Bodies + d.Payloads + d.Events + d.Targets + d.Undrained
}

// Redactions counts what redaction hid in a capture's records.
type Redactions struct {
	// Records is how many records had something hidden.
	Records int `json:"records"`
	// Places counts, for each place (as records name them in redacted),
	// the records it was hidden in: the 64 most frequent places.
	Places map[string]int `json:"places"`
	// OtherPlaces sums the counts of the places left out of Places.
	OtherPlaces int `json:"otherPlaces,omitempty"`
}

// Exchange is a request with its response; either may be missing (a
// request still under way, a response whose request the capture did not
// see).
type Exchange struct {
	Request  *Request
	Response *Response
}

// ID is the exchange's request id.
func (x Exchange) ID() string {
	if x.Request != nil {
		return x.Request.RequestID
	}
	return x.Response.RequestID
}

// URL is the exchange's URL.
func (x Exchange) URL() string {
	if x.Request != nil {
		return x.Request.URL
	}
	return x.Response.URL
}

// Exchanges joins d's requests with their responses by request id (the
// first response of an id), in the requests' order, then the responses
// whose request d does not hold, in theirs. The pointers are into d.
func (d *Data) Exchanges() []Exchange {
	resp := make(map[string]*Response, len(d.Responses))
	for i := range d.Responses {
		if _, dup := resp[d.Responses[i].RequestID]; !dup {
			resp[d.Responses[i].RequestID] = &d.Responses[i]
		}
	}
	out := make([]Exchange, 0, len(d.Requests))
	for i := range d.Requests {
		q := &d.Requests[i]
		out = append(out, Exchange{Request: q, Response: resp[q.RequestID]})
		delete(resp, q.RequestID)
	}
	for i := range d.Responses {
		if p := &d.Responses[i]; resp[p.RequestID] == p {
			out = append(out, Exchange{Response: p})
		}
	}
	return out
}

// BaseID is a record id without its redirect suffix (":redirected.N"):
// the browser's id, which the hops of a redirect chain share.
func BaseID(id string) string {
	base, _, _ := strings.Cut(id, ":")
	return base
}
