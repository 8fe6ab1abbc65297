// sw.js — tabtap's service worker: a thin relay between the tabtap daemon
// (native messaging host dev.tabtap.host) and chrome.debugger / chrome.tabs,
// plus the badge and the popup's link to the daemon. The logic that can be
// tested without a browser lives in lib/; this file wires it to chrome.*.
//
//   daemon → here: tabs.* (tabs.fetch too), debugger.* requests; `welcome`,
//                  `state`, `chunk`
//   here → daemon: hello, cdp.events (batched, with the bodies read at
//                  once: lib/bodies.js), debugger.detached, tabs.created,
//                  tabs.removed; ui.* requests for the popup

import {
  DEBUGGER_PROTOCOL_VERSION,
  DRAIN_COMMAND,
  DRAIN_TIMEOUT_MS,
  ErrorCode,
  ExtensionNotification,
  HOST_NAME,
  HostNotification,
  HostRequest,
  POPUP_PORT_NAME,
  RELAYED_CDP_METHODS,
  PopupMessage,
  UNORDERED_CDP_METHODS,
  UIRequest,
} from './protocol.js';
import { badgeFor } from './lib/badge.js';
import { BodyReader } from './lib/bodies.js';
import { browserLabel, errorCode, errorText, randomId, wireTab } from './lib/browser.js';
import { EventBatcher } from './lib/events.js';
import { FocusClock } from './lib/focus.js';
import { HostError, HostLink, wireError } from './lib/hostlink.js';
import { pageFetchExpression } from './lib/pagefetch.js';
import { POLICY_KEY, loadPolicy, normalizePolicy, sendRefusal, wirePolicy } from './lib/policy.js';
import { truncateResult } from './lib/truncate.js';

const log = (...args) => console.warn(...args);

/** The daemon's last `state`: which captures exist. */
let lastState = { captures: [] };
/** Open popups. */
const popups = new Set();

// ---- the daemon ----

let profileIdPromise = null;
function profileId() {
  profileIdPromise ??= (async () => {
    const { profileId: stored } = await chrome.storage.local.get('profileId');
    if (typeof stored === 'string' && stored) return stored;
    const id = randomId();
    await chrome.storage.local.set({ profileId: id });
    return id;
  })().catch((e) => {
    profileIdPromise = null;
    throw e;
  });
  return profileIdPromise;
}

async function hello() {
  return {
    extensionId: chrome.runtime.id,
    extensionVersion: chrome.runtime.getManifest().version,
    browser: browserLabel(navigator.userAgentData, navigator.userAgent),
    profileId: await profileId(),
    policy: wirePolicy(await loadPolicy(chrome.storage.local)),
  };
}

// The person's settings reach the daemon at once when they change.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local' || !changes[POLICY_KEY] || !link.connected) return;
  notifyHost(ExtensionNotification.POLICY, wirePolicy(normalizePolicy(changes[POLICY_KEY].newValue)));
});

const link = new HostLink({
  connect: () => chrome.runtime.connectNative(HOST_NAME),
  lastError: () => chrome.runtime.lastError?.message,
  hello,
  onRequest: (method, params) => handleHostRequest(method, params),
  onNotification: handleHostNotification,
  onStatus: (status) => {
    updateBadge();
    broadcast({ type: PopupMessage.HOST, host: status });
  },
  onDisconnect: () => {
    // The daemon that asked for these attachments is gone, and its captures
    // with it: let go of the tabs so the "debugging" bar does not linger.
    batcher.clear();
    detachAll();
    lastState = { captures: [] };
    broadcast({ type: PopupMessage.STATE, state: lastState });
  },
  beforeSend: () => batcher.flush(),
  // A body read answers a request the daemon made once it had the
  // response's loadingFinished: nothing queued since can change it. Under
  // load there are hundreds a second, and flushing the batch before each
  // would cut the events into as many small messages.
  unordered: (method, params) => method === HostRequest.DEBUGGER_SEND && UNORDERED_CDP_METHODS.includes(params?.method),
  log,
});

const batcher = new EventBatcher({
  send: (params) => link.notify(ExtensionNotification.CDP_EVENTS, params, { ordered: false }),
  log,
});

