// protocol.js — the extension ⇄ daemon protocol, mirrored from
// host/extension/protocol.go (the Go file is the reference: change both
// together; host/extension/protocol_test.go fails when they disagree on a
// method, its params and result, an error code, or a constant below).
// host/extension/PROTOCOL.md shows every message with an example. Also the small
// protocol between the popup and the service worker.
//
// Every native message is one JSON object:
//   request:      {id, method, params}
//   response:     {id, result} or {id, error: {code, message}}
//   notification: {method, params}
// Each side numbers its own requests (from 1: Go omits a zero id).
//
// Each method below is described as `params → result`: `{a, b?}` lists the
// fields (`?` marks one that may be left out), a capitalised name is a type
// of protocol.go, `—` is nothing.

/** Name of the native messaging host (host manifest "name"). */
export const HOST_NAME = 'dev.tabtap.host';

/**
 * Version of this protocol (relay.ProtocolVersion). Sent in hello; the
 * daemon sends its own in welcome, and each side checks that they are equal.
 */
export const PROTOCOL_VERSION = 3;

/** chrome.debugger protocol version the extension attaches with. */
export const DEBUGGER_PROTOCOL_VERSION = '1.3';

/** Requests the daemon sends to the extension. */
export const HostRequest = Object.freeze({
  TABS_LIST: 'tabs.list', // — → {tabs}
  TABS_GET: 'tabs.get', // {tabId} → Tab
  TABS_ACTIVE: 'tabs.active', // — → Tab (active tab of the last focused window, with focusedAt)
  TABS_OPEN: 'tabs.open', // {url, active} → Tab
  TABS_NAVIGATE: 'tabs.navigate', // {tabId, url} → {}
  TABS_RELOAD: 'tabs.reload', // {tabId} → {}
  TABS_FETCH: 'tabs.fetch', // {tabId, method, url, headers?, bodyBase64?, tag, timeoutMs, maxBodyBytes} → FetchResult
  DEBUGGER_ATTACH: 'debugger.attach', // {tabId, followPopups?} → {}
  DEBUGGER_DETACH: 'debugger.detach', // {tabId} → {} (also when not attached)
  DEBUGGER_SEND: 'debugger.send', // {tabId, sessionId?, method, params?, maxFieldLength?} → the command's result
  DEBUGGER_DRAIN: 'debugger.drain', // {tabId} → {targets, missed?} (answered after the tab's earlier events and body reads)
  DEBUGGER_BODIES: 'debugger.bodies', // {tabId, maxFieldLength} → {} (read each finished response's body at once; 0: stop)
});

/**
 * The method of the events debugger.bodies adds to a tab's events
 * (relay.ResponseBodyEvent): params {requestId, body?, base64Encoded?,
 * _truncated?, error?}, after the Network.loadingFinished it marked with
 * `bodyFollows: true`.
 */
export const RESPONSE_BODY_EVENT = 'tabtap.responseBody';

/**
 * The DevTools command debugger.drain sends to each session of a tab as its
 * barrier (relay.DrainCommand): answered after the session's earlier events.
 */
export const DRAIN_COMMAND = 'Runtime.getIsolateId';

/** How long debugger.drain waits for its barriers, all together (relay.DrainTimeoutMs). */
export const DRAIN_TIMEOUT_MS = 15000;

/**
 * The DevTools Protocol methods the daemon may send through debugger.send:
 * the extension refuses any other, so that a daemon cannot use the debugger
 * for more than capturing traffic (no Runtime.evaluate, no Page.navigate to
 * file:, no Storage reads). The one list: host/extension/allowlist_test.go
 * checks that every method the Go side sends is on it.
 */
export const RELAYED_CDP_METHODS = Object.freeze([
  'Network.enable',
  'Network.getRequestPostData',
  'Network.getResponseBody',
  'Network.streamResourceContent',
  // A followed popup's first document, when it loaded before the tab could
  // be attached: its frame (URL, MIME type) and its content, read once.
  'Page.disable',
  'Page.enable',
  'Page.getFrameTree',
  'Page.getResourceContent',
  'Runtime.runIfWaitingForDebugger',
  'Target.setAutoAttach',
]);

/**
 * Of those, the reads whose replies need not come after the events queued
 * before them (every other reply does): the daemon asks for a body once it
 * has read its request's loadingFinished, and nothing queued since changes
 * it. Network.streamResourceContent is not one: the data events queued
 * before its reply are not in the buffered data it returns.
 */
export const UNORDERED_CDP_METHODS = Object.freeze(['Network.getRequestPostData', 'Network.getResponseBody']);

/** Notifications the daemon sends to the extension. */
export const HostNotification = Object.freeze({
  WELCOME: 'welcome', // {protocolVersion, hostVersion}; first on every port, in answer to hello
  STATE: 'state', // {captures}
  CHUNK: 'chunk', // {stream, seq, final, data}
});

