// lib/hostlink.js — the extension's end of the native messaging connection to
// the tabtap daemon: one port, `hello` first on every new port and the
// daemon's `welcome` checked against it, reconnection with backoff, request
// ids and replies in both directions (the envelope and error shape of
// host/rpc: {id, error: {code, message}}), reassembly of chunked messages,
// and a clear reason when the host is not there. It knows nothing of tabs or
// debuggers: sw.js gives it a `connect` function (that calls
// chrome.runtime.connectNative) and the handlers, which keeps this file
// testable with a fake port.

import { ErrorCode, HostNotification, PROTOCOL_VERSION } from '../protocol.js';
import { Backoff } from './backoff.js';
import { ChunkAssembler, ChunkError } from './chunks.js';
import { isTooLargeError } from './events.js';

const CODES = new Set(Object.values(ErrorCode));

/** A failed request: `code` is one of ErrorCode, the message is for a person. */
export class HostError extends Error {
  constructor(code, message) {
    super(message);
    this.code = CODES.has(code) ? code : ErrorCode.INTERNAL;
  }
}

/** The reason the daemon is unreachable, as the person should read it. */
export class HostUnavailableError extends HostError {
  constructor(message) {
    super(ErrorCode.HOST_UNAVAILABLE, message);
  }
}

/** The wire form {code, message} of anything a handler threw. */
export function wireError(e) {
  const message = String((e && e.message) || e || 'unknown error');
  const code = e && CODES.has(e.code) ? e.code : ErrorCode.INTERNAL;
  return { code, message };
}

/**
 * What to say when the two sides speak different protocol versions, or null
 * when they agree. `host` is the daemon's welcome ({protocolVersion,
 * hostVersion}), or null for a daemon too old to send one.
 */
export function versionMismatch(extensionVersion, host) {
  const hostProtocol = host && Number.isInteger(host.protocolVersion) ? host.protocolVersion : 0;
  if (hostProtocol === PROTOCOL_VERSION) return null;
  const ext = `version ${extensionVersion || '?'}, protocol ${PROTOCOL_VERSION}`;
  const hostText = host?.hostVersion ? `version ${host.hostVersion}, protocol ${hostProtocol}` : `protocol ${hostProtocol}`;
  if (hostProtocol < PROTOCOL_VERSION) {
    return {
      code: ErrorCode.VERSION_MISMATCH,
      message: `The tabtap host (${hostText}) is older than this extension (${ext}). Update it: run \`tabtap install\` from tabtap ${extensionVersion || 'of this extension\'s version'} (or \`go run ./installer\` in its source folder), then reload the extension on chrome://extensions.`,
    };
  }
  return {
    code: ErrorCode.VERSION_MISMATCH,
    message: `This extension (${ext}) is older than the tabtap host (${hostText}). Reload the extension on chrome://extensions from the folder the installer printed (update that folder first if it is an old copy).`,
  };
}

/** The numbers of a version: "v0.2.0-rc.1" gives [0, 2, 0]; null for none. */
export function versionNumbers(v) {
  const m = /^v?(\d+(?:\.\d+){0,3})(?:[-+].*)?$/.exec(String(v ?? ''));
  return m ? m[1].split('.').map(Number) : null;
}

