// lib/events.js — batches CDP events into `cdp.events` notifications. Events
// are queued as chrome.debugger.onEvent delivers them and sent together on a
// short timer, or at once when the queue reaches maxEvents or an estimated
// maxBytes; nothing ever waits for the daemon. One event too large for a
// native message has its largest strings emptied (listed under
// params._truncated) and is counted in `droppedByTab` under its tab, so that
// the daemon charges it to that tab's capture; one that still cannot fit is
// left out and counted the same way. Pure logic (timers and the sender are
// passed in), unit tested.

import { estimateEvent, shrinkToFit, WORST_EXPANSION } from './size.js';

const MiB = 1024 * 1024;

/** True for the error port.postMessage throws for a message over 64 MiB. */
export function isTooLargeError(e) {
  return /exceeded maximum allowed length|too large/i.test(String(e && e.message ? e.message : e));
}

export class EventBatcher {
  /**
   * @param {object} opts
   * @param {(params: {events: object[], droppedByTab?: Object<string, number>}) => void} opts.send
   *   posts one cdp.events notification; throws when the message is too large.
   * @param {(fn: () => void, ms: number) => any} [opts.schedule]
   * @param {(handle: any) => void} [opts.cancel]
   * @param {number} [opts.delayMs]       how long an event may wait for company
   * @param {number} [opts.maxEvents]     flush at this many events
   * @param {number} [opts.maxBytes]      flush at this estimated size
   * @param {number} [opts.maxEventBytes] one event's JSON must stay under this
   * @param {(…args) => void} [opts.log]
   */
  constructor({
    send,
    schedule = (fn, ms) => setTimeout(fn, ms),
    cancel = (h) => clearTimeout(h),
    delayMs = 15,
    maxEvents = 1000,
    maxBytes = 8 * MiB,
    maxEventBytes = 48 * MiB,
    log = () => {},
  }) {
    this.sendFn = send;
    this.schedule = schedule;
    this.cancel = cancel;
    this.delayMs = delayMs;
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
    this.maxEventBytes = maxEventBytes;
    this.log = log;
    this.queue = [];
    this.bytes = 0;
    /** @type {Map<number, number>} tab id → events dropped or emptied since the last batch */
    this.dropped = new Map();
    this.timer = null;
  }

  /** How many events wait to be sent. */
  get pending() {
    return this.queue.length;
  }

  /** Queues one event {tabId, sessionId?, method, params}. */
  push(event) {
    let size = estimateEvent(event);
    if (size * WORST_EXPANSION > this.maxEventBytes && event.params && typeof event.params === 'object') {
      const r = shrinkToFit(event.params, this.maxEventBytes - 1024);
      if (!r.fits) {
        this.log(`tabtap: dropped a ${event.method} event of about ${size} bytes: too large for a native message`);
        countDrop(this.dropped, event.tabId, 1);
        this.scheduleFlush();
        return;
      }
      if (r.cut.length) {
        this.log(`tabtap: emptied ${r.cut.join(', ')} of a ${event.method} event: too large for a native message`);
        countDrop(this.dropped, event.tabId, 1);
        size = r.bytes;
      }
    }
    if (this.queue.length > 0 && this.bytes + size > this.maxBytes) this.flush();
    this.queue.push(event);
    this.bytes += size;
    if (this.queue.length >= this.maxEvents || this.bytes >= this.maxBytes) this.flush();
    else this.scheduleFlush();
  }

  /** Sends what is queued now (before a message that must come after it). */
  flush() {
    if (this.timer !== null) {
      this.cancel(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0 && this.dropped.size === 0) return;
    const events = this.queue;
    const dropped = this.dropped;
    this.queue = [];
    this.bytes = 0;
    this.dropped = new Map();
    this.sendBatch(events, dropped);
  }

  /** Forgets what is queued (the port closed: nobody will read it). */
  clear() {
    if (this.timer !== null) {
      this.cancel(this.timer);
      this.timer = null;
    }
    this.queue = [];
    this.bytes = 0;
    this.dropped = new Map();
  }

  scheduleFlush() {
    if (this.timer === null) {
      this.timer = this.schedule(() => {
        this.timer = null;
        this.flush();
      }, this.delayMs);
    }
  }

  /** Sends events with the drops counted so far (a Map of tab id → count). */
  sendBatch(events, dropped) {
    const params = { events };
    if (dropped.size > 0) params.droppedByTab = Object.fromEntries(dropped);
    try {
      this.sendFn(params);
    } catch (e) {
      if (!isTooLargeError(e)) {
        this.log('tabtap: could not send events:', e);
        return;
      }
      // Our estimate was wrong (escapes, non-ASCII text): halve and retry.
      if (events.length > 1) {
        const mid = events.length >> 1;
        this.sendBatch(events.slice(0, mid), dropped);
        this.sendBatch(events.slice(mid), new Map());
        return;
      }
      this.log(`tabtap: dropped a ${events[0]?.method} event: too large for a native message`);
      const more = new Map(dropped);
      for (const ev of events) countDrop(more, ev.tabId, 1);
      this.sendBatch([], more);
    }
  }
}

/** Adds n to the drops of tabId. */
function countDrop(dropped, tabId, n) {
  dropped.set(tabId, (dropped.get(tabId) ?? 0) + n);
}
