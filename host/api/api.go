// Package api holds the arguments and results of the daemon's operations:
// the MCP tools of the outside contract, which `tabtap mcp` forwards to the
// daemons over the link. One type per tool argument list and per result, so
// the MCP schemas, the link and the daemon agree by construction.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
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
)

// Error codes, so that a caller can tell kinds of failure apart.
const (
	CodeInvalid   = "invalid_argument"
	CodeNotFound  = "not_found"
	CodeConflict  = "conflict"
	CodeBrowser   = "browser"
	CodeNoBrowser = "no_browser"
	CodeInternal  = "internal"
	// CodeForbidden: the person's settings in the extension do not allow
	// it; only the person can change that.
	CodeForbidden = "forbidden"
)

// Error is an operation's failure, with a message written for a person.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of an *Error in err's chain, or CodeInternal.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

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
	SessionID string `json:"sessionId" jsonschema:"The session id from initialize_session or list_captures, e.g. s-3f2a-1."`
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
}

// InitializeSessionArgs choose a tab.
type InitializeSessionArgs struct {
	TabID   *int64 `json:"tabId,omitempty" jsonschema:"The tab to capture, from list_tabs."`
	URL     string `json:"url,omitempty" jsonschema:"Open a new tab at this URL and capture it."`
	Browser string `json:"browser,omitempty" jsonschema:"Which browser profile, by the label list_tabs gives, when several are connected."`
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
	SessionID string `json:"sessionId" jsonschema:"The session id from initialize_session."`
	Settings
}

// StartCaptureResult says what was started.
type StartCaptureResult struct {
	SessionID string    `json:"sessionId"`
	CaptureID string    `json:"captureId"`
	TabID     int64     `json:"tabId"`
	StartTime time.Time `json:"startTime"`
	Options   Options   `json:"options"`
}

// Stats are the counts of the reference tool's status.
type Stats struct {
	Requests           int `json:"requests"`
	Responses          int `json:"responses"`
	WSFrames           int `json:"wsFrames"`
	StreamingResponses int `json:"streamingResponses"`
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
	SessionID      string `json:"sessionId" jsonschema:"The session id from initialize_session or list_captures."`
	Format         string `json:"format,omitempty" jsonschema:"json (default) or har (HAR 1.2, as DevTools exports it)."`
	OutputPath     string `json:"outputPath,omitempty" jsonschema:"Write the whole capture to this absolute file path and return only the summary."`
	MaxResultBytes *int   `json:"maxResultBytes,omitempty" jsonschema:"Cut the returned arrays to fit about this many bytes of JSON; the summary keeps the true totals and truncated says what was left out. Default 1000000, at least 4000."`
}

// StopResult is stop_network_capture's result.
type StopResult struct {
	SessionID string    `json:"sessionId"`
	CaptureID string    `json:"captureId"`
	Duration  int64     `json:"duration"`
	StartTime time.Time `json:"startTime"`
	EndTime   time.Time `json:"endTime"`
	Summary   Summary   `json:"summary"`
	Options   Options   `json:"options"`
	// Data is the capture, unless it was written to OutputPath or
	// returned as HAR.
	Data *Data `json:"data,omitempty"`
	// HAR is the HAR 1.2 document (a *har.HAR) when format is har. Not a
	// json.RawMessage: the output schema of a []byte is a list of bytes.
	HAR       any     `json:"har,omitempty" jsonschema:"The HAR 1.2 document ({log: …}) when format is har; data is then left out."`
	Format    string  `json:"format"`
	Dropped   Dropped `json:"dropped"`
	EndReason string  `json:"endReason,omitempty"`
	// OutputPath is where the capture was written, when asked.
	OutputPath string `json:"outputPath,omitempty"`
	// BytesWritten is the size of the file written to OutputPath.
	BytesWritten int64 `json:"bytesWritten,omitempty"`
	// Truncated says what was left out of Data to respect maxResultBytes.
	Truncated *Truncation `json:"truncated,omitempty"`
}

// Truncation says how much of a result was cut and how to read the rest.
type Truncation struct {
	Requests           int    `json:"requests"`
	Responses          int    `json:"responses"`
	WSFrames           int    `json:"wsFrames"`
	StreamingResponses int    `json:"streamingResponses"`
	BodiesOmitted      int    `json:"bodiesOmitted"`
	Hint               string `json:"hint"`
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
	SessionID     string `json:"sessionId" jsonschema:"The session id."`
	URLFilter     string `json:"urlFilter,omitempty" jsonschema:"Keep records whose URL contains this substring or matches /regex/."`
	Method        string `json:"method,omitempty" jsonschema:"Keep requests (and their responses) with this HTTP method."`
	Status        *int   `json:"status,omitempty" jsonschema:"Keep responses (and their requests) with this status; 0 keeps failed requests."`
	ResourceType  string `json:"resourceType,omitempty" jsonschema:"Keep requests of this resource type (XHR, Fetch, Document, …)."`
	Kind          string `json:"kind,omitempty" jsonschema:"Return only one kind of record: requests, responses, wsFrames or streamingResponses."`
	Offset        int    `json:"offset,omitempty" jsonschema:"Skip this many records of each kind."`
	Limit         *int   `json:"limit,omitempty" jsonschema:"Return at most this many records of each kind (default 100, at most 1000)."`
	IncludeBodies *bool  `json:"includeBodies,omitempty" jsonschema:"Include response bodies and frame payloads (default true)."`
}

// GetDataResult is one page of a capture.
type GetDataResult struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId"`
	Status    string `json:"status"`
	Data      Data   `json:"data"`
	// Totals count the matching records of each kind before paging.
	Totals  Summary `json:"totals"`
	Offset  int     `json:"offset"`
	Limit   int     `json:"limit"`
	HasMore bool    `json:"hasMore"`
	// ContentsOmitted counts bodies, payloads and stream data left out
	// (their records marked contentOmitted) to keep the page under about
	// 1 MB; get_request returns them one request at a time.
	ContentsOmitted int `json:"contentsOmitted,omitempty"`
}

// GetRequestArgs name one request.
type GetRequestArgs struct {
	SessionID string `json:"sessionId" jsonschema:"The session id."`
	RequestID string `json:"requestId" jsonschema:"The requestId of a request, response, frame or stream record."`
}

// RequestDetail is everything known about one request.
type RequestDetail struct {
	SessionID string    `json:"sessionId"`
	Request   *Request  `json:"request,omitempty"`
	Response  *Response `json:"response,omitempty"`
	// Redirects are the earlier hops of its redirect chain, oldest first.
	Redirects []RedirectHop      `json:"redirects,omitempty"`
	WSFrames  []WSFrame          `json:"wsFrames,omitempty"`
	Stream    *StreamingResponse `json:"stream,omitempty"`
}

// RedirectHop is one earlier hop of a redirect chain.
type RedirectHop struct {
	Request  Request   `json:"request"`
	Response *Response `json:"response,omitempty"`
}