/** Bodies read as their responses end, for the tabs the daemon asked it for. */
const bodies = new BodyReader({
  read: (target, requestId) => chrome.debugger.sendCommand(target, 'Network.getResponseBody', { requestId }),
  push: (event) => {
    if (link.connected) batcher.push(event);
  },
  errorText,
  log,
});

function notifyHost(method, params) {
  try {
    link.notify(method, params);
  } catch (e) {
    log(`tabtap: could not send ${method}:`, e);
  }
}

// ---- daemon → extension requests ----

function tabIdOf(params) {
  const tabId = params?.tabId;
  if (!Number.isSafeInteger(tabId)) throw new HostError(ErrorCode.INVALID_ARGUMENT, 'params.tabId must be an integer');
  return tabId;
}

function stringOf(params, name) {
  const v = params?.[name];
  if (typeof v !== 'string' || v === '') throw new HostError(ErrorCode.INVALID_ARGUMENT, `params.${name} must be a non-empty string`);
  return v;
}

/** When each window last had the focus, for tabs.active's focusedAt. */
const focus = new FocusClock();
chrome.windows.onFocusChanged.addListener((windowId) => focus.changed(windowId));
chrome.windows.onRemoved.addListener((windowId) => focus.removed(windowId));

async function activeTab() {
  let tab;
  let focusedNow = false;
  try {
    const win = await chrome.windows.getLastFocused({ populate: true, windowTypes: ['normal'] });
    tab = win?.tabs?.find((t) => t.active);
    focusedNow = !!win?.focused;
  } catch {
    // no normal window
  }
  if (!tab) [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  if (!tab) [tab] = await chrome.tabs.query({ active: true });
  if (!tab) throw new HostError(ErrorCode.NO_TAB, 'no active tab: the browser has no open window');
  const out = wireTab(tab);
  const at = focus.focusedAt(tab.windowId, focusedNow);
  if (at > 0) out.focusedAt = at;
  return out;
}

/**
 * The tabs the daemon asked chrome.debugger on for, one entry each, from
 * the attach request until the detach (or the browser's onDetach):
 * `ready` settles once attached (a second request waits for it), and
 * `followPopups` says the tabs it opens are attached at once. Which tabs a
 * capture follows is the daemon's to know; this is only what the debugger
 * holds for it. `sessions` are the tab's child sessions, from
 * Target.attachedToTarget, which a drain passes through too.
 */
const held = new Map();
/** Bumped by detachAll: an attachment that started before belongs to a daemon that is gone. */
let attachEpoch = 0;

function attach(tabId, followPopups = false) {
  let h = held.get(tabId);
  if (!h) {
    h = { followPopups, sessions: new Set(), ready: null };
    held.set(tabId, h);
    h.ready = attachNow(tabId).catch((e) => {
      if (held.get(tabId) === h) held.delete(tabId);
      throw e;
    });
  }
  if (followPopups) h.followPopups = true;
  return h.ready;
}

async function attachNow(tabId) {
  const target = { tabId };
  const epoch = attachEpoch;
  const lent = borrowed.get(tabId);
  if (lent) {
    // Attached for a tabs.fetch: the capture takes the attachment over.
    borrowed.delete(tabId);
    await lent.ready;
    return {};
  }
  try {
    await chrome.debugger.attach(target, DEBUGGER_PROTOCOL_VERSION);
  } catch (e) {
    // Attached by an earlier life of this worker? Start over once.
    if (!/already attached/i.test(errorText(e))) throw e;
    try {
      await chrome.debugger.detach(target);
    } catch {
      throw e; // someone else's debugger
    }
    await chrome.debugger.attach(target, DEBUGGER_PROTOCOL_VERSION);
  }
  if (epoch !== attachEpoch) {
    // The daemon that asked went away meanwhile: no capture wants this tab.
    chrome.debugger.detach(target).catch(() => {});
    throw new HostError(ErrorCode.INTERNAL, 'the tabtap host disconnected during the attachment');
  }
  return {};
}

async function detach(tabId) {
  try {
    await chrome.debugger.detach({ tabId });
  } catch (e) {
    if (!/not attached|no tab with/i.test(errorText(e))) throw e;
  }
  held.delete(tabId);
  bodies.forget(tabId);
  return {};
}

function detachAll() {
  attachEpoch++;
  for (const tabId of held.keys()) {
    chrome.debugger.detach({ tabId }).catch(() => {});
    bodies.forget(tabId);
  }
  held.clear();
  // Tabs borrowed for a tabs.fetch are given back when it ends (within its timeout).
}

/**
 * debugger.drain: a barrier through chrome.debugger for the tab's own
 * session, then for each child session it knows (children attached before
 * the barrier announced themselves ahead of its reply), then a wait for
 * the body reads those events began. The answer goes out after the batch
 * queue is flushed (HostLink sends queued events before any reply), so the
 * daemon reads every earlier event, and body, first.
 */
async function drain(params) {
  const tabId = tabIdOf(params);
  const missed = [];
  // One deadline for the whole drain: the tab's barrier, then its children's.
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  const barrier = async (target) => {
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${DRAIN_TIMEOUT_MS} ms`)), Math.max(0, deadline - Date.now()));
    });
    try {
      await Promise.race([chrome.debugger.sendCommand(target, DRAIN_COMMAND, {}), late]);
    } catch (e) {
      const text = errorText(e);
      // A child that went away meanwhile has nothing left to send.
      if (target.sessionId && /no session|not found|not attached/i.test(text)) return false;
      missed.push(target.sessionId ? { sessionId: target.sessionId, reason: text } : { reason: text });
    } finally {
      clearTimeout(timer);
    }
    return true;
  };
  await held.get(tabId)?.ready?.catch(() => {});
  let targets = 0;
  if (await barrier({ tabId })) targets++;
  const sessions = [...(held.get(tabId)?.sessions ?? [])];
  const drained = await Promise.all(sessions.map((sessionId) => barrier({ tabId, sessionId })));
  targets += drained.filter(Boolean).length;
  let timer;
  const read = await Promise.race([
    bodies.idle(tabId).then(() => true),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    }),
  ]);
  clearTimeout(timer);
  if (!read) missed.push({ reason: `body reads still under way after ${DRAIN_TIMEOUT_MS} ms` });
  const out = { targets };
  if (missed.length) out.missed = missed;
  return out;
}

// ---- tabs.fetch: a request sent again from a tab, as the person ----

/**
 * Tabs attached for tabs.fetch alone (no capture holds them): their
 * events are not relayed, and they are detached after the last request,
 * unless a capture took the attachment over meanwhile.
 * @type {Map<number, {users: number, ready: Promise<void>}>}
 */
const borrowed = new Map();

/** Attaches the debugger to a tab for a request unless a capture has it. */
async function borrow(tabId) {
  const h = held.get(tabId);
  if (h) {
    await h.ready;
    return;
  }
  let lent = borrowed.get(tabId);
  if (!lent) {
    lent = { users: 0, ready: chrome.debugger.attach({ tabId }, DEBUGGER_PROTOCOL_VERSION) };
    borrowed.set(tabId, lent);
    lent.ready.catch(() => borrowed.get(tabId) === lent && borrowed.delete(tabId));
  }
  lent.users++;
  try {
    await lent.ready;
  } catch (e) {
    lent.users--;
    throw e;
  }
}

function giveBack(tabId) {
  const lent = borrowed.get(tabId);
  if (!lent || --lent.users > 0) return;
  borrowed.delete(tabId);
  chrome.debugger.detach({ tabId }).catch(() => {});
}

async function tabFetch(p) {
  const tabId = tabIdOf(p);
  const method = stringOf(p, 'method');
  const url = stringOf(p, 'url');
  const tag = stringOf(p, 'tag');
  // The person's settings, checked here again whatever the daemon decided.
  const policy = await loadPolicy(chrome.storage.local);
  const refusal = sendRefusal(policy, method, url);
  if (refusal) throw new HostError(ErrorCode.FORBIDDEN, refusal);
  const tab = await chrome.tabs.get(tabId);
  if (!/^https?:/i.test(tab.url || '')) {
    throw new HostError(ErrorCode.NOT_DEBUGGABLE, `tab ${tabId} does not show a web page (${tab.url || 'nothing yet'}): a request goes from a page of its site`);
  }
  const req = {
    method,
    url,
    headers: Array.isArray(p.headers) ? p.headers.filter((h) => typeof h?.name === 'string' && typeof h?.value === 'string') : [],
    bodyBase64: typeof p.bodyBase64 === 'string' ? p.bodyBase64 : '',
    timeoutMs: Number.isSafeInteger(p.timeoutMs) && p.timeoutMs > 0 ? p.timeoutMs : 30_000,
    maxBodyBytes: Number.isSafeInteger(p.maxBodyBytes) && p.maxBodyBytes >= 0 ? p.maxBodyBytes : 0,
  };
  const expression = pageFetchExpression(req, tag);
  const target = { tabId };
  await borrow(tabId);
  let out;
  try {
    const { frameTree } = await chrome.debugger.sendCommand(target, 'Page.getFrameTree', {});
    const world = await chrome.debugger.sendCommand(target, 'Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName: 'tabtap' });
    out = await chrome.debugger.sendCommand(target, 'Runtime.evaluate', {
      expression,
      contextId: world.executionContextId,
      awaitPromise: true,
      returnByValue: true,
    });
  } finally {
    giveBack(tabId);
  }
  const res = out?.result?.value;
  if (out?.exceptionDetails || !res || typeof res !== 'object') {
    throw new HostError(ErrorCode.BROWSER, `the page could not send the request: ${out?.exceptionDetails?.exception?.description ?? out?.exceptionDetails?.text ?? 'no answer'}`);
  }
  if (res.error) {
    throw new HostError(
      ErrorCode.BROWSER,
      `the browser did not complete the request from ${new URL(tab.url).origin}: ${res.error} (a page of another site than the request's may not read its answer (CORS), the page's Content-Security-Policy may forbid it, or the network failed)`,
    );
  }
  if (res.redirected) {
    const after = sendRefusal(policy, 'GET', res.url);
    if (after) throw new HostError(ErrorCode.FORBIDDEN, `the request was redirected to ${res.url.split(/[?#]/)[0]}; its answer is withheld: ${after}`);
  }
  return res;
}

async function send(params) {
  const tabId = tabIdOf(params);
  const method = stringOf(params, 'method');
  if (!RELAYED_CDP_METHODS.includes(method)) {
    throw new HostError(ErrorCode.INVALID_ARGUMENT, `the tabtap extension does not relay ${method}: it relays only ${RELAYED_CDP_METHODS.join(', ')}`);
  }
  const target = { tabId };
  if (params.sessionId) {
    if (typeof params.sessionId !== 'string') throw new HostError(ErrorCode.INVALID_ARGUMENT, 'params.sessionId must be a string');
    target.sessionId = params.sessionId;
  }
  const commandParams = params.params && typeof params.params === 'object' ? params.params : {};
  const result = await chrome.debugger.sendCommand(target, method, commandParams);
  // Its body comes as its data: there is none to read at its end.
  if (method === 'Network.streamResourceContent') bodies.streamed(tabId, target.sessionId, commandParams.requestId);
  const max = Number.isSafeInteger(params.maxFieldLength) ? params.maxFieldLength : 0;
  return truncateResult(result, max);
}

const hostRequests = {
  [HostRequest.TABS_LIST]: async () => ({ tabs: (await chrome.tabs.query({})).map(wireTab) }),
  [HostRequest.TABS_GET]: async (p) => wireTab(await chrome.tabs.get(tabIdOf(p))),
  [HostRequest.TABS_ACTIVE]: activeTab,
  [HostRequest.TABS_OPEN]: async (p) =>
    wireTab(await chrome.tabs.create({ url: typeof p?.url === 'string' && p.url ? p.url : undefined, active: p?.active === true })),
  [HostRequest.TABS_NAVIGATE]: async (p) => {
    await chrome.tabs.update(tabIdOf(p), { url: stringOf(p, 'url') });
    return {};
  },
  [HostRequest.TABS_RELOAD]: async (p) => {
    await chrome.tabs.reload(tabIdOf(p));
    return {};
  },
  [HostRequest.TABS_FETCH]: tabFetch,
  [HostRequest.DEBUGGER_ATTACH]: (p) => attach(tabIdOf(p), p.followPopups === true),
  [HostRequest.DEBUGGER_DETACH]: (p) => detach(tabIdOf(p)),
  [HostRequest.DEBUGGER_SEND]: send,
  [HostRequest.DEBUGGER_DRAIN]: drain,
  [HostRequest.DEBUGGER_BODIES]: (p) => {
    const tabId = tabIdOf(p);
    const max = p.maxFieldLength;
    if (!Number.isSafeInteger(max) || max < 0) throw new HostError(ErrorCode.INVALID_ARGUMENT, 'params.maxFieldLength must be an integer ≥ 0');
    if (!held.has(tabId)) throw new HostError(ErrorCode.CONFLICT, `tab ${tabId} is not attached: debugger.attach comes first`);
    bodies.set(tabId, max);
    return {};
  },
};

async function handleHostRequest(method, params) {
  const handler = Object.hasOwn(hostRequests, method) ? hostRequests[method] : null;
  if (!handler) throw new HostError(ErrorCode.INVALID_ARGUMENT, `unknown method: ${method}`);
  try {
    return await handler(params ?? {});
  } catch (e) {
    if (e instanceof HostError) throw e;
    const text = errorText(e);
    throw new HostError(errorCode(text), text);
  }
}

// ---- daemon → extension notifications ----

function handleHostNotification(method, params) {
  if (method === HostNotification.STATE) {
    if (!params || !Array.isArray(params.captures)) {
      log('tabtap: ignored a state notification without captures:', params);
      return;
    }
    lastState = params;
    updateBadge();
    broadcast({ type: PopupMessage.STATE, state: lastState });
    return;
  }
  log(`tabtap: ignored unknown notification ${method}`);
}

// ---- browser → daemon events ----

chrome.debugger.onEvent.addListener((source, method, params) => {
  const h = held.get(source.tabId);
  if (!link.connected || !h) return;
  if (method === 'Target.attachedToTarget' && params?.sessionId) h.sessions.add(params.sessionId);
  else if (method === 'Target.detachedFromTarget' && params?.sessionId) h.sessions.delete(params.sessionId);
  const event = { tabId: source.tabId, method };
  if (source.sessionId) event.sessionId = source.sessionId;
  if (params !== undefined) event.params = params;
  // Its body, when read, is queued after it: the read answers later.
  if (bodies.observe(source.tabId, source.sessionId, method, params)) event.bodyFollows = true;
  batcher.push(event);
});

/** How long a tab's detach notice waits for its last body reads. */
const DETACH_BODY_WAIT_MS = 2000;

chrome.debugger.onDetach.addListener((source, reason) => {
  if (source.tabId === undefined) return;
  borrowed.delete(source.tabId);
  held.delete(source.tabId);
  bodies.forget(source.tabId);
  // The bodies of its last responses go first, read or failed (a read
  // fails at once now): the daemon takes nothing of a tab once it hears
  // the tab is gone.
  const notify = () => notifyHost(ExtensionNotification.DEBUGGER_DETACHED, { tabId: source.tabId, reason });
  Promise.race([bodies.idle(source.tabId), new Promise((resolve) => setTimeout(resolve, DETACH_BODY_WAIT_MS))]).then(notify, notify);
});

chrome.tabs.onCreated.addListener((tab) => {
  // A popup of a captured tab: attach before the daemon hears of it, so
  // that as little of its first load as possible is missed. The daemon's
  // own attach request then finds it attached.
  if (tab.openerTabId !== undefined && held.get(tab.openerTabId)?.followPopups && link.connected) {
    bodies.set(tab.id, bodies.limit(tab.openerTabId));
    attach(tab.id, true)
      // Start recording at once; the daemon arms the tab fully when it hears of it.
      .then(() => chrome.debugger.sendCommand({ tabId: tab.id }, 'Network.enable', {}))
      .catch((e) => {
        bodies.forget(tab.id);
        log('tabtap: could not follow a popup:', errorText(e));
      });
  }
  notifyHost(ExtensionNotification.TABS_CREATED, wireTab(tab));
});

chrome.tabs.onRemoved.addListener((tabId) => {
  notifyHost(ExtensionNotification.TABS_REMOVED, { tabId });
});

// ---- badge ----

function updateBadge() {
  const b = badgeFor(lastState, link.connected);
  Promise.all([
    chrome.action.setBadgeText({ text: b.text }),
    chrome.action.setBadgeBackgroundColor({ color: b.color }),
    chrome.action.setBadgeTextColor?.({ color: '#ffffff' }),
    chrome.action.setTitle({ title: b.title }),
  ]).catch((e) => log('tabtap: could not update the badge:', e));
}

// ---- popup ----

const UI_TIMEOUT_MS = 30_000;
const EXPORT_TIMEOUT_MS = 300_000;
/** Export text goes to the popup in slices well under the 64 MiB message cap. */
const EXPORT_SLICE_CHARS = 4 * 1024 * 1024;

function broadcast(msg) {
  for (const port of popups) {
    try {
      port.postMessage(msg);
    } catch {
      popups.delete(port);
    }
  }
}

function postToPopup(port, msg) {
  try {
    port.postMessage(msg);
    return true;
  } catch (e) {
    log('tabtap: could not answer the popup:', e);
    return false;
  }
}

async function popupCall(port, id, method, params) {
  if (typeof method !== 'string' || !Object.values(UIRequest).includes(method)) {
    postToPopup(port, { type: PopupMessage.REPLY, id, error: { code: ErrorCode.INVALID_ARGUMENT, message: `unknown popup request: ${method}` } });
    return;
  }
  const isExport = method === UIRequest.EXPORT;
  let result;
  try {
    result = await link.request(method, params ?? {}, { timeoutMs: isExport ? EXPORT_TIMEOUT_MS : UI_TIMEOUT_MS });
  } catch (e) {
    postToPopup(port, { type: PopupMessage.REPLY, id, error: wireError(e) });
    return;
  }
  if (!isExport) {
    postToPopup(port, { type: PopupMessage.REPLY, id, result });
    return;
  }
  // A capture can be tens of MB: send its JSON text in slices, then the reply.
  let text;
  try {
    text = JSON.stringify(result?.content ?? null);
  } catch (e) {
    postToPopup(port, { type: PopupMessage.REPLY, id, error: { code: ErrorCode.INTERNAL, message: `could not serialise the export: ${errorText(e)}` } });
    return;
  }
  for (let off = 0; off < text.length; off += EXPORT_SLICE_CHARS) {
    if (!postToPopup(port, { type: PopupMessage.PART, id, text: text.slice(off, off + EXPORT_SLICE_CHARS) })) return;
  }
  postToPopup(port, { type: PopupMessage.REPLY, id, result: { fileName: result?.fileName || '', length: text.length } });
}

chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== POPUP_PORT_NAME || port.sender?.id !== chrome.runtime.id) return;
  popups.add(port);
  port.onDisconnect.addListener(() => popups.delete(port));
  port.onMessage.addListener((msg) => {
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === PopupMessage.CALL) popupCall(port, msg.id, msg.method, msg.params);
    else if (msg.type === PopupMessage.RETRY) link.connectNow();
  });
  postToPopup(port, { type: PopupMessage.HOST, host: link.status() });
  postToPopup(port, { type: PopupMessage.STATE, state: lastState });
  // Opening the popup retries at once (e.g. right after the installer ran).
  ready.then(() => {
    if (!link.connected) link.connectNow();
  });
});

// ---- start ----

// Listening for onStartup makes the browser start this worker with the
// profile, so the daemon (and a capture an agent asks for) is there without
// the person opening the popup first.
chrome.runtime.onStartup.addListener(() => {});
chrome.runtime.onInstalled.addListener(() => {});

async function start() {
  // A worker that starts anew has a new daemon: any debugger still attached
  // by this extension belongs to captures that no longer exist.
  try {
    const targets = await chrome.debugger.getTargets();
    await Promise.all(
      targets.filter((t) => t.attached && t.tabId !== undefined).map((t) => chrome.debugger.detach({ tabId: t.tabId }).catch(() => {})),
    );
  } catch (e) {
    log('tabtap: could not list debugger targets:', e);
  }
  updateBadge();
  link.start();
}

const ready = start();

// Exposed for debugging from the worker's console.
globalThis.tabtap = { link, batcher, bodies, held, borrowed, state: () => lastState, tabFetch };
