// popup.js — the person's interface. Talks only to the service worker, over a
// runtime port (protocol.js: POPUP_PORT_NAME, PopupMessage); the worker
// relays ui.* requests to the daemon and answers at once with the reason when
// the daemon is not connected. Refreshes the counters about once a second.
// Opened as a page with ?tabId=N it shows tab N (handy for tests).

import { CaptureStatus, ErrorCode, POPUP_PORT_NAME, PopupMessage, UIRequest } from './protocol.js';
import { captureForTab, exportFileName, formatBytes, formatDuration, sentByAgents, summary, whyNotCapturable } from './lib/view.js';

const $ = (id) => document.getElementById(id);

const view = {
  host: { connected: false, heardFromHost: false, lastError: '', mismatch: null, disagreement: null },
  statusOk: false, // the last ui.status succeeded
  tab: null, // chrome.tabs.Tab
  captures: [],
  browser: '',
  clients: 0,
  busy: false,
};

// ---- worker link ----

let port = null;
let nextId = 1;
/** @type {Map<number, {resolve: Function, reject: Function, parts: string[]}>} */
const calls = new Map();

function connectWorker() {
  port = chrome.runtime.connect({ name: POPUP_PORT_NAME });
  port.onMessage.addListener(onWorkerMessage);
  port.onDisconnect.addListener(() => {
    // The worker restarted: fail what was in flight, reconnect.
    for (const [, c] of calls) c.reject(new Error('the extension restarted; try again'));
    calls.clear();
    port = null;
    setTimeout(connectWorker, 200);
  });
}

function onWorkerMessage(msg) {
  switch (msg?.type) {
    case PopupMessage.HOST:
      view.host = msg.host;
      if (!msg.host.connected) view.statusOk = false;
      render();
      if (msg.host.connected) refresh();
      break;
    case PopupMessage.STATE:
      if (Array.isArray(msg.state?.captures)) {
        view.captures = msg.state.captures;
        render();
      }
      break;
    case PopupMessage.PART: {
      const c = calls.get(msg.id);
      if (c) c.parts.push(msg.text);
      break;
    }
    case PopupMessage.REPLY: {
      const c = calls.get(msg.id);
      if (!c) break;
      calls.delete(msg.id);
      if (msg.error) c.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else c.resolve({ result: msg.result, parts: c.parts });
      break;
    }
    default:
      break;
  }
}

function call(method, params) {
  if (!port) return Promise.reject(new Error('the extension is restarting; try again'));
  const id = nextId++;
  return new Promise((resolve, reject) => {
    calls.set(id, { resolve, reject, parts: [] });
    port.postMessage({ type: PopupMessage.CALL, id, method, params });
  });
}

/** Applies a UIStatus answer. */
function applyStatus(st) {
  if (!st) return;
  if (Array.isArray(st.captures)) view.captures = st.captures;
  if (typeof st.browser === 'string') view.browser = st.browser;
  if (Number.isInteger(st.clients)) view.clients = st.clients;
}

// ---- actions ----

let refreshing = false;
async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    if (view.tab) {
      try {
        view.tab = await chrome.tabs.get(view.tab.id);
      } catch {
        // the tab closed; keep what we knew
      }
    }
    if (!view.host.connected) return;
    try {
      applyStatus((await call(UIRequest.STATUS, { tabId: view.tab?.id ?? 0 })).result);
      view.statusOk = true;
    } catch (e) {
      view.statusOk = false;
      if (!shownElsewhere(e)) say(e.message);
    }
  } finally {
    refreshing = false;
    render();
  }
}

/** Whether a box of its own already says what error e says. */
function shownElsewhere(e) {
  return e.code === ErrorCode.HOST_UNAVAILABLE || (e.code === ErrorCode.VERSION_MISMATCH && !!view.host.mismatch);
}

async function act(fn) {
  if (view.busy) return;
  view.busy = true;
  say('');
  render();
  try {
    await fn();
  } catch (e) {
    if (!shownElsewhere(e)) say(e.message);
  } finally {
    view.busy = false;
    render();
  }
}