/** Notifications the extension sends to the daemon. */
export const ExtensionNotification = Object.freeze({
  HELLO: 'hello', // {protocolVersion, extensionId, extensionVersion, browser, profileId, policy?}; first on every port
  CDP_EVENTS: 'cdp.events', // {events, droppedByTab?}
  DEBUGGER_DETACHED: 'debugger.detached', // {tabId, reason}
  TABS_CREATED: 'tabs.created', // Tab (openerTabId set when another tab opened it)
  TABS_REMOVED: 'tabs.removed', // {tabId}
  POLICY: 'policy', // Policy (lib/policy.js), each time the person changes the options
});

/** Requests the extension sends to the daemon on behalf of its popup. */
export const UIRequest = Object.freeze({
  STATUS: 'ui.status', // {tabId} → UIStatus
  START: 'ui.start', // {tabId, reload?} → UIStatus
  STOP: 'ui.stop', // {sessionId} → UIStatus
  CLEAR: 'ui.clear', // {sessionId} → UIStatus
  EXPORT: 'ui.export', // {sessionId, format?} → {fileName, content} (usually chunked)
});

/**
 * Error codes of failed responses (relay.Code*): what a program branches on;
 * the message is for a person. Never renamed or reused.
 */
export const ErrorCode = Object.freeze({
  INVALID_ARGUMENT: 'invalid_argument', // the request or its params are malformed
  INTERNAL: 'internal', // anything else
  NO_TAB: 'no_tab', // the tab does not exist
  NOT_DEBUGGABLE: 'not_debuggable', // the browser does not let extensions debug the page
  ALREADY_ATTACHED: 'already_attached', // another debugger holds the tab
  BROWSER: 'browser', // the browser refused or failed a command for another reason
  HOST_UNAVAILABLE: 'host_unavailable', // no port to the daemon (service worker → popup only)
  VERSION_MISMATCH: 'version_mismatch', // the two sides speak different protocol versions
  NOT_FOUND: 'not_found', // the daemon holds no such session or capture
  CONFLICT: 'conflict', // the request does not fit the state it finds
  FORBIDDEN: 'forbidden', // the person's settings do not allow it
});

/**
 * Starts of the URLs (lower-cased) that the browser refuses to let an
 * extension debug (relay.UndebuggablePrefixes).
 */
export const UNDEBUGGABLE_PREFIXES = Object.freeze([
  'chrome://',
  'chrome-extension://',
  'chrome-untrusted://',
  'chrome-search://',
  'devtools://',
  'edge://',
  'brave://',
  'opera://',
  'vivaldi://',
  'view-source:',
  'https://chromewebstore.google.com/',
  'https://chrome.google.com/webstore',
  'https://microsoftedge.microsoft.com/addons',
]);

/** Whether the browser refuses to debug a page at `url`. */
export function undebuggable(url) {
  const u = String(url ?? '').toLowerCase();
  return UNDEBUGGABLE_PREFIXES.some((p) => u.startsWith(p));
}

/** Bytes of a message one chunk carries before base64 (relay.MaxChunkData). */
export const MAX_CHUNK_DATA = 700 * 1024;

/** Chrome's cap on one host → browser native message. */
export const MAX_TO_BROWSER = 1024 * 1024;

/** Chrome's cap on one browser → host native message. */
export const MAX_TO_HOST = 64 * 1024 * 1024;

/** Key under which cut fields are listed, with their original lengths. */
export const TRUNCATED_KEY = '_truncated';

/** CaptureState.status values. */
export const CaptureStatus = Object.freeze({ ACTIVE: 'active', STOPPED: 'stopped' });

// ---- popup ⇄ service worker (chrome.runtime port) ----

/** Name of the runtime port the popup opens to the service worker. */
export const POPUP_PORT_NAME = 'tabtap-popup';

/**
 * Messages on the popup port.
 *   popup → worker: {type: 'call', id, method: 'ui.*', params}
 *                   {type: 'retry'}            (reconnect to the host now)
 *   worker → popup: {type: 'reply', id, result} or {type: 'reply', id, error: {code, message}}
 *                   {type: 'part', id, text}   (ui.export: slices of the document's
 *                                               JSON text, before the reply
 *                                               {fileName, length})
 *                   {type: 'host', host: HostStatus}
 *                   {type: 'state', state: State}
 * HostStatus: {connected, heardFromHost, lastError, disconnectedAt, retryAt,
 *              hostVersion, extensionVersion, mismatch, disagreement}
 *              (mismatch: null, or {code, message} saying which part to
 *              update when the protocols differ; disagreement: null, or
 *              {older: 'extension'|'host', message} when the protocols agree
 *              but the tabtap versions do not, as after an upgrade)
 */
export const PopupMessage = Object.freeze({
  CALL: 'call',
  RETRY: 'retry',
  REPLY: 'reply',
  PART: 'part',
  HOST: 'host',
  STATE: 'state',
});
