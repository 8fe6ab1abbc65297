package extension

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chromedp/cdproto/cdp/jsonv2"

	"github.com/tabtap/tabtap/host/rpc"
)

// This file is the extension ⇄ daemon protocol, written down once. The
// extension mirrors it in extension/protocol.js (protocol_test.go checks
// that every method, error code and shared constant agrees); PROTOCOL.md
// shows each message with an example. Every message is one
// native-messaging frame holding one JSON object, in package rpc's
// envelope:
//
//	request:      {"id": 7, "method": "tabs.list", "params": {…}}
//	response:     {"id": 7, "result": {…}}  or  {"id": 7, "error": {"code": "no_tab", "message": "…"}}
//	notification: {"method": "cdp.events", "params": {…}}
//
// Each side numbers its own requests, so an id is only meaningful together
// with the direction it travels in: a message with a method is a request (or
// a notification when it has no id), one without is a response.

// ProtocolVersion is the version of this protocol. Both sides send theirs
// first on every port (Hello, Welcome) and check the other's: they must be
// equal. It goes up by one with every change the other side cannot ignore
// (a message or field removed or renamed, a meaning changed); a new
// optional field or a new notification that an older side would ignore
// does not change it. Version 2 added debugger.drain, which every stop
// relies on; version 3 debugger.bodies, whose bodies a capture waits for.
const ProtocolVersion = 3

// Message is the envelope of every frame in both directions.
type Message = rpc.Message

// Error is a failed response's reason: one of the codes below and a
// sentence for a person.
type Error = rpc.Error

// Error codes. The popup branches on them; the daemon turns them into the
// MCP tools' errors. Published: never renamed, renumbered or reused; new
// ones are added at the end.
const (
	// CodeInvalidArgument: the request or its params are malformed.
	CodeInvalidArgument = rpc.CodeInvalidArgument
	// CodeInternal: anything else; the message says what happened.
	CodeInternal = rpc.CodeInternal
	// CodeNoTab: the tab does not exist (it was closed, or the id is wrong).
	CodeNoTab = "no_tab"
	// CodeNotDebuggable: the browser does not let extensions debug the page
	// (its own pages, the extension stores; see UndebuggablePrefixes).
	CodeNotDebuggable = "not_debuggable"
	// CodeAlreadyAttached: another debugger (DevTools, another extension,
	// an automation tool) holds the tab.
	CodeAlreadyAttached = "already_attached"
	// CodeBrowser: the browser refused or failed a command for another
	// reason; the message is the browser's.
	CodeBrowser = "browser"
	// CodeHostUnavailable: the extension has no port to the daemon. Only
	// the service worker gives it, to the popup.
	CodeHostUnavailable = "host_unavailable"
	// CodeVersionMismatch: the two sides speak different protocol
	// versions; the message says which to update.
	CodeVersionMismatch = "version_mismatch"
	// CodeNotFound: the daemon holds no such session or capture.
	CodeNotFound = "not_found"
	// CodeConflict: the request does not fit the state it finds (the tab is
	// captured already, the capture is stopped, …).
	CodeConflict = "conflict"
	// CodeForbidden: the person's settings do not allow it (tabs.fetch to
	// a site they did not allow); the message names the setting.
	CodeForbidden = "forbidden"
)

// codes lists every code above.
var codes = []string{
	CodeInvalidArgument, CodeInternal, CodeNoTab, CodeNotDebuggable, CodeAlreadyAttached,
	CodeBrowser, CodeHostUnavailable, CodeVersionMismatch, CodeNotFound, CodeConflict, CodeForbidden,
}

// IsCode reports whether code is one of the protocol's error codes.
func IsCode(code string) bool {
	for _, c := range codes {
		if c == code {
			return true
		}
	}
	return false
}

// UndebuggablePrefixes are the starts of the URLs (lower-cased) that
// Chromium-family browsers refuse to let an extension debug: their own
// pages and the extension stores. The popup greys its Start button on
// them; the daemon leaves such a page for about:blank before loading a
// capture's url.
var UndebuggablePrefixes = []string{
	"chrome://", "chrome-extension://", "chrome-untrusted://", "chrome-search://", "devtools://",
	"edge://", "brave://", "opera://", "vivaldi://", "view-source:",
	"https://chromewebstore.google.com/", "https://chrome.google.com/webstore",
	"https://microsoftedge.microsoft.com/addons",
}