/** -1, 0 or 1 as the version numbers a are lower, the same or higher than b (missing numbers are 0). */
function compareNumbers(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * What to say when the extension and the daemon are different tabtap
 * versions (both speaking this protocol), or null when they are the same
 * or one is unknown. `tabtap install` writes the binary's version into the
 * extension's manifest, so after an upgrade the two differ until the
 * browser loads the new extension: `older` says which side is behind and
 * the message what to do. A build marked -dev counts by its numbers.
 */
export function versionDisagreement(extensionVersion, hostVersion) {
  const ext = versionNumbers(extensionVersion);
  const host = versionNumbers(hostVersion);
  if (!ext || !host) return null;
  const order = compareNumbers(ext, host);
  if (order === 0) return null;
  if (order < 0) {
    return {
      older: 'extension',
      message: `This extension is tabtap ${extensionVersion}, the host ${hostVersion}. Reload the extension on chrome://extensions (since \`tabtap install\` its folder holds ${hostVersion}), or restart the browser.`,
    };
  }
  return {
    older: 'host',
    message: `This extension is tabtap ${extensionVersion}, the host ${hostVersion}. Update the host: run \`tabtap install\` from tabtap ${extensionVersion} (or \`go run ./installer\` in its source folder), then restart the browser.`,
  };
}

export class HostLink {
  /**
   * @param {object} o
   * @param {() => {postMessage: Function, onMessage: {addListener: Function}, onDisconnect: {addListener: Function}}} o.connect
   * @param {() => string|undefined} [o.lastError]  chrome.runtime.lastError's message, read inside onDisconnect
   * @param {() => Promise<object>|object} o.hello  params of the hello notification
   * @param {(method: string, params: any) => Promise<any>|any} o.onRequest  answers a daemon request (throw to fail it)
   * @param {(method: string, params: any) => void} [o.onNotification]
   * @param {(status: object) => void} [o.onStatus]  connection changes
   * @param {(reason: string) => void} [o.onDisconnect]  the port closed
   * @param {() => void} [o.beforeSend]  runs before each ordered message (flushes queued events)
   * @param {(method: string, params: any) => boolean} [o.unordered]  true for a request whose
   *   reply need not wait for queued events (a body read): it goes out at once
   * @param {(fn: Function, ms: number) => any} [o.schedule]
   * @param {(handle: any) => void} [o.cancel]
   * @param {() => number} [o.now]
   * @param {Backoff} [o.backoff]
   * @param {ChunkAssembler} [o.chunks]
   * @param {number} [o.requestTimeoutMs]
   * @param {(…args) => void} [o.log]
   */
  constructor(o) {
    this.connectFn = o.connect;
    this.lastErrorFn = o.lastError ?? (() => undefined);
    this.helloFn = o.hello;
    this.onRequest = o.onRequest;
    this.onNotification = o.onNotification ?? (() => {});
    this.onStatus = o.onStatus ?? (() => {});
    this.onDisconnectFn = o.onDisconnect ?? (() => {});
    this.beforeSend = o.beforeSend ?? (() => {});
    this.unordered = o.unordered ?? (() => false);
    this.schedule = o.schedule ?? ((fn, ms) => setTimeout(fn, ms));
    this.cancel = o.cancel ?? ((h) => clearTimeout(h));
    this.now = o.now ?? Date.now;
    this.backoff = o.backoff ?? new Backoff();
    this.chunks = o.chunks ?? new ChunkAssembler({ now: this.now });
    this.requestTimeoutMs = o.requestTimeoutMs ?? 30_000;
    this.log = o.log ?? (() => {});

    this.port = null;
    this.opening = false;
    this.retryTimer = null;
    this.retryAt = 0;
    this.sweepTimer = null;
    this.lastError = '';
    this.disconnectedAt = 0;
    this.heardFromHost = false;
    this.extensionVersion = '';
    /** The daemon's welcome on this port, or null before it (or from a daemon too old to send one). */
    this.host = null;
    /** {code, message} while the two sides speak different protocol versions. */
    this.mismatch = null;
    this.nextId = 1;
    /** @type {Map<number, {resolve: Function, reject: Function, timer: any, method: string}>} */
    this.pending = new Map();
  }

  get connected() {
    return this.port !== null;
  }

  /** What the popup shows about the connection. */
  status() {
    return {
      connected: this.port !== null,
      heardFromHost: this.heardFromHost,
      lastError: this.lastError,
      disconnectedAt: this.disconnectedAt,
      retryAt: this.port === null ? this.retryAt : 0,
      hostVersion: this.host?.hostVersion ?? '',
      extensionVersion: this.extensionVersion,
      mismatch: this.port === null ? null : this.mismatch,
      disagreement: this.port === null || this.mismatch ? null : versionDisagreement(this.extensionVersion, this.host?.hostVersion),
    };
  }

  /** Connects unless connected, connecting or waiting to retry. */
  start() {
    if (this.port || this.opening || this.retryTimer !== null) return;
    this.open();
  }

  /** Connects now: skips a pending wait and starts the backoff over. */
  connectNow() {
    if (this.port || this.opening) return;
    if (this.retryTimer !== null) {
      this.cancel(this.retryTimer);
      this.retryTimer = null;
    }
    this.backoff.reset();
    this.open();
  }

  async open() {
    this.opening = true;
    let port;
    try {
      const hello = { ...(await this.helloFn()), protocolVersion: PROTOCOL_VERSION };
      this.extensionVersion = hello.extensionVersion ?? '';
      this.host = null;
      this.mismatch = null;
      port = this.connectFn();
      port.onMessage.addListener((msg) => this.receive(port, msg));
      port.onDisconnect.addListener(() => this.closed(port, this.lastErrorFn()));
      port.postMessage({ method: 'hello', params: hello });
    } catch (e) {
      this.opening = false;
      this.log('tabtap: could not connect to the native host:', e);
      this.port = port ?? null;
      this.closed(this.port, (e && e.message) || String(e));
      return;
    }
    this.opening = false;
    this.port = port;
    this.heardFromHost = false;
    this.retryAt = 0;
    this.backoff.connected(this.now());
    this.onStatus(this.status());
  }

  closed(port, reason) {
    if (port !== this.port && port !== null) return; // an old port
    const wasUp = this.port !== null;
    const previous = this.lastError;
    const hadHost = this.heardFromHost;
    this.port = null;
    this.lastError = reason || 'the tabtap host closed the connection';
    this.disconnectedAt = this.now();
    this.heardFromHost = false;
    // Say it once, not on every retry while the host is not installed.
    if (hadHost || this.lastError !== previous) this.log(`tabtap: native host disconnected: ${this.lastError}`);
    const err = new HostUnavailableError(`tabtap host not connected: ${this.lastError}`);
    for (const [, p] of this.pending) {
      this.cancel(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    this.chunks.clear();
    if (this.sweepTimer !== null) {
      this.cancel(this.sweepTimer);
      this.sweepTimer = null;
    }
    if (wasUp) {
      try {
        this.onDisconnectFn(this.lastError);
      } catch (e) {
        this.log('tabtap: disconnect handler failed:', e);
      }
    }
    const delay = this.backoff.disconnected(this.now());
    this.retryAt = this.now() + delay;
    if (this.retryTimer === null) {
      this.retryTimer = this.schedule(() => {
        this.retryTimer = null;
        this.open();
      }, delay);
    }
    this.onStatus(this.status());
  }

  /**
   * Sends a request to the daemon; resolves with its result, rejects with its
   * error (or at once with HostUnavailableError when there is no daemon).
   */
  request(method, params, { timeoutMs = this.requestTimeoutMs } = {}) {
    if (!this.port) {
      const why = this.lastError || 'not connected yet';
      return Promise.reject(new HostUnavailableError(`tabtap host not connected: ${why}`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.schedule(() => {
        if (this.pending.delete(id)) reject(new HostError(ErrorCode.INTERNAL, `the tabtap host did not answer ${method} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, method });
      let sent;
      try {
        sent = this.post({ id, method, params: params ?? {} });
      } catch (e) {
        sent = false;
      }
      if (!sent) {
        this.pending.delete(id);
        this.cancel(timer);
        reject(new HostUnavailableError(`tabtap host not connected: ${this.lastError || 'the message could not be sent'}`));
      }
    });
  }

  /**
   * Sends a notification. `ordered` (the default) first runs beforeSend so
   * queued events go out before it. Returns false when there is no port;
   * throws when the message is over the native messaging size limit.
   */
  notify(method, params, { ordered = true } = {}) {
    if (ordered) this.beforeSend();
    return this.post({ method, params });
  }

  post(msg, port = this.port) {
    if (!port) return false;
    try {
      port.postMessage(msg);
      return true;
    } catch (e) {
      if (isTooLargeError(e)) throw e;
      this.log('tabtap: could not post to the native host:', e);
      return false;
    }
  }

  respond(port, id, result, { ordered = true } = {}) {
    if (port !== this.port) return; // the daemon that asked is gone
    if (ordered) this.beforeSend();
    try {
      this.post({ id, result: result ?? {} }, port);
    } catch (e) {
      const message = `the result is too large for a native message (${e.message}); ask for less, e.g. with maxFieldLength`;
      this.post({ id, error: { code: ErrorCode.INTERNAL, message } }, port);
    }
  }

  /** Answers request `id` with an error: a HostError, or anything thrown (code internal). */
  respondError(port, id, e, { ordered = true } = {}) {
    if (port !== this.port) return;
    if (ordered) this.beforeSend();
    this.post({ id, error: wireError(e) }, port);
  }

  receive(port, msg) {
    if (port !== this.port) return;
    if (!this.heardFromHost) {
      this.heardFromHost = true;
      // The daemon's first message answers hello; one that does not comes
      // from a daemon older than versions.
      if (msg?.method !== HostNotification.WELCOME) this.mismatch = versionMismatch(this.extensionVersion, null);
      this.onStatus(this.status());
    }
    try {
      this.dispatch(port, msg, false);
    } catch (e) {
      this.log('tabtap: failed to handle a host message:', e);
    }
  }

  dispatch(port, msg, reassembled) {
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) {
      this.log('tabtap: ignored a host message that is not a JSON object:', msg);
      return;
    }
    const hasId = msg.id !== undefined && msg.id !== null;
    if (hasId && !Number.isSafeInteger(msg.id)) {
      this.log('tabtap: ignored a host message with a bad id:', msg.id);
      return;
    }
    if ('method' in msg && msg.method !== undefined) {
      if (typeof msg.method !== 'string' || msg.method === '') {
        this.log('tabtap: malformed host message (method):', msg.method);
        if (hasId) this.respondError(port, msg.id, new HostError(ErrorCode.INVALID_ARGUMENT, 'malformed request: method must be a non-empty string'));
        return;
      }
      if (msg.method === HostNotification.CHUNK) {
        if (hasId) {
          this.respondError(port, msg.id, new HostError(ErrorCode.INVALID_ARGUMENT, 'chunk is a notification, not a request'));
          return;
        }
        if (reassembled) {
          this.log('tabtap: ignored a chunk inside a chunked message');
          return;
        }
        this.takeChunk(port, msg.params);
        return;
      }
      if (hasId) {
        this.answer(port, msg.id, msg.method, msg.params);
        return;
      }
      if (msg.method === HostNotification.WELCOME) {
        this.welcome(msg.params);
        return;
      }
      try {
        this.onNotification(msg.method, msg.params);
      } catch (e) {
        this.log(`tabtap: handling ${msg.method} failed:`, e);
      }
      return;
    }
    if (!hasId) {
      this.log('tabtap: ignored a host message with neither id nor method:', msg);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) {
      this.log(`tabtap: ignored a reply to unknown request ${msg.id}`);
      return;
    }
    this.pending.delete(msg.id);
    this.cancel(p.timer);
    if (msg.error === undefined || msg.error === null) {
      p.resolve(msg.result ?? {});
    } else if (typeof msg.error === 'object' && typeof msg.error.message === 'string') {
      p.reject(new HostError(msg.error.code, msg.error.message));
    } else {
      // Fail the call now rather than leave it to its timeout.
      p.reject(new HostError(ErrorCode.INTERNAL, `the tabtap host's reply to ${p.method} could not be read: ${JSON.stringify(msg.error)}`));
    }
  }

  /** The daemon's answer to hello: its versions. */
  welcome(params) {
    this.host = {
      protocolVersion: Number.isInteger(params?.protocolVersion) ? params.protocolVersion : 0,
      hostVersion: typeof params?.hostVersion === 'string' ? params.hostVersion : '',
    };
    this.mismatch = versionMismatch(this.extensionVersion, this.host);
    if (this.mismatch) this.log(`tabtap: ${this.mismatch.message}`);
    this.onStatus(this.status());
  }

  async answer(port, id, method, params) {
    // A reply comes after the events queued before it, so the daemon reads
    // them first (a drain's barrier relies on it), except where the
    // request says order does not matter: then it does not cut the batch.
    let ordered = true;
    try {
      ordered = !this.unordered(method, params);
    } catch {
      // ordered
    }
    let result;
    try {
      result = await this.onRequest(method, params);
    } catch (e) {
      this.respondError(port, id, e, { ordered });
      return;
    }
    this.respond(port, id, result, { ordered });
  }

  takeChunk(port, params) {
    let message;
    try {
      message = this.chunks.add(params);
    } catch (e) {
      if (!(e instanceof ChunkError)) throw e;
      this.log(`tabtap: dropped a chunked message: ${e.message}`);
      return;
    }
    if (message) {
      this.dispatch(port, message, true);
    } else if (this.sweepTimer === null && this.chunks.pending > 0) {
      this.sweepTimer = this.schedule(() => this.sweepChunks(), this.chunks.timeoutMs + 1000);
    }
  }

  sweepChunks() {
    this.sweepTimer = null;
    for (const id of this.chunks.sweep()) this.log(`tabtap: dropped incomplete chunked message ${id}: timed out`);
    if (this.chunks.pending > 0) {
      this.sweepTimer = this.schedule(() => this.sweepChunks(), this.chunks.timeoutMs + 1000);
    }
  }
}
