// protocol.js — the extension ⇄ daemon protocol, mirrored from
// host/relay/protocol.go (the Go file is the reference: change both together).
// Also the small protocol between the popup and the service worker.
//
// Every native message is one JSON object:
//   request:      {id, method, params}
//   response:     {id, result} or {id, error: {message}}
//   notification: {method, params}
// Each side numbers its own requests (from 1: Go omits a zero id).

/** Name of the native messaging host (host manifest "name"). */
export const HOST_NAME = 'dev.tabtap.host';

/** chrome.debugger protocol version the extension attaches with. */
export const DEBUGGER_PROTOCOL_VERSION = '1.3';

/** Requests the daemon sends to the extension. */
export const HostRequest = Object.freeze({
  TABS_LIST: 'tabs.list', // → {tabs: Tab[]}
  TABS_GET: 'tabs.get', // {tabId} → Tab
  TABS_ACTIVE: 'tabs.active', // → Tab (active tab of the last focused window)
  TABS_OPEN: 'tabs.open', // {url, active} → Tab
  TABS_NAVIGATE: 'tabs.navigate', // {tabId, url} → {}
  TABS_RELOAD: 'tabs.reload', // {tabId} → {}
  DEBUGGER_ATTACH: 'debugger.attach', // {tabId} → {}
  DEBUGGER_DETACH: 'debugger.detach', // {tabId} → {} (also when not attached)
  DEBUGGER_SEND: 'debugger.send', // {tabId, sessionId?, method, params?, maxFieldLength?} → CDP result
});

/**
 * The DevTools Protocol methods the daemon may send through debugger.send:
 * the extension refuses any other, so that a daemon cannot use the debugger
 * for more than capturing traffic (no Runtime.evaluate, no Page.navigate to
 * file:, no Storage reads). The one list: host/relay/allowlist_test.go
 * checks that every method the Go side sends is on it.
 */
export const RELAYED_CDP_METHODS = Object.freeze([
  'Network.enable',
  'Network.getRequestPostData',
  'Network.getResponseBody',
  'Network.streamResourceContent',
  'Runtime.runIfWaitingForDebugger',
  'Target.setAutoAttach',
]);

/** Notifications the daemon sends to the extension. */
export const HostNotification = Object.freeze({
  STATE: 'state', // {captures: CaptureState[]}
  CHUNK: 'chunk', // {stream, seq, final, data}
});

/** Notifications the extension sends to the daemon. */
export const ExtensionNotification = Object.freeze({
  HELLO: 'hello', // {extensionId, extensionVersion, browser, profileId, policy}; first on every port
  CDP_EVENTS: 'cdp.events', // {events: [{tabId, sessionId?, method, params}], dropped?}
  DEBUGGER_DETACHED: 'debugger.detached', // {tabId, reason}
  TABS_CREATED: 'tabs.created', // Tab (+ openerTabId)
  TABS_REMOVED: 'tabs.removed', // {tabId}
  POLICY: 'policy', // Policy (lib/policy.js), each time the person changes the options
});

/** Requests the extension sends to the daemon on behalf of its popup. */
export const UIRequest = Object.freeze({
  STATUS: 'ui.status', // {tabId} → UIStatus
  START: 'ui.start', // {tabId, reload?} → UIStatus
  STOP: 'ui.stop', // {sessionId} → UIStatus
  CLEAR: 'ui.clear', // {sessionId} → UIStatus
  EXPORT: 'ui.export', // {sessionId, format: 'har'|'json'} → {fileName, content} (usually chunked)
});

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
 *   worker → popup: {type: 'reply', id, result} or {type: 'reply', id, error: {message, hostUnavailable?}}
 *                   {type: 'part', id, text}   (ui.export: slices of the document's
 *                                               JSON text, before the reply
 *                                               {fileName, length})
 *                   {type: 'host', host: HostStatus}
 *                   {type: 'state', state: State}
 * HostStatus: {connected, lastError, disconnectedAt, retryAt}
 */
export const PopupMessage = Object.freeze({
  CALL: 'call',
  RETRY: 'retry',
  REPLY: 'reply',
  PART: 'part',
  HOST: 'host',
  STATE: 'state',
});