// Undebuggable reports whether the browser refuses to debug a page at url.
func Undebuggable(url string) bool {
	u := strings.ToLower(url)
	for _, p := range UndebuggablePrefixes {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}

// Requests the daemon sends to the extension.
const (
	// MethodTabsList lists every tab of the profile. Result: TabList.
	MethodTabsList = "tabs.list"
	// MethodTabsGet describes one tab. Params: TabRef. Result: Tab.
	MethodTabsGet = "tabs.get"
	// MethodTabsActive describes the active tab of the last focused window.
	// Result: Tab, with FocusedAt.
	MethodTabsActive = "tabs.active"
	// MethodTabsOpen opens a new tab. Params: OpenTab. Result: Tab.
	MethodTabsOpen = "tabs.open"
	// MethodTabsNavigate loads a URL in a tab. Params: Navigate. Result: {}.
	MethodTabsNavigate = "tabs.navigate"
	// MethodTabsReload reloads a tab. Params: TabRef. Result: {}.
	MethodTabsReload = "tabs.reload"
	// MethodTabsFetch sends one HTTP request from a tab's page as the page
	// would (its origin, the person's cookies and network), in a world of
	// its own that the page's scripts cannot see, through chrome.debugger
	// (attached for the request alone when no capture holds the tab). The
	// extension builds the script; the daemon gives data only. Params:
	// Fetch. Result: FetchResult. Errors: forbidden (the person's settings
	// refuse the site or the method, also after a redirect), no_tab,
	// not_debuggable, already_attached, browser (the browser refused or
	// failed the request: CORS, the page's Content-Security-Policy, the
	// network, the timeout).
	MethodTabsFetch = "tabs.fetch"
	// MethodDebuggerAttach attaches chrome.debugger (protocol 1.3) to a tab.
	// Params: Attach. Result: {}. Attaching a tab the extension holds
	// already (or is attaching) succeeds without detaching it. Errors:
	// no_tab, not_debuggable, already_attached.
	MethodDebuggerAttach = "debugger.attach"
	// MethodDebuggerDetach detaches chrome.debugger from a tab. Params:
	// TabRef. Result: {}. Detaching a tab that is not attached succeeds.
	MethodDebuggerDetach = "debugger.detach"
	// MethodDebuggerSend sends one DevTools Protocol command. Params:
	// Command. Result: the command's own result object, with the fields
	// cut by MaxFieldLength listed under "_truncated".
	MethodDebuggerSend = "debugger.send"
	// MethodDebuggerDrain is a stop's barrier: it answers once every event
	// the browser emitted for the tab before the request has been sent to
	// the daemon ahead of the answer. For the tab's own session, then each
	// child session it knows (Target.attachedToTarget), the extension sends
	// DrainCommand, whose reply the browser sends after that session's
	// earlier events; once every reply is in (or DrainTimeoutMs has passed)
	// it sends what its batch queue holds, then the answer. Params: TabRef.
	// Result: Drained.
	MethodDebuggerDrain = "debugger.drain"
	// MethodDebuggerBodies asks the extension to read, from now on, the
	// body of each response of a tab and of its child sessions as soon as
	// the browser reports its Network.loadingFinished, cut as
	// Command.MaxFieldLength cuts (0 stops the reads). The extension marks
	// that loadingFinished with BodyFollows and sends the body later in the
	// same order of events, as a ResponseBodyEvent: a body then needs no
	// round trip through the daemon, and a drain waits for the reads under
	// way. It skips responses without a body for the page (WebSocket and
	// EventSource handshakes, 1xx, 204, 205 and redirects) and those the
	// daemon streams (Network.streamResourceContent). Params: Bodies.
	// Result: {}.
	MethodDebuggerBodies = "debugger.bodies"
)

// ResponseBodyEvent is the method of the events debugger.bodies adds to a
// tab's events: params ResponseBody, one for each loadingFinished marked
// BodyFollows, after it.
const ResponseBodyEvent = "tabtap.responseBody"

// DrainCommand is the DevTools command debugger.drain sends to each
// session as its barrier: the page's or worker's own JavaScript engine
// answers it, after the events that session emitted before, and it
// changes nothing.
const DrainCommand = "Runtime.getIsolateId"

// DrainTimeoutMs bounds how long debugger.drain waits for its barriers, the
// tab's and its children's together (the browser answers late when it is
// far behind, or when a page is stuck in a long script); a session that
// has not answered by then is listed in Drained.Missed.
const DrainTimeoutMs = 15000

// Notifications the daemon sends to the extension.
const (
	// MethodWelcome answers hello, first thing on every port: the daemon's
	// version and protocol version. Params: Welcome.
	MethodWelcome = "welcome"
	// MethodState tells the extension which captures run, for its badge and
	// popup. Params: State.
	MethodState = "state"
	// MethodChunk carries one piece of a message too large for a single
	// host → browser frame. Params: Chunk.
	MethodChunk = "chunk"
)

// Notifications the extension sends to the daemon.
const (
	// MethodHello is the first message on every new port. Params: Hello.
	MethodHello = "hello"
	// MethodCDPEvents carries a batch of DevTools Protocol events in the
	// order chrome.debugger.onEvent delivered them. Params: EventBatch.
	MethodCDPEvents = "cdp.events"
	// MethodDebuggerDetached reports chrome.debugger.onDetach. Params:
	// Detached.
	MethodDebuggerDetached = "debugger.detached"
	// MethodTabsCreated reports chrome.tabs.onCreated. Params: Tab (with
	// OpenerTabID when another tab opened it).
	MethodTabsCreated = "tabs.created"
	// MethodTabsRemoved reports chrome.tabs.onRemoved. Params: TabRef.
	MethodTabsRemoved = "tabs.removed"
	// MethodPolicy carries the person's settings from the extension's
	// options page each time they change (the hello carries them first).
	// Params: Policy.
	MethodPolicy = "policy"
)

// Requests the extension sends to the daemon on behalf of its popup.
const (
	// MethodUIStatus asks for the state of every capture. Params: TabRef
	// (the popup's tab, may be zero). Result: UIStatus.
	MethodUIStatus = "ui.status"
	// MethodUIStart starts capturing a tab. Params: UIStart. Result:
	// UIStatus.
	MethodUIStart = "ui.start"
	// MethodUIStop stops a capture. Params: SessionRef. Result: UIStatus.
	MethodUIStop = "ui.stop"
	// MethodUIClear drops what a capture holds and keeps capturing. Params:
	// SessionRef. Result: UIStatus.
	MethodUIClear = "ui.clear"
	// MethodUIExport returns a capture as HAR 1.2 or as the JSON of
	// stop_network_capture. Params: UIExport. Result: UIExportResult,
	// usually chunked.
	MethodUIExport = "ui.export"
)

// MaxChunkData is how many bytes of a message one chunk carries before
// base64; with base64's 4/3 and the envelope it stays under the 1 MB
// host → browser cap.
const MaxChunkData = 700 * 1024

// Hello introduces the extension and its profile.
type Hello struct {
	// ProtocolVersion is the protocol the extension speaks (its
	// PROTOCOL_VERSION); 0 from an extension older than versioning.
	ProtocolVersion int `json:"protocolVersion"`
	// ExtensionID is chrome.runtime.id.
	ExtensionID string `json:"extensionId"`
	// ExtensionVersion is the manifest version string.
	ExtensionVersion string `json:"extensionVersion"`
	// Browser is the browser's brand and version, e.g. "Chromium 156".
	Browser string `json:"browser"`
	// ProfileID is a random identifier the extension keeps in
	// chrome.storage.local, stable across restarts of its service worker.
	ProfileID string `json:"profileId"`
	// Policy is the person's settings as they stand when the port opens;
	// absent, the defaults of Policy apply.
	Policy *Policy `json:"policy,omitempty"`
}

// Policy is what the person allows agents, set in the extension's options
// page and kept in chrome.storage.local. The zero Policy is the default:
// agents may not turn redaction off, every site may be captured, bodies
// are captured up to tabtap's default (api.BodyBytes: 10 MiB; agents may
// ask up to 64 MiB), a capture holds tabtap's default budget
// (api.TotalBytes: 256 MiB), and agents may send no request as the
// person. The popup, the person's own tool, is bound by the defaults and
// limits but not by BlockedSites nor AllowUnredacted. The daemon holds the
// limits to the bounds of api.BodyBytes and api.TotalBytes, as it holds an
// agent's: one out of them is not applied.
type Policy struct {
	// AllowUnredacted lets agents pass redactSecrets: false. Default false.
	AllowUnredacted bool `json:"allowUnredacted,omitempty"`
	// BlockedSites are hosts agents may not capture, nor open a session
	// on: "example.com" blocks it and every subdomain ("*.example.com" and
	// "https://example.com/" say the same).
	BlockedSites []string `json:"blockedSites,omitempty"`
	// CaptureBodies, when false, keeps bodies out of every capture: agents
	// may not ask for them. Absent: true.
	CaptureBodies *bool `json:"captureBodies,omitempty"`
	// MaxBodyBytes is the largest body a capture keeps unless an agent
	// asks for less, and the most an agent may ask for; at most 64 MiB
	// (api.BodyBytes). 0: tabtap's default, 10 MiB, and agents may ask up
	// to 64 MiB.
	MaxBodyBytes int `json:"maxBodyBytes,omitempty"`
	// MaxTotalBytes is every capture's byte budget, its records and their
	// bodies, payloads and chunks together; from 1 MiB to 2 GiB
	// (api.TotalBytes). 0: tabtap's default, 256 MiB.
	MaxTotalBytes int64 `json:"maxTotalBytes,omitempty"`
	// SendSites are the sites where agents may send requests as the person
	// (send_request: with the person's cookies and the credentials the
	// captured request carried), in BlockedSites' syntax. Default: none.
	// BlockedSites win.
	SendSites []string `json:"sendSites,omitempty"`
	// SendChanges lets agents send, to SendSites, requests that change
	// things: any method but GET, HEAD and OPTIONS. Default false.
	SendChanges bool `json:"sendChanges,omitempty"`
}

// Welcome introduces the daemon, in answer to Hello.
type Welcome struct {
	// ProtocolVersion is the protocol the daemon speaks (ProtocolVersion).
	ProtocolVersion int `json:"protocolVersion"`
	// HostVersion is tabtap's version, e.g. "0.1.0".
	HostVersion string `json:"hostVersion"`
}

// TabRef names one tab.
type TabRef struct {
	TabID int64 `json:"tabId"`
}

// SessionRef names one capture session.
type SessionRef struct {
	SessionID string `json:"sessionId"`
}

// Tab describes a browser tab.
type Tab struct {
	TabID    int64  `json:"tabId"`
	WindowID int64  `json:"windowId"`
	Title    string `json:"title"`
	URL      string `json:"url"`
	Active   bool   `json:"active"`
	// OpenerTabID is the tab that opened this one, when known.
	OpenerTabID int64 `json:"openerTabId,omitempty"`
	// FocusedAt is set by tabs.active only: when the tab's window last had
	// the focus, in milliseconds since 1970 — the time of the answer while
	// it has it, 0 when unknown. With several browsers, the daemon's MCP
	// side picks the one used last.
	FocusedAt int64 `json:"focusedAt,omitempty"`
}

// TabList is the result of tabs.list.
type TabList struct {
	Tabs []Tab `json:"tabs"`
}

// Attach asks for the debugger on a tab.
type Attach struct {
	TabID int64 `json:"tabId"`
	// FollowPopups asks the extension to attach, at once and on its own,
	// the tabs this tab opens, so that their first requests are not lost
	// while the daemon hears of them. It still sends tabs.created for them.
	FollowPopups bool `json:"followPopups,omitempty"`
}

// Bodies sets how the extension reads a tab's bodies (debugger.bodies).
type Bodies struct {
	TabID int64 `json:"tabId"`
	// MaxFieldLength cuts each body as Command.MaxFieldLength does; 0
	// stops reading bodies.
	MaxFieldLength int `json:"maxFieldLength"`
}

// ResponseBody is the params of a ResponseBodyEvent: what
// Network.getResponseBody gave for RequestID, or the browser's error.
type ResponseBody struct {
	RequestID     string `json:"requestId"`
	Body          string `json:"body,omitempty"`
	Base64Encoded bool   `json:"base64Encoded,omitempty"`
	// Truncated lists the fields cut, with their original lengths.
	Truncated map[string]int `json:"_truncated,omitempty"`
	// Error is the browser's, when it did not give the body.
	Error string `json:"error,omitempty"`
}

// OpenTab asks for a new tab at URL.
type OpenTab struct {
	URL string `json:"url"`
	// Active brings the new tab to the front.
	Active bool `json:"active"`
}

// Navigate loads URL in a tab.
type Navigate struct {
	TabID int64  `json:"tabId"`
	URL   string `json:"url"`
}

// Command is one DevTools Protocol command for a tab or for one of its
// child targets.
type Command struct {
	TabID int64 `json:"tabId"`
	// SessionID addresses a child target (iframe, worker) attached with
	// flat sessions; empty for the tab itself.
	SessionID string `json:"sessionId,omitempty"`
	Method    string `json:"method"`
	Params    any    `json:"params,omitempty"`
	// MaxFieldLength, when positive, makes the extension cut any top-level
	// string field of the result longer than this many characters (a
	// response body, say) before sending it, so that one reply never nears
	// the 64 MiB browser → host cap. Cut fields are listed in the result
	// under "_truncated" with their original lengths.
	MaxFieldLength int `json:"maxFieldLength,omitempty"`
}

// Fetch is one request for tabs.fetch.
type Fetch struct {
	TabID  int64  `json:"tabId"`
	Method string `json:"method"`
	URL    string `json:"url"`
	// Headers go in this order. Those a page may not set (Cookie, Origin,
	// Sec-*, …) the browser leaves out: its own go instead, the person's
	// current cookies among them; FetchResult.NotSent names them.
	Headers []Header `json:"headers,omitempty"`
	// BodyBase64 is the body; absent, none.
	BodyBase64 string `json:"bodyBase64,omitempty"`
	// Tag becomes the sourceURL of the script that sends the request
	// (letters, digits, '-', '_', '.' and ':' only), so that a capture of
	// the tab tells the request by its initiator.
	Tag string `json:"tag"`
	// TimeoutMs bounds the exchange, body included.
	TimeoutMs int `json:"timeoutMs"`
	// MaxBodyBytes is the most of the response's body returned; the rest
	// is not read (BodyTruncated).
	MaxBodyBytes int `json:"maxBodyBytes"`
}

// Header is one HTTP header.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// FetchResult is the answer tabs.fetch got.
type FetchResult struct {
	Status     int    `json:"status"`
	StatusText string `json:"statusText"`
	// URL is the response's: after the redirects the browser followed.
	URL        string `json:"url"`
	Redirected bool   `json:"redirected,omitempty"`
	// Headers are those the page may read (never Set-Cookie).
	Headers    []Header `json:"headers"`
	BodyBase64 string   `json:"bodyBase64,omitempty"`
	// BodySize is the bytes read; with BodyTruncated, the body is longer.
	BodySize      int64 `json:"bodySize"`
	BodyTruncated bool  `json:"bodyTruncated,omitempty"`
	// Origin is the origin of the page the request went from.
	Origin string `json:"origin"`
	// NotSent names the headers the browser did not let the page set.
	NotSent []string `json:"notSent,omitempty"`
}

// Event is one DevTools Protocol event from chrome.debugger.onEvent.
type Event struct {
	TabID int64 `json:"tabId"`
	// SessionID is set when the event comes from a child target.
	SessionID string          `json:"sessionId,omitempty"`
	Method    string          `json:"method"`
	Params    json.RawMessage `json:"params,omitempty"`
	// BodyFollows marks a Network.loadingFinished whose body the extension
	// reads and sends after it (debugger.bodies).
	BodyFollows bool `json:"bodyFollows,omitempty"`
}

// EventBatch is the params of cdp.events.
type EventBatch struct {
	Events []Event `json:"events"`
	// DroppedByTab counts, by tab id, the events the extension had to leave
	// out or empty (an event too large for a native message), so that the
	// daemon charges them to the capture of that tab.
	DroppedByTab map[int64]int `json:"droppedByTab,omitempty"`
}

// Drained answers debugger.drain.
type Drained struct {
	// Targets counts the sessions drained: the tab's own and its children's.
	Targets int `json:"targets"`
	// Missed lists the sessions whose barrier failed or timed out: some of
	// the events they emitted before the drain may still be on their way,
	// or lost.
	Missed []DrainMiss `json:"missed,omitempty"`
}

// DrainMiss is one session debugger.drain could not drain.
type DrainMiss struct {
	// SessionID is the child session; empty for the tab's own.
	SessionID string `json:"sessionId,omitempty"`
	// Reason is the browser's error, or that the barrier timed out.
	Reason string `json:"reason"`
}

// Decode reads a cdp.events batch in one pass (version 2 of the JSON
// package, through cdproto's layer; encoding/json scans twice), each
// event's params copied undecoded. Invalid UTF-8 becomes U+FFFD, as
// encoding/json does.
func (b *EventBatch) Decode(params []byte) error {
	if err := jsonv2.Unmarshal(params, b, jsonv2.AllowInvalidUTF8(true)); err != nil {
		return fmt.Errorf("decoding cdp.events: %w", err)
	}
	return nil
}

// Detached reports that chrome.debugger let go of a tab.
type Detached struct {
	TabID int64 `json:"tabId"`
	// Reason is chrome.debugger.DetachReason: "target_closed" or
	// "canceled_by_user".
	Reason string `json:"reason"`
}

// Chunk is one piece of a large host → browser message. The extension
// concatenates the decoded Data of every chunk of a Stream, in Seq order,
// up to the one marked Final, and handles the result as one message.
type Chunk struct {
	Stream int64 `json:"stream"`
	Seq    int   `json:"seq"`
	Final  bool  `json:"final"`
	// Data is base64 of a slice of the message's UTF-8 JSON.
	Data string `json:"data"`
}

// State lists what runs, for the badge and the popup.
type State struct {
	Captures []CaptureState `json:"captures"`
}

// CaptureState is one capture as the extension shows it.
type CaptureState struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId"`
	TabID     int64  `json:"tabId"`
	// Status is "active" or "stopped".
	Status string `json:"status"`
	// StartedBy is "popup" or "agent".
	StartedBy string `json:"startedBy"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	StartTime string `json:"startTime"`
	// Requests, Responses, WSFrames and StreamingResponses count what the
	// capture holds.
	Requests           int `json:"requests"`
	Responses          int `json:"responses"`
	WSFrames           int `json:"wsFrames"`
	StreamingResponses int `json:"streamingResponses"`
	// Bytes is what its records and contents take.
	Bytes   int64 `json:"bytes"`
	Dropped int   `json:"dropped"`
	// Sent counts the requests agents sent as the person through the
	// capture's tab while it ran (send_request).
	Sent int `json:"sent,omitempty"`
	// EndReason says why a capture ended when it was not stopped by hand,
	// e.g. "the tab was closed".
	EndReason string `json:"endReason,omitempty"`
}

// UIStatus answers the popup.
type UIStatus struct {
	Captures []CaptureState `json:"captures"`
	// Browser is the daemon's label for this profile.
	Browser string `json:"browser"`
	// Clients counts `tabtap mcp` processes connected to the daemon.
	Clients int `json:"clients"`
}

// UIStart asks to capture a tab with default options.
type UIStart struct {
	TabID int64 `json:"tabId"`
	// Reload reloads the tab once the capture is armed.
	Reload bool `json:"reload,omitempty"`
}

// UIExport asks for a capture's content.
type UIExport struct {
	SessionID string `json:"sessionId"`
	// Format is "har" (default) or "json".
	Format string `json:"format,omitempty"`
}

// UIExportResult carries the exported document.
type UIExportResult struct {
	// FileName is a suggested name for the download.
	FileName string `json:"fileName"`
	// Content is the HAR log or the capture JSON.
	Content json.RawMessage `json:"content"`
}