function start() {
  return act(async () => {
    const { result } = await call(UIRequest.START, { tabId: view.tab.id, reload: $('reload').checked });
    applyStatus(result);
  });
}

function stop(sessionId) {
  return act(async () => applyStatus((await call(UIRequest.STOP, { sessionId })).result));
}

function clear(sessionId) {
  return act(async () => {
    applyStatus((await call(UIRequest.CLEAR, { sessionId })).result);
    say('Cleared: the capture goes on from here.', true);
  });
}

function download(sessionId, format) {
  return act(async () => {
    say(`Preparing the ${format.toUpperCase()} file…`, true);
    const { result, parts } = await call(UIRequest.EXPORT, { sessionId, format });
    const blob = new Blob(parts, { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = exportFileName(result?.fileName, sessionId, format);
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    say(`Saved ${a.download} (${formatBytes(blob.size)}).`, true);
  });
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Fallback when the clipboard API is refused.
    const t = document.createElement('textarea');
    t.value = text;
    document.body.append(t);
    t.select();
    document.execCommand('copy');
    t.remove();
  }
  const old = button.textContent;
  button.textContent = 'Copied';
  setTimeout(() => (button.textContent = old), 1200);
}

// ---- rendering ----

function say(text, info = false) {
  const m = $('message');
  m.textContent = text;
  m.className = info ? 'info' : 'error';
}

function show(el, on) {
  el.hidden = !on;
}

function render() {
  const { host } = view;
  const conn = $('conn');
  if (!host.connected) {
    conn.textContent = 'Not connected';
    conn.className = 'pill pill-bad';
  } else if (host.mismatch) {
    conn.textContent = 'Versions differ';
    conn.className = 'pill pill-bad';
  } else if (!view.statusOk) {
    conn.textContent = 'Connecting…';
    conn.className = 'pill pill-wait';
  } else {
    const agents = view.clients === 1 ? '1 agent' : `${view.clients} agents`;
    conn.textContent = `Connected · ${agents}`;
    conn.className = 'pill pill-ok';
  }
  show($('offline'), !host.connected);
  $('offline-error').textContent = host.lastError || 'none yet (still trying)';
  show($('mismatch'), host.connected && !!host.mismatch);
  $('mismatch-text').textContent = host.mismatch?.message ?? '';
  show($('versions'), host.connected && !host.mismatch && !!host.disagreement);
  $('versions-text').textContent = host.disagreement?.message ?? '';
  $('footer').textContent = view.browser ? `Profile: ${view.browser}` : '';

  const tab = view.tab;
  $('tab-title').textContent = tab ? tab.title || '(untitled)' : 'No tab';
  $('tab-url').textContent = tab ? tab.url || tab.pendingUrl || '' : '';

  const cur = tab ? captureForTab(view.captures, tab.id) : null;
  const running = cur && cur.status === CaptureStatus.ACTIVE;
  const why = tab ? whyNotCapturable(tab.url || tab.pendingUrl) : 'No tab to capture.';

  show($('idle'), !running);
  $('start').textContent = cur ? 'Start a new capture' : 'Start capture';
  show($('current'), !!cur);
  $('start').disabled = view.busy || !host.connected || !!host.mismatch || !tab || !!why;
  show($('cannot'), !!why);
  $('cannot').textContent = why;

  if (cur) {
    const since = Date.parse(cur.startTime);
    const dur = Number.isFinite(since) ? formatDuration(Date.now() - since) : '';
    let status;
    if (running) status = `● Capturing${dur ? ` for ${dur}` : ''}${cur.startedBy === 'agent' ? ' (started by an agent)' : ''}`;
    else status = `Capture stopped${cur.endReason ? `: ${cur.endReason}` : ''}`;
    $('current-status').textContent = status;
    $('current-status').className = running ? 'status live' : 'status';
    $('c-requests').textContent = cur.requests ?? 0;
    $('c-responses').textContent = cur.responses ?? 0;
    $('c-ws').textContent = cur.wsFrames ?? 0;
    $('c-streaming').textContent = cur.streamingResponses ?? 0;
    $('c-bytes').textContent = formatBytes(cur.bytes ?? 0);
    $('c-dropped').textContent = cur.dropped ?? 0;
    show($('c-sent'), running);
    $('c-sent').textContent = sentByAgents(cur.sent);
    show($('running-actions'), running);
    show($('stopped-actions'), !running);
    $('current-session').textContent = cur.sessionId;
    for (const id of ['stop', 'clear', 'har', 'json']) $(id).disabled = view.busy || !host.connected;
  }

  renderOthers(view.captures.filter((c) => c !== cur));
}

/** Keyed update of the other captures, so focus survives the refreshes. */
const rows = new Map();
function renderOthers(captures) {
  show($('others'), captures.length > 0);
  const list = $('capture-list');
  const keep = new Set();
  for (const c of captures) {
    keep.add(c.sessionId);
    let row = rows.get(c.sessionId);
    if (!row) {
      row = makeRow(c.sessionId);
      rows.set(c.sessionId, row);
    }
    list.append(row.li); // keeps daemon order; moving an element keeps its focus
    const active = c.status === CaptureStatus.ACTIVE;
    row.title.textContent = c.title || c.url || `tab ${c.tabId}`;
    row.title.title = c.url || '';
    const who = c.startedBy === 'agent' ? 'started by an agent' : 'started from the popup';
    row.meta.textContent = `${active ? '● capturing' : 'stopped'} · ${who} · tab ${c.tabId}${c.endReason ? ` · ${c.endReason}` : ''}`;
    row.meta.className = active ? 'meta live' : 'meta';
    row.counts.textContent = `${summary(c)} · ${formatBytes(c.bytes ?? 0)}`;
    row.session.textContent = c.sessionId;
    row.copy.setAttribute('aria-label', `Copy session ID ${c.sessionId}`);
    row.stop.hidden = !active;
    row.har.hidden = active;
    row.stop.disabled = row.har.disabled = view.busy || !view.host.connected;
  }
  for (const [id, row] of rows) {
    if (!keep.has(id)) {
      row.li.remove();
      rows.delete(id);
    }
  }
}

function makeRow(sessionId) {
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  };
  const li = el('li', 'capture');
  const title = el('div', 'title');
  const meta = el('div', 'meta');
  const counts = el('div', 'detail');
  const line = el('div', 'session');
  const session = el('code');
  const copyBtn = el('button', 'small', 'Copy');
  copyBtn.type = 'button';
  copyBtn.addEventListener('click', () => copy(sessionId, copyBtn));
  const stopBtn = el('button', 'small danger', 'Stop');
  stopBtn.type = 'button';
  stopBtn.setAttribute('aria-label', `Stop capture ${sessionId}`);
  stopBtn.addEventListener('click', () => stop(sessionId));
  const harBtn = el('button', 'small', 'HAR');
  harBtn.type = 'button';
  harBtn.setAttribute('aria-label', `Download HAR of capture ${sessionId}`);
  harBtn.addEventListener('click', () => download(sessionId, 'har'));
  line.append('Session ', session, ' ', copyBtn, ' ', stopBtn, harBtn);
  li.append(title, meta, counts, line);
  return { li, title, meta, counts, session, copy: copyBtn, stop: stopBtn, har: harBtn };
}

// ---- start ----

function currentSession() {
  return $('current-session').textContent;
}

async function init() {
  $('start').addEventListener('click', start);
  $('stop').addEventListener('click', () => stop(currentSession()));
  $('clear').addEventListener('click', () => clear(currentSession()));
  $('har').addEventListener('click', () => download(currentSession(), 'har'));
  $('json').addEventListener('click', () => download(currentSession(), 'json'));
  $('copy-current').addEventListener('click', (e) => copy(currentSession(), e.currentTarget));
  $('retry').addEventListener('click', () => {
    say('');
    port?.postMessage({ type: PopupMessage.RETRY });
  });

  const wanted = Number.parseInt(new URLSearchParams(location.search).get('tabId') ?? '', 10);
  try {
    if (Number.isInteger(wanted)) view.tab = await chrome.tabs.get(wanted);
    else [view.tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  } catch (e) {
    say(`Cannot read the current tab: ${e.message}`);
  }
  connectWorker();
  render();
  refresh();
  setInterval(refresh, 1000);
}

init();
