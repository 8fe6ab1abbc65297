package api

import "time"

// Overview is the whole of a capture in a few lines: every request named
// when the rows fit the result, otherwise counts by group and the rows
// worth a look; and each WebSocket and stream summed up.
type Overview struct {
	// Requests names every request of the capture, in order, when they fit.
	Requests []RequestRow `json:"requests,omitempty"`
	// Groups count the requests by host, status class and type, when not
	// every row fits.
	Groups *Groups `json:"groups,omitempty"`
	// Notable are the rows worth a look when not every row fits: failures
	// and error statuses, requests that sent a body, the slowest and the
	// largest.
	Notable []RequestRow `json:"notable,omitempty"`
	// WebSockets sums up each WebSocket connection.
	WebSockets []SocketSummary `json:"webSockets,omitempty"`
	// Streams sums up each EventSource and streamed body.
	Streams []StreamSummary `json:"streams,omitempty"`
	// Unlisted counts the requests, sockets and streams not named above.
	Unlisted *Unlisted `json:"unlisted,omitempty"`
}

// Unlisted counts what an overview does not name.
type Unlisted struct {
	Requests   int `json:"requests,omitempty"`
	WebSockets int `json:"webSockets,omitempty"`
	Streams    int `json:"streams,omitempty"`
}

// RequestRow is one request in a line: enough to pick it out and open it
// with get_request.
type RequestRow struct {
	ID     string `json:"id"`
	Method string `json:"method,omitempty"`
	URL    string `json:"url"`
	// Status is the response's status; 0 when it failed or none came.
	Status int64  `json:"status"`
	Type   string `json:"type,omitempty"`
	// Size is the body's size in bytes when known, else what came over
	// the wire.
	Size int64 `json:"size,omitempty"`
	// Ms is how long the request took, when known.
	Ms float64 `json:"ms,omitempty"`
	// Flags: failed, pending, redirect, partial, cached, serviceWorker,
	// bodyCut (cut at maxBodyBytes), noBody (bodyError says why), sentBody.
	Flags []string `json:"flags,omitempty"`
}

// Groups count a capture's requests by one property at a time.
type Groups struct {
	ByHost   []Group `json:"byHost"`
	ByStatus []Group `json:"byStatus"`
	ByType   []Group `json:"byType"`
}

// Group is one value of a property and the requests that have it.
type Group struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
	// Bytes sums the sizes of the group's requests.
	Bytes int64 `json:"bytes"`
}

// SocketSummary sums up one WebSocket connection.
type SocketSummary struct {
	RequestID string `json:"requestId"`
	URL       string `json:"url"`
	Sent      int    `json:"sent"`
	Received  int    `json:"received"`
	// Bytes sums the payload lengths.
	Bytes  int64         `json:"bytes"`
	Closed bool          `json:"closed,omitempty"`
	First  *FramePreview `json:"first,omitempty"`
	Last   *FramePreview `json:"last,omitempty"`
}

// FramePreview is the start of one WebSocket message.
type FramePreview struct {
	Direction string    `json:"direction"`
	Timestamp time.Time `json:"timestamp"`
	// Payload is the message's start (base64 when Binary); Length is its
	// whole size.
	Payload string `json:"payload"`
	Binary  bool   `json:"binary,omitempty"`
	Length  int    `json:"length"`
}

// StreamSummary sums up one EventSource or streamed body.
type StreamSummary struct {
	RequestID string `json:"requestId"`
	URL       string `json:"url"`
	Kind      string `json:"kind"`
	// Items counts the messages or chunks held.
	Items    int          `json:"items"`
	Bytes    int64        `json:"bytes"`
	Complete bool         `json:"complete"`
	First    *ItemPreview `json:"first,omitempty"`
	Last     *ItemPreview `json:"last,omitempty"`
}

// ItemPreview is the start of one stream message or chunk.
type ItemPreview struct {
	Timestamp time.Time `json:"timestamp"`
	EventName string    `json:"eventName,omitempty"`
	Data      string    `json:"data"`
	Length    int       `json:"length"`
}
