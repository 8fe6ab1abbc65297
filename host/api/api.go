// Package api holds the arguments and results of the daemon's operations:
// the MCP tools of the outside contract, which `tabtap mcp` forwards to the
// daemons over the link. One type per tool argument list and per result, so
// the MCP schemas, the link and the daemon agree by construction.
package api

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/tabtap/tabtap/host/rpc"
)

// The operations, named as the MCP tools are.
const (
	ListTabs          = "list_tabs"
	InitializeSession = "initialize_session"
	StartCapture      = "start_network_capture"
	CaptureStatus     = "get_network_capture_status"
	StopCapture       = "stop_network_capture"
	ClearCapture      = "clear_network_capture"
	ListCaptures      = "list_captures"
	CloseSession      = "close_session"
	GetCaptureData    = "get_network_capture_data"
	GetRequest        = "get_request"
	WaitForRequest    = "wait_for_request"
	SearchCapture     = "search_network_capture"
	DescribeAPI       = "describe_api"
	// ReadCapture is not a tool: it serves the captures as MCP resources.
	ReadCapture = "read_capture"

	// ActiveTab is an operation of the link that no MCP tool has: the
	// daemon's active tab and when its window last had the focus, so that
	// initialize_session without arguments picks, among several browsers,
	// the one the person used last. Result: ActiveTabResult.
	ActiveTab = "active_tab"
)

// Error codes, so that a caller can tell kinds of failure apart. Once
// published a code is never renamed or reused.
const (
	CodeInvalid   = rpc.CodeInvalidArgument
	CodeNotFound  = "not_found"
	CodeConflict  = "conflict"
	CodeBrowser   = "browser"
	CodeNoBrowser = "no_browser"
	CodeInternal  = rpc.CodeInternal
	// CodeVersionMismatch: two parts of tabtap speak different versions
	// (the browser's extension and its daemon, or the daemon and `tabtap
	// mcp`); the message says which part to update or restart.
	CodeVersionMismatch = "version_mismatch"
	// CodeForbidden: the person's settings in the extension do not allow
	// it; only the person can change that.
	CodeForbidden = "forbidden"
)

// Error is an operation's failure, with a message written for a person:
// the one error type of both links (rpc.Error).
type Error = rpc.Error

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error { return rpc.Errorf(code, format, args...) }

// CodeOf returns the code of an *Error in err's chain, or CodeInternal.
func CodeOf(err error) string { return rpc.CodeOf(err) }

