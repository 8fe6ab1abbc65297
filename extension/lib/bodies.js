// lib/bodies.js — reads response bodies as soon as the browser reports
// their loadingFinished (debugger.bodies), so that a body needs no round
// trip through the daemon. For each tab the daemon turned it on for, the
// reader notes from Network.responseReceived which responses have a body
// for the page, marks their Network.loadingFinished with `bodyFollows`, and
// sends Network.getResponseBody's answer (cut like a debugger.send reply)
// as a `tabtap.responseBody` event after it, or the browser's error. A
// drain waits for the reads of its tab (idle). Pure logic (the debugger
// and the event queue are passed in), unit tested.

import { RESPONSE_BODY_EVENT } from '../protocol.js';
import { truncateResult } from './truncate.js';

const MiB = 1024 * 1024;

/** Room left in a 48 MiB event for its envelope. */
const BODY_EVENT_LIMIT = 47 * MiB;

/**
 * Whether a response has a body for the page, from its responseReceived:
 * not a WebSocket or EventSource (their traffic is their frames or
 * messages), not 1xx, 204, 205, nor a redirect (a 304's body is the cached
 * one the page used: it is read).
 */
export function hasBody(params) {
  if (params?.type === 'WebSocket' || params?.type === 'EventSource') return false;
  const status = params?.response?.status;
  if (typeof status !== 'number') return false;
  if (status < 200 || status === 204 || status === 205) return false;
  return !(status >= 300 && status < 400 && status !== 304);
}

export class BodyReader {
  /**
   * @param {object} opts
   * @param {(target: {tabId: number, sessionId?: string}, requestId: string) => Promise<object>} opts.read
   *   sends Network.getResponseBody
   * @param {(event: object) => void} opts.push queues one event
   * @param {number} [opts.slots] reads at once: a body takes one slot, and one
   *   more per MiB it carried on the network, so that large ones do not pile up
   * @param {number} [opts.maxTracked] responses remembered per tab until their end
   * @param {(e: any) => string} [opts.errorText]
   * @param {(…args) => void} [opts.log]
   */
  constructor({ read, push, slots = 16, maxTracked = 20_000, errorText = (e) => String(e?.message ?? e), log = () => {} }) {
    this.log = log;
    this.readFn = read;
    this.push = push;
    this.slots = slots;
    this.free = slots;
    this.maxTracked = maxTracked;
    this.errorText = errorText;
    /** @type {Map<number, {limit: number, wanted: Set<string>, reads: Set<{done: Promise<void>}>}>} */
    this.tabs = new Map();
    /** Reads waiting for slots, oldest first. */
    this.queue = [];
  }

  /** Sets a tab's reads: cut each body at maxFieldLength; 0 stops them. */
  set(tabId, maxFieldLength) {
    const t = this.tabs.get(tabId);
    if (!(maxFieldLength > 0)) {
      if (t) {
        t.limit = 0;
        t.wanted.clear();
        if (t.reads.size === 0) this.tabs.delete(tabId);
      }
      return;
    }
    if (t) t.limit = maxFieldLength;
    else this.tabs.set(tabId, { limit: maxFieldLength, wanted: new Set(), reads: new Set() });
  }

  /** The tab's maxFieldLength, 0 when its bodies are not read. */
  limit(tabId) {
    return this.tabs.get(tabId)?.limit ?? 0;
  }

  /** Forgets a tab the debugger let go of; reads under way still end. */
  forget(tabId) {
    this.set(tabId, 0);
  }

  /**
   * Looks at one event of a tab before it is queued; returns true for a
   * loadingFinished whose body it reads and sends after it.
   */
  observe(tabId, sessionId, method, params) {
    const t = this.tabs.get(tabId);
    if (!t || t.limit === 0) return false;
    switch (method) {
      case 'Network.responseReceived': {
        if (!hasBody(params)) return false;
        const key = keyOf(sessionId, params.requestId);
        t.wanted.add(key);
        if (t.wanted.size > this.maxTracked) t.wanted.delete(t.wanted.values().next().value);
        return false;
      }
      case 'Network.loadingFailed':
        t.wanted.delete(keyOf(sessionId, params?.requestId));
        return false;
      case 'Network.loadingFinished': {
        if (!t.wanted.delete(keyOf(sessionId, params?.requestId))) return false;
        const weight = Math.min(this.slots, 1 + Math.floor(Math.max(0, params.encodedDataLength || 0) / MiB));
        const r = { tabId, sessionId, requestId: params.requestId, limit: t.limit, weight, done: null, settle: null };
        r.done = new Promise((resolve) => {
          r.settle = resolve;
        });
        t.reads.add(r);
        this.queue.push(r);
        this.next();
        return true;
      }
    }
    return false;
  }

  /** The daemon streams this response's body: it is not read at the end. */
  streamed(tabId, sessionId, requestId) {
    this.tabs.get(tabId)?.wanted.delete(keyOf(sessionId, requestId));
  }

  /**
   * Resolves once every body read of the tab begun so far has been queued
   * as an event; reads begun later (the page goes on) are not waited for.
   */
  idle(tabId) {
    const t = this.tabs.get(tabId);
    if (!t || t.reads.size === 0) return Promise.resolve();
    return Promise.all([...t.reads].map((r) => r.done)).then(() => {});
  }

  /** Reads under way or waiting, all tabs together. */
  get pending() {
    let n = 0;
    for (const t of this.tabs.values()) n += t.reads.size;
    return n;
  }

  next() {
    while (this.queue.length > 0 && this.queue[0].weight <= this.free) {
      const r = this.queue.shift();
      this.free -= r.weight;
      this.run(r);
    }
  }

  async run(r) {
    const target = { tabId: r.tabId };
    if (r.sessionId) target.sessionId = r.sessionId;
    let params;
    try {
      const result = await this.readFn(target, r.requestId);
      params = { requestId: r.requestId, ...truncateResult(result, r.limit, { limitBytes: BODY_EVENT_LIMIT }) };
    } catch (e) {
      params = { requestId: r.requestId, error: this.errorText(e) };
    }
    const event = { tabId: r.tabId, method: RESPONSE_BODY_EVENT, params };
    if (r.sessionId) event.sessionId = r.sessionId;
    try {
      this.push(event);
    } catch (e) {
      this.log('tabtap: could not queue a body:', e);
    } finally {
      this.free += r.weight;
      const t = this.tabs.get(r.tabId);
      if (t) {
        t.reads.delete(r);
        if (t.reads.size === 0 && t.limit === 0) this.tabs.delete(r.tabId);
      }
      r.settle();
      this.next();
    }
  }
}

function keyOf(sessionId, requestId) {
  return `${sessionId ?? ''}|${requestId}`;
}
