// lib/size.js — cheap estimates of how many bytes a value takes as JSON, so
// the service worker can size native messages (browser → host frames are
// capped at 64 MiB) without JSON.stringify-ing every CDP event, and the
// surgery that empties the largest strings of a value too large to send.
// Pure logic (no chrome.*), unit tested.

/** Strings at least this long are remembered by measure() as candidates to cut. */
export const BIG_STRING = 64 * 1024;

/** JSON.stringify's worst case is 6 bytes per UTF-16 unit (\u001f). */
export const WORST_EXPANSION = 6;

/**
 * Walks a JSON-able value and estimates its JSON size, counting a string as
 * its length (right for ASCII, which base64 and most CDP text are). Strings
 * of BIG_STRING or more are listed in `big` with where they sit, largest
 * first, so a caller can measure them exactly or cut them.
 * Past `maxNodes` nodes the walk gives up on detail: `complete` is false and
 * `bytes` comes from JSON.stringify.
 *
 * @returns {{bytes: number, big: {parent: object, key: string|number, path: string, length: number}[], complete: boolean}}
 */
export function measure(value, { maxNodes = 20_000 } = {}) {
  let bytes = 0;
  let nodes = 0;
  const big = [];
  const path = [];
  let complete = true;

  // The path is kept for containers only, and named for a big string when
  // one is found: most events have none.
  const walk = (v, parent, key) => {
    if (++nodes > maxNodes) {
      complete = false;
      return;
    }
    switch (typeof v) {
      case 'string':
        bytes += v.length + 2;
        if (v.length >= BIG_STRING && parent !== null) {
          big.push({ parent, key, path: [...path, key].join('.'), length: v.length });
        }
        return;
      case 'number':
        bytes += 8;
        return;
      case 'boolean':
        bytes += 5;
        return;
      case 'object':
        if (v === null) {
          bytes += 4;
        } else if (Array.isArray(v)) {
          bytes += 2;
          if (parent !== null) path.push(key);
          for (let i = 0; i < v.length && complete; i++) {
            bytes += 1;
            walk(v[i], v, i);
          }
          if (parent !== null) path.pop();
        } else {
          bytes += 2;
          if (parent !== null) path.push(key);
          for (const k in v) {
            if (!complete) break;
            const child = v[k];
            if (child === undefined || typeof child === 'function') continue;
            bytes += k.length + 4;
            walk(child, v, k);
          }
          if (parent !== null) path.pop();
        }
        return;
      default:
        return; // undefined, functions, symbols: JSON leaves them out
    }
  };
  walk(value, null, null);

  if (!complete) {
    let s = '';
    try {
      s = JSON.stringify(value) ?? '';
    } catch {
      // cyclic or BigInt: cannot be sent anyway
      s = '';
      bytes = Infinity;
      return { bytes, big: [], complete };
    }
    return { bytes: s.length, big: [], complete };
  }
  big.sort((a, b) => b.length - a.length);
  return { bytes, big, complete };
}

/**
 * The exact UTF-8 size of JSON.stringify(s), quotes included: escapes for
 * quotes, backslashes and control characters, 2–4 bytes for non-ASCII, 6 for
 * a lone surrogate (JSON.stringify writes it as \udXXX). Linear in s; meant
 * for the few large strings of an event that might not fit.
 */
export function jsonStringBytes(s) {
  let n = 2;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20) n += c === 0x22 || c === 0x5c ? 2 : 1;
      else n += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
    } else if (c < 0x800) {
      n += 2;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < len ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else {
        n += 6;
      }
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      n += 6;
    } else {
      n += 3;
    }
  }
  return n;
}

/**
 * The size estimate of one CDP event as it will travel in cdp.events:
 * {tabId, sessionId?, method, params}.
 */
export function estimateEvent(event) {
  const envelope = event.method.length + (event.sessionId ? event.sessionId.length + 16 : 0) + 48;
  // A WebSocket frame, the commonest event by far under load, is its
  // payload and a few small fields: no walk.
  const payload = event.params?.response?.payloadData;
  if (typeof payload === 'string' && (event.method === 'Network.webSocketFrameReceived' || event.method === 'Network.webSocketFrameSent')) {
    return payload.length + FRAME_FIELDS_BYTES + envelope;
  }
  return measure(event.params).bytes + envelope;
}

/** Bytes of a frame event's fields besides its payload, a generous bound. */
const FRAME_FIELDS_BYTES = 160;

/**
 * Makes `value` (an object) fit in `limitBytes` of JSON by emptying its
 * largest strings, in place. Every emptied string is listed in
 * value[truncatedKey] as {path: originalLength}.
 *
 * @returns {{fits: boolean, bytes: number, cut: string[]}} fits is false when
 *   even with every big string emptied the value stays too large.
 */
export function shrinkToFit(value, limitBytes, truncatedKey = '_truncated') {
  const m = measure(value);
  if (m.bytes * WORST_EXPANSION <= limitBytes) return { fits: true, bytes: m.bytes, cut: [] };
  if (!m.complete) return { fits: m.bytes <= limitBytes / WORST_EXPANSION, bytes: m.bytes, cut: [] };

  // Measure the big strings exactly; small ones stay estimated (and what
  // they may add is covered by the gap between the limit and the 64 MiB cap).
  let bytes = m.bytes;
  const exact = m.big.map((b) => {
    const n = jsonStringBytes(b.parent[b.key]);
    bytes += n - (b.length + 2);
    return n;
  });
  const cut = [];
  const record = {};
  for (let i = 0; i < m.big.length && bytes > limitBytes; i++) {
    const b = m.big[i];
    b.parent[b.key] = '';
    bytes -= exact[i] - 2;
    record[b.path] = b.length;
    cut.push(b.path);
  }
  if (cut.length) {
    value[truncatedKey] = Object.assign(value[truncatedKey] || {}, record);
    bytes += 64 * cut.length;
  }
  return { fits: bytes <= limitBytes, bytes, cut };
}