// Encode writes v as JSON for people and files: without the HTML escaping
// of encoding/json (a body's "<" stays "<"), indented when asked.
func Encode(v any, indent bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", " ")
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// None is the argument list of a tool that takes no arguments.
type None struct{}

// SessionArgs name a session.
type SessionArgs struct {
	SessionID string `json:"sessionId"`
}

// Tab is a browser tab.
type Tab struct {
	TabID    int64  `json:"tabId"`
	WindowID int64  `json:"windowId"`
	Title    string `json:"title"`
	URL      string `json:"url"`
	Active   bool   `json:"active"`
	// Browser is the label of the browser profile the tab lives in.
	Browser string `json:"browser"`
	// SessionID is set when a capture of this tab is running.
	SessionID string `json:"sessionId,omitempty"`
}

// ListTabsResult is list_tabs' result.
type ListTabsResult struct {
	Tabs []Tab `json:"tabs"`
	// Browsers lists the connected browser profiles.
	Browsers []string `json:"browsers"`
	// Unreachable lists browsers that are registered but did not answer,
	// each with why.
	Unreachable []string `json:"unreachable,omitempty"`
	// Unlisted counts tabs left out to keep the result small.
	Unlisted int `json:"unlisted,omitempty"`
}

// ActiveTabResult is the active_tab operation's result.
type ActiveTabResult struct {
	// Tab is the active tab of the browser's last focused window.
	Tab Tab `json:"tab"`
	// FocusedAt is when that window last had the focus (about now while it
	// has it); zero when the browser cannot say.
	FocusedAt time.Time `json:"focusedAt"`
}

// InitializeSessionArgs choose a tab.
type InitializeSessionArgs struct {
	TabID   *int64 `json:"tabId,omitempty"`
	URL     string `json:"url,omitempty"`
	Browser string `json:"browser,omitempty"`
}

// Session is a chosen tab.
type Session struct {
	SessionID string `json:"sessionId"`
	TabID     int64  `json:"tabId"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Browser   string `json:"browser"`
}

// StartCaptureArgs start a capture in a session.
type StartCaptureArgs struct {
	SessionID string `json:"sessionId"`
	Settings
}

// StartCaptureResult says what was started.
type StartCaptureResult struct {
	SessionID string    `json:"sessionId"`
	CaptureID string    `json:"captureId"`
	TabID     int64     `json:"tabId"`
	StartTime time.Time `json:"startTime"`
	Options   Options   `json:"options"`
	// PreviousCaptureID is the session's capture before this one: it stays
	// readable with captureId.
	PreviousCaptureID string `json:"previousCaptureId,omitempty"`
}

// Stats are the counts of get_network_capture_status (currentStats),
// named as the reference tool family names them (see Settings).
type Stats struct {
	Requests           int `json:"requests"`
	Responses          int `json:"responses"`
	WSFrames           int `json:"wsFrames"`
	StreamingResponses int `json:"streamingResponses"`
}

// StatsOf gives a summary's counts the names of Stats.
func StatsOf(s Summary) Stats {
	return Stats{Requests: s.TotalRequests, Responses: s.TotalResponses, WSFrames: s.TotalWsFrames, StreamingResponses: s.StreamingResponses}
}

// StatusResult is get_network_capture_status' result.
type StatusResult struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId,omitempty"`
	// Status is "active" while capturing, "stopped" after, "inactive" when
	// the session never captured.
	Status       string     `json:"status"`
	StartTime    *time.Time `json:"startTime,omitempty"`
	EndTime      *time.Time `json:"endTime,omitempty"`
	Duration     int64      `json:"duration"`
	CurrentStats Stats      `json:"currentStats"`
	Options      *Options   `json:"options,omitempty"`
	BytesHeld    int64      `json:"bytesHeld"`
	Dropped      Dropped    `json:"dropped"`
	EndReason    string     `json:"endReason,omitempty"`
	Tab          TabState   `json:"tab"`
}

// TabState is what became of a session's tab.
type TabState struct {
	TabID int64 `json:"tabId"`
	// Attached is true while the debugger is attached to it.
	Attached bool `json:"attached"`
	// Closed is true once the tab was closed.
	Closed bool `json:"closed"`
	// FollowedTabs are popups and new tabs brought into the capture.
	FollowedTabs []int64 `json:"followedTabs,omitempty"`
}

// StopCaptureArgs stop a capture and choose how to return it.
type StopCaptureArgs struct {
	SessionID string `json:"sessionId"`
	// CaptureID picks one of the session's captures; the latest by default.
	CaptureID string `json:"captureId,omitempty"`
	// Format is json (the default) or har.
	Format string `json:"format,omitempty"`
	// OutputPath, when set, receives the whole capture as a new file.
	OutputPath string `json:"outputPath,omitempty"`
	// Overwrite lets OutputPath replace an existing file.
	Overwrite bool `json:"overwrite,omitempty"`
	// MaxResultBytes bounds the result, text and structured content
	// together (ResultBytes).
	MaxResultBytes *int `json:"maxResultBytes,omitempty"`
}

// StopResult is stop_network_capture's result: the true totals, an
// overview of everything, and the records that fit the result's budget.
type StopResult struct {
	SessionID string    `json:"sessionId"`
	CaptureID string    `json:"captureId"`
	Duration  int64     `json:"duration"`
	StartTime time.Time `json:"startTime"`
	EndTime   time.Time `json:"endTime"`
	Summary   Summary   `json:"summary"`
	Options   Options   `json:"options"`
	Format    string    `json:"format"`
	Dropped   Dropped   `json:"dropped,omitzero"`
	EndReason string    `json:"endReason,omitempty"`
	// Redacted counts what redaction hid in the capture's records (each
	// record's redacted says where); absent when nothing was hidden.
	Redacted *Redactions `json:"redacted,omitempty"`
	// Overview names every request, or groups them with the notable ones
	// when they are too many, and sums up each WebSocket and stream.
	Overview *Overview `json:"overview,omitempty"`
	// Data holds the records that fit, whole or with their content left
	// out (contentOmitted); absent when the capture went to a file.
	Data *Data `json:"data,omitempty"`
	// HAR is the HAR 1.2 document ({log: …}) of the records that fit, when
	// format is har; data is then left out.
	HAR any `json:"har,omitempty"`
	// OutputPath is the file the whole capture was written to.
	OutputPath string `json:"outputPath,omitempty"`
	// BytesWritten is that file's size.
	BytesWritten int64 `json:"bytesWritten,omitempty"`
	// Truncated says what the result leaves out and how to read it.
	Truncated *Truncation `json:"truncated,omitempty"`
}

// Truncation says how much of a result was left out and how to read the
// rest.
type Truncation struct {
	// Records of each kind held by the capture but not in data.
	Requests           int `json:"requests"`
	Responses          int `json:"responses"`
	WSFrames           int `json:"wsFrames"`
	StreamingResponses int `json:"streamingResponses"`
	// ContentsOmitted counts records in data whose body, payload or stream
	// data was left out (marked contentOmitted).
	ContentsOmitted int `json:"contentsOmitted"`
	// Hint says which calls read the rest.
	Hint string `json:"hint"`
}

// ClearResult is clear_network_capture's result.
type ClearResult struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId"`
	// Cleared counts what was dropped.
	Cleared Summary `json:"cleared"`
	Status  string  `json:"status"`
}

