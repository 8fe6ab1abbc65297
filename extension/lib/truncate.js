// lib/truncate.js — cuts the top-level string fields of a debugger.send result
// (a response body, say) to the daemon's maxFieldLength, and, whatever that
// is, makes sure the reply fits in one browser → host native message. Cut
// fields are listed under `_truncated` as {field: originalLength}. Base64 is
// cut on a multiple of 4 characters so it stays decodable; text is never cut
// inside a surrogate pair. Pure logic (no chrome.*), unit tested.

import { jsonStringBytes, measure, WORST_EXPANSION } from './size.js';

const MiB = 1024 * 1024;

/**
 * Returns the first `n` characters of `s` or fewer: a multiple of 4 when
 * `base64`, else never half of a surrogate pair.
 */
export function cutString(s, n, base64) {
  if (n >= s.length) return s;
  if (n < 0) n = 0;
  if (base64) n -= n % 4;
  else if (n > 0) {
    const c = s.charCodeAt(n - 1);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return s.slice(0, n);
}

/**
 * @param {any} result the CDP command's result
 * @param {number} maxFieldLength cut longer top-level strings; ≤ 0: no cut
 * @param {object} [opts]
 * @param {number} [opts.limitBytes] the reply's JSON must stay under this
 * @param {string} [opts.truncatedKey]
 * @returns {object} a new object when anything was cut, else `result` ({} for none)
 */
export function truncateResult(result, maxFieldLength, { limitBytes = 48 * MiB, truncatedKey = '_truncated' } = {}) {
  if (result === undefined || result === null) return {};
  if (typeof result !== 'object' || Array.isArray(result)) return result;
  const base64 = result.base64Encoded === true;
  let out = result;
  const cut = {};
  const take = (key, n) => {
    if (out === result) out = { ...result };
    const original = result[key];
    out[key] = cutString(out[key], n, base64);
    cut[key] = original.length;
  };

  if (maxFieldLength > 0) {
    for (const key of Object.keys(result)) {
      const v = result[key];
      if (typeof v === 'string' && v.length > maxFieldLength) take(key, maxFieldLength);
    }
  }

  // Whatever the daemon asked, one reply must fit in a native message.
  const m = measure(out);
  if (m.bytes * WORST_EXPANSION > limitBytes) {
    const strings = Object.keys(out)
      .filter((k) => typeof out[k] === 'string')
      .map((k) => ({ key: k, bytes: jsonStringBytes(out[k]) }))
      .sort((a, b) => b.bytes - a.bytes);
    let total = m.bytes;
    for (const s of strings) total += s.bytes - (out[s.key].length + 2);
    for (const s of strings) {
      if (total <= limitBytes) break;
      const excess = total - limitBytes + 1024;
      const str = out[s.key];
      // Shrink in proportion to this string's bytes per character.
      const perChar = s.bytes / Math.max(1, str.length);
      const keepChars = Math.max(0, Math.floor(str.length - excess / perChar) - 16);
      take(s.key, keepChars);
      const now = jsonStringBytes(out[s.key]);
      total -= s.bytes - now;
    }
  }

  if (out !== result) out[truncatedKey] = Object.assign({}, result[truncatedKey], cut);
  return out;
}
