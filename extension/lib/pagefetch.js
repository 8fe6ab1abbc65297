// lib/pagefetch.js — the one script the extension runs in a page for
// tabs.fetch (protocol.js): it sends a request as the page would, with the
// person's cookies (credentials: 'include'), and returns what the page may
// read of the answer. The service worker runs it in an isolated world of
// the tab (sw.js, tabFetch): the page's own scripts neither see nor alter
// it. It must stay self-contained, since it travels as its source text;
// the daemon sends data for it, never code. Unit tested under Node, whose
// fetch is the same API.

/**
 * Sends one request and reads its answer.
 * @param {{method: string, url: string, headers?: {name: string, value: string}[],
 *          bodyBase64?: string, timeoutMs: number, maxBodyBytes: number}} req
 * @returns {Promise<object>} FetchResult (protocol.go), or {error} with the browser's reason
 */
export async function pageFetch(req) {
  const fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const toBase64 = (bytes) => {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), req.timeoutMs);
  try {
    const headers = new Headers();
    const notSent = [];
    for (const { name, value } of req.headers ?? []) {
      try {
        headers.append(name, value);
      } catch {
        notSent.push(name);
      }
    }
    const init = { method: req.method, headers, credentials: 'include', cache: 'no-store', redirect: 'follow', signal: controller.signal };
    if (req.bodyBase64) init.body = fromBase64(req.bodyBase64);
    const request = new Request(req.url, init);
    // A browser drops the headers a page may not set without a word.
    for (const { name } of req.headers ?? []) {
      if (!notSent.includes(name) && !request.headers.has(name)) notSent.push(name);
    }
    const res = await fetch(request);
    const kept = [];
    let size = 0;
    let truncated = false;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const room = req.maxBodyBytes - size;
        if (value.length > room) {
          if (room > 0) kept.push(value.subarray(0, room));
          size += Math.max(room, 0);
          truncated = true;
          await reader.cancel();
          break;
        }
        kept.push(value);
        size += value.length;
      }
    }
    const body = new Uint8Array(size);
    let at = 0;
    for (const k of kept) {
      body.set(k, at);
      at += k.length;
    }
    const out = {
      status: res.status,
      statusText: res.statusText,
      url: res.url,
      headers: [...res.headers].map(([name, value]) => ({ name, value })),
      bodySize: size,
      origin: globalThis.location?.origin ?? '',
    };
    if (res.redirected) out.redirected = true;
    if (size > 0) out.bodyBase64 = toBase64(body);
    if (truncated) out.bodyTruncated = true;
    if (notSent.length > 0) out.notSent = notSent;
    return out;
  } catch (e) {
    if (controller.signal.aborted) return { error: `no complete answer within ${req.timeoutMs} ms` };
    return { error: String(e?.message ?? e) };
  } finally {
    clearTimeout(timer);
  }
}

/** Tags the daemon may give (Fetch.tag): nothing that could end the script's last line. */
export const FETCH_TAG = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * The expression that runs pageFetch(req) in a page, named `tag` in the
 * browser's records (the initiator of the request it sends).
 */
export function pageFetchExpression(req, tag) {
  if (!FETCH_TAG.test(tag)) throw new Error(`a fetch tag must be letters, digits, '-', '_', '.' or ':', not ${JSON.stringify(tag)}`);
  return `(${pageFetch.toString()})(${JSON.stringify(req)})\n//# sourceURL=${tag}`;
}