// CaptureInfo is one capture a daemon holds.
type CaptureInfo struct {
	SessionID string    `json:"sessionId"`
	CaptureID string    `json:"captureId"`
	Browser   string    `json:"browser"`
	TabID     int64     `json:"tabId"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Status    string    `json:"status"`
	StartedBy string    `json:"startedBy"`
	StartTime time.Time `json:"startTime"`
	Duration  int64     `json:"duration"`
	Summary   Summary   `json:"summary"`
	Dropped   int       `json:"dropped"`
	EndReason string    `json:"endReason,omitempty"`
}

// ListCapturesResult is list_captures' result.
type ListCapturesResult struct {
	Captures []CaptureInfo `json:"captures"`
	// Evicted counts stopped captures let go to keep memory bounded.
	Evicted int `json:"evicted,omitempty"`
	// Unreachable lists browsers that are registered but did not answer,
	// each with why.
	Unreachable []string `json:"unreachable,omitempty"`
	// Unlisted counts captures left out to keep the result small (the
	// oldest).
	Unlisted int `json:"unlisted,omitempty"`
}

// CloseSessionResult is close_session's result.
type CloseSessionResult struct {
	SessionID string `json:"sessionId"`
	Closed    bool   `json:"closed"`
	// Stopped is true when a running capture was stopped by the close.
	Stopped bool `json:"stopped"`
}

// GetDataArgs page through a capture's records.
type GetDataArgs struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId,omitempty"`
	URLFilter string `json:"urlFilter,omitempty"`
	Method    string `json:"method,omitempty"`
	// Status keeps exchanges with this status; 0 keeps failed requests.
	Status       *int   `json:"status,omitempty"`
	ResourceType string `json:"resourceType,omitempty"`
	// Kind is what a row is: KindHTTP (the default), KindRequests,
	// KindResponses, KindWSFrames or KindStreams.
	Kind   string `json:"kind,omitempty"`
	Offset int    `json:"offset,omitempty"`
	Limit  *int   `json:"limit,omitempty"`
	// IncludeBodies keeps bodies and payloads up to PageContentBytes each
	// in the page (the default); false leaves every one out.
	IncludeBodies  *bool `json:"includeBodies,omitempty"`
	MaxResultBytes *int  `json:"maxResultBytes,omitempty"`
}

// The kinds of rows get_network_capture_data pages.
const (
	// KindHTTP rows are a request with its response.
	KindHTTP      = "http"
	KindRequests  = "requests"
	KindResponses = "responses"
	KindWSFrames  = "wsFrames"
	KindStreams   = "streamingResponses"
)

// GetDataResult is one page of a capture.
type GetDataResult struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId"`
	Status    string `json:"status"`
	Kind      string `json:"kind"`
	Data      Data   `json:"data"`
	// Total counts the rows that match, before paging.
	Total    int `json:"total"`
	Offset   int `json:"offset"`
	Returned int `json:"returned"`
	// NextOffset is where the next page starts; absent on the last page.
	NextOffset *int `json:"nextOffset,omitempty"`
	// ContentsOmitted counts bodies, payloads and stream data left out of
	// this page (their records marked contentOmitted); get_request pages
	// through any of them.
	ContentsOmitted int `json:"contentsOmitted,omitempty"`
}

// GetRequestArgs name one request and the part of it to return.
type GetRequestArgs struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId,omitempty"`
	RequestID string `json:"requestId"`
	// Body is which body BodyOffset, BodyLength and SaveBody apply to:
	// "response" (the default) or "request".
	Body       string `json:"body,omitempty"`
	BodyOffset int64  `json:"bodyOffset,omitempty"`
	BodyLength *int64 `json:"bodyLength,omitempty"`
	// SaveBody writes the whole body to a new file in the captures folder.
	SaveBody bool `json:"saveBody,omitempty"`
	// Offset and Limit page through a WebSocket's frames or a stream's
	// messages or chunks.
	Offset         int  `json:"offset,omitempty"`
	Limit          *int `json:"limit,omitempty"`
	MaxResultBytes *int `json:"maxResultBytes,omitempty"`
	// As writes the request as code too: one of CodeLanguages.
	As string `json:"as,omitempty"`
}

