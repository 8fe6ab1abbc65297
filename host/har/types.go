package har

import "encoding/json"

// The HAR 1.2 types, as the specification
// (http://www.softwareishard.com/blog/har-12-spec/) names them. Required
// fields are never omitted: slices a field requires are written as [] when
// nil, numbers HAR allows to be unknown hold -1. Optional fields are
// omitted when empty. Fields named with a leading underscore are custom
// fields, as the specification allows; most are the ones Chrome DevTools
// writes.

// Version is the HAR version this package writes.
const Version = "1.2"

// HAR is an HTTP Archive document: its only member is the log.
type HAR struct {
	Log Log `json:"log"`
}

// Log is the root of the exported data.
type Log struct {
	// Version is the HAR format's version, "1.2".
	Version string `json:"version"`
	// Creator is the application that wrote the log.
	Creator Creator `json:"creator"`
	// Browser is the browser the traffic came from, when known.
	Browser *Browser `json:"browser,omitempty"`
	// Pages are the pages the entries belong to: one per captured tab.
	Pages []Page `json:"pages"`
	// Entries are the exported requests, in the order they started.
	Entries []Entry `json:"entries"`
	Comment string  `json:"comment,omitempty"`
}

// MarshalJSON writes nil Pages and Entries as empty arrays.
func (l Log) MarshalJSON() ([]byte, error) {
	type plain Log
	p := plain(l)
	if p.Pages == nil {
		p.Pages = []Page{}
	}
	if p.Entries == nil {
		p.Entries = []Entry{}
	}
	return json.Marshal(p)
}

// Creator names the application that wrote the log.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Comment string `json:"comment,omitempty"`
}

// Browser names the browser the traffic came from.
type Browser struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Comment string `json:"comment,omitempty"`
}

// Page is one page (here: one browser tab) of the log.
type Page struct {
	// StartedDateTime is when the page started loading (RFC 3339).
	StartedDateTime string `json:"startedDateTime"`
	// ID is unique among the log's pages; entries refer to it by pageref.
	ID string `json:"id"`
	// Title is the page's title; DevTools writes the page's URL.
	Title       string      `json:"title"`
	PageTimings PageTimings `json:"pageTimings"`
	Comment     string      `json:"comment,omitempty"`
	// TabID is the browser's id of the tab (custom field).
	TabID int64 `json:"_tabId"`
}

// PageTimings are the page's load events, in milliseconds since its
// StartedDateTime, or -1 when not known.
type PageTimings struct {
	OnContentLoad float64 `json:"onContentLoad"`
	OnLoad        float64 `json:"onLoad"`
	Comment       string  `json:"comment,omitempty"`
}

// Entry is one exported request: its request, response, and timings.
type Entry struct {
	// Pageref is the ID of the page the entry belongs to.
	Pageref string `json:"pageref,omitempty"`
	// StartedDateTime is when the request started (RFC 3339).
	StartedDateTime string `json:"startedDateTime"`
	// Time is the entry's total time in milliseconds: the sum of its
	// non-negative timings (SSL excluded, as it is part of connect).
	Time     float64  `json:"time"`
	Request  Request  `json:"request"`
	Response Response `json:"response"`
	Cache    Cache    `json:"cache"`
	Timings  Timings  `json:"timings"`
	// ServerIPAddress is the server's IP address, without port or
	// brackets.
	ServerIPAddress string `json:"serverIPAddress,omitempty"`
	// Connection is an id of the TCP/IP connection.
	Connection string `json:"connection,omitempty"`
	Comment    string `json:"comment,omitempty"`

	// ResourceType is the browser's resource type in lower case, as
	// DevTools writes it: "document", "xhr", "fetch", "websocket", …
	ResourceType string `json:"_resourceType,omitempty"`
	// Initiator says what caused the request.
	Initiator *Initiator `json:"_initiator,omitempty"`
	// FromCache is "disk" or "memory" when the response came from the
	// browser's cache.
	FromCache string `json:"_fromCache,omitempty"`
	// WebSocketMessages are a WebSocket's frames, in order, as DevTools
	// writes them. Present (possibly empty) for every WebSocket entry.
	WebSocketMessages []WebSocketMessage `json:"_webSocketMessages,omitzero"`
	// EventSourceMessages are an EventSource's events, in order.
	EventSourceMessages []EventSourceMessage `json:"_eventSourceMessages,omitzero"`
	// Chunks are the pieces of a body read as a stream, in order.
	Chunks []Chunk `json:"_chunks,omitzero"`
	// TabID is the browser's id of the tab that made the request.
	TabID int64 `json:"_tabId"`
	// Target is the kind of target that made it: "page", "iframe",
	// "worker", …
	Target string `json:"_target,omitempty"`
	// RequestID is tabtap's id of the request (get_request takes it).
	RequestID string `json:"_requestId,omitempty"`
}