// RequestDetail is everything known about one request, its body and its
// frames paged to fit the result.
type RequestDetail struct {
	SessionID string    `json:"sessionId"`
	CaptureID string    `json:"captureId"`
	Request   *Request  `json:"request,omitempty"`
	Response  *Response `json:"response,omitempty"`
	// Redirects are the earlier hops of its redirect chain, oldest first.
	Redirects []RedirectHop      `json:"redirects,omitempty"`
	WSFrames  []WSFrame          `json:"wsFrames,omitempty"`
	Stream    *StreamingResponse `json:"stream,omitempty"`
	// BodyPage says which part of the paged body is shown.
	BodyPage *BodyPage `json:"bodyPage,omitempty"`
	// Items says which frames, messages or chunks are shown.
	Items *ItemPage `json:"items,omitempty"`
	// SavedBody is the file the whole body was written to.
	SavedBody *SavedFile `json:"savedBody,omitempty"`
	// Code is the request written as code, with get_request's as: it runs
	// as it is once each variable of Secrets is set.
	Code string `json:"code,omitempty"`
	// Secrets are the values redaction hid, as the variables Code reads;
	// empty (with as) when nothing was hidden.
	Secrets []Secret `json:"secrets,omitzero"`
	// CodeNotes say where Code cannot send what the browser sent.
	CodeNotes []string `json:"codeNotes,omitempty"`
}

// RedirectHop is one earlier hop of a redirect chain.
type RedirectHop struct {
	Request  Request   `json:"request"`
	Response *Response `json:"response,omitempty"`
}

// BodyPage is the part of a body a result shows, in bytes of the decoded
// body.
type BodyPage struct {
	// Of is "response" or "request".
	Of     string `json:"of"`
	Offset int64  `json:"offset"`
	Length int64  `json:"length"`
	// Total is the body's size as held (bodySize tells the size the
	// server sent when the capture cut it).
	Total int64 `json:"total"`
	// NextOffset is where the next part starts; absent at the end.
	NextOffset *int64 `json:"nextOffset,omitempty"`
}

// ItemPage is the part of a socket's frames or a stream's items shown.
type ItemPage struct {
	Offset     int  `json:"offset"`
	Returned   int  `json:"returned"`
	Total      int  `json:"total"`
	NextOffset *int `json:"nextOffset,omitempty"`
	// ContentsOmitted counts items shown without their content to fit.
	ContentsOmitted int `json:"contentsOmitted,omitempty"`
}

// SavedFile is a file tabtap wrote.
type SavedFile struct {
	Path     string `json:"path"`
	Bytes    int64  `json:"bytes"`
	MimeType string `json:"mimeType,omitempty"`
}

// WaitArgs wait for the next request (or WebSocket frame) that matches.
type WaitArgs struct {
	SessionID    string `json:"sessionId"`
	URLFilter    string `json:"urlFilter,omitempty"`
	Method       string `json:"method,omitempty"`
	Status       *int   `json:"status,omitempty"`
	ResourceType string `json:"resourceType,omitempty"`
	// Kind is "request" (the default: an exchange that finished) or
	// "wsFrame".
	Kind string `json:"kind,omitempty"`
	// PayloadFilter matches a frame's payload: a substring or /regex/.
	PayloadFilter string `json:"payloadFilter,omitempty"`
	// Direction is "sent" or "received", for frames.
	Direction string `json:"direction,omitempty"`
	// Since also matches what finished before the call, back to this
	// ISO-8601 time.
	Since          string `json:"since,omitempty"`
	TimeoutSeconds *int   `json:"timeoutSeconds,omitempty"`
	MaxResultBytes *int   `json:"maxResultBytes,omitempty"`
}

// WaitResult is what a wait found.
type WaitResult struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId"`
	Matched   bool   `json:"matched"`
	WaitedMs  int64  `json:"waitedMs"`
	// Request is the matching exchange, shaped as get_request returns it.
	Request *RequestDetail `json:"request,omitempty"`
	// Frame is the matching WebSocket frame.
	Frame *WSFrame `json:"frame,omitempty"`
	// Reason says why nothing matched.
	Reason string `json:"reason,omitempty"`
}

// ReadCaptureArgs name a capture to read whole, for an MCP resource.
type ReadCaptureArgs struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId,omitempty"`
	// View is ViewJSON, ViewHAR or ViewSummary.
	View string `json:"view"`
}

// The views of a capture served as resources.
const (
	// ViewJSON is the whole capture as stop_network_capture writes it to a file.
	ViewJSON = "capture.json"
	// ViewHAR is the whole capture as HAR 1.2.
	ViewHAR = "capture.har"
	// ViewSummary is the default stop_network_capture result.
	ViewSummary = "summary.json"
)

// MaxResourceBytes bounds a capture read whole as a resource: larger ones
// are written to a file with outputPath instead.
const MaxResourceBytes = 32 << 20