// Request is an entry's request.
type Request struct {
	Method string `json:"method"`
	// URL is the absolute URL, without its fragment.
	URL string `json:"url"`
	// HTTPVersion is the protocol as DevTools writes it: "http/1.1",
	// "http/2.0", "h3", …
	HTTPVersion string    `json:"httpVersion"`
	Cookies     []Cookie  `json:"cookies"`
	Headers     []Header  `json:"headers"`
	QueryString []Query   `json:"queryString"`
	PostData    *PostData `json:"postData,omitempty"`
	HeadersSize int64     `json:"headersSize"`
	BodySize    int64     `json:"bodySize"`
	Comment     string    `json:"comment,omitempty"`
	// Redacted names the places of the request whose values redaction
	// hid, as the capture's records do.
	Redacted []string `json:"_redacted,omitempty"`
}

// MarshalJSON writes nil Cookies, Headers and QueryString as empty arrays.
func (r Request) MarshalJSON() ([]byte, error) {
	type plain Request
	p := plain(r)
	if p.Cookies == nil {
		p.Cookies = []Cookie{}
	}
	if p.Headers == nil {
		p.Headers = []Header{}
	}
	if p.QueryString == nil {
		p.QueryString = []Query{}
	}
	return json.Marshal(p)
}

// Response is an entry's response. A request that got none has status 0
// and says why in Error.
type Response struct {
	Status      int64    `json:"status"`
	StatusText  string   `json:"statusText"`
	HTTPVersion string   `json:"httpVersion"`
	Cookies     []Cookie `json:"cookies"`
	Headers     []Header `json:"headers"`
	Content     Content  `json:"content"`
	// RedirectURL is the target of a redirect, "" when none.
	RedirectURL string `json:"redirectURL"`
	HeadersSize int64  `json:"headersSize"`
	// BodySize is the size of the body as received, 0 for a response
	// from the cache or a 304, -1 when not known.
	BodySize int64  `json:"bodySize"`
	Comment  string `json:"comment,omitempty"`

	// TransferSize is the bytes received on the wire, headers included
	// (DevTools' custom field).
	TransferSize int64 `json:"_transferSize"`
	// Error is why the request failed or got no response, as DevTools
	// writes it (net::ERR_…).
	Error string `json:"_error,omitempty"`
	// BlockedReason says why the browser blocked the request.
	BlockedReason string `json:"_blockedReason,omitempty"`
	// FetchedViaServiceWorker is true when a service worker answered.
	FetchedViaServiceWorker bool `json:"_fetchedViaServiceWorker,omitempty"`
	// Revalidated is the network's answer when the browser revalidated
	// its cached copy: the server's 304 Not Modified and its headers. The
	// status, headers and content above are then the cached copy's, which
	// the page used.
	Revalidated *Revalidation `json:"_revalidated,omitempty"`
	// Redacted names the places of the response (and its stream) whose
	// values redaction hid, as the capture's records do.
	Redacted []string `json:"_redacted,omitempty"`
}

// Revalidation is the network's answer to a revalidation.
type Revalidation struct {
	Status     int64    `json:"status"`
	StatusText string   `json:"statusText"`
	Headers    []Header `json:"headers"`
}

// MarshalJSON writes nil Cookies and Headers as empty arrays.
func (r Response) MarshalJSON() ([]byte, error) {
	type plain Response
	p := plain(r)
	if p.Cookies == nil {
		p.Cookies = []Cookie{}
	}
	if p.Headers == nil {
		p.Headers = []Header{}
	}
	return json.Marshal(p)
}

// Cookie is a cookie sent (from a Cookie header) or set (from a
// Set-Cookie header).
type Cookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Path  string `json:"path,omitempty"`
	// Domain is the cookie's domain attribute.
	Domain string `json:"domain,omitempty"`
	// Expires is when the cookie expires (RFC 3339).
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
	// SameSite is the SameSite attribute, as DevTools writes it.
	SameSite string `json:"sameSite,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// Header is one header line; a header sent several times appears once
// per value.
type Header struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Comment string `json:"comment,omitempty"`
}

// Query is one parameter of a URL's query string, as it appears in the
// URL (not percent-decoded, as DevTools writes it).
type Query struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Comment string `json:"comment,omitempty"`
}

// PostData is a request's body.
type PostData struct {
	// MimeType is the request's Content-Type.
	MimeType string `json:"mimeType"`
	// Params are the parameters of a URL-encoded form body, as they
	// appear in it (DevTools writes them beside Text).
	Params []Param `json:"params,omitempty"`
	// Text is the body: as text, or base64 when Encoding is "base64".
	Text string `json:"text"`
	// Encoding is "base64" when the body was binary and Text holds its
	// base64. HAR 1.2 defines encoding for response content only; it is
	// the name HAR readers and writers (google/martian, the format's
	// proposed 1.3) use for request bodies too, and the JSON Schema of
	// HAR 1.2 allows it.
	Encoding string `json:"encoding,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// Param is one posted parameter.
type Param struct {
	Name        string `json:"name"`
	Value       string `json:"value"`
	FileName    string `json:"fileName,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Comment     string `json:"comment,omitempty"`
}

// Content is a response's body.
type Content struct {
	// Size is the body's length in bytes once decoded, 0 when it had
	// none.
	Size int64 `json:"size"`
	// Compression is the bytes saved by compression, when known.
	Compression *int64 `json:"compression,omitempty"`
	// MimeType is the response's MIME type, "x-unknown" when none.
	MimeType string `json:"mimeType"`
	// Text is the body: as text, or base64 when Encoding is "base64".
	Text string `json:"text,omitempty"`
	// Encoding is "base64" when Text holds a binary body's base64.
	Encoding string `json:"encoding,omitempty"`
	// Comment says when the body is cut or missing, and why.
	Comment string `json:"comment,omitempty"`
}

// Cache is what the browser's cache held before and after the request.
// tabtap does not know it and writes {}.
type Cache struct {
	BeforeRequest *CacheState `json:"beforeRequest,omitempty"`
	AfterRequest  *CacheState `json:"afterRequest,omitempty"`
	Comment       string      `json:"comment,omitempty"`
}

// CacheState is a cache entry's state.
type CacheState struct {
	Expires    string `json:"expires,omitempty"`
	LastAccess string `json:"lastAccess"`
	ETag       string `json:"eTag"`
	HitCount   int64  `json:"hitCount"`
	Comment    string `json:"comment,omitempty"`
}

// Timings split an entry's time into phases, in milliseconds. Blocked,
// DNS, Connect and SSL are -1 when they did not apply; Send, Wait and
// Receive are never negative. Connect includes SSL.
type Timings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	SSL     float64 `json:"ssl"`
	Comment string  `json:"comment,omitempty"`
}

// Initiator says what caused a request, as DevTools writes it.
type Initiator struct {
	// Type is parser, script, preload, preflight, other, …
	Type string `json:"type"`
	URL  string `json:"url,omitempty"`
	// LineNumber is 0-based.
	LineNumber *float64 `json:"lineNumber,omitempty"`
	// RequestID is the request that caused this one.
	RequestID string `json:"requestId,omitempty"`
}

// WebSocketMessage is one WebSocket frame, as DevTools writes it.
type WebSocketMessage struct {
	// Type is "send" or "receive".
	Type string `json:"type"`
	// Time is when the frame was sent or received, in seconds since the
	// epoch.
	Time float64 `json:"time"`
	// Opcode is 1 for text, 2 for binary, 8 close, 9 ping, 10 pong.
	Opcode int `json:"opcode"`
	// Data is the payload: text, or base64 for a binary frame.
	Data string `json:"data"`
	// Redacted names the places of the payload whose values redaction
	// hid.
	Redacted []string `json:"_redacted,omitempty"`
}

// EventSourceMessage is one EventSource event.
type EventSourceMessage struct {
	// Time is when it arrived, in seconds since the epoch.
	Time      float64 `json:"time"`
	EventName string  `json:"eventName"`
	EventID   string  `json:"eventId"`
	Data      string  `json:"data"`
}

// Chunk is one piece of a body read as a stream.
type Chunk struct {
	// Time is when it arrived, in seconds since the epoch.
	Time float64 `json:"time"`
	// Size is its length in bytes.
	Size int `json:"size"`
	// Data is the piece: text, or base64 when Encoding is "base64".
	Data     string `json:"data"`
	Encoding string `json:"encoding,omitempty"`
}
