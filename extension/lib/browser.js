// lib/browser.js — small pure helpers that turn what the browser reports into
// the protocol's shapes: the browser label of `hello` ("Google Chrome 156"),
// the Tab object, and the error code of a chrome.* failure. No chrome.*
// calls, unit tested.

import { ErrorCode } from '../protocol.js';

const GENERIC_BRAND = /^chromium$|not\W*a\W*brand/i;

/**
 * The browser's brand and major version, e.g. "Microsoft Edge 156", from
 * navigator.userAgentData.brands; a brand other than "Chromium" and the
 * "Not…A Brand" placeholder wins, else "Chromium". Falls back to the user
 * agent string when userAgentData is missing.
 *
 * @param {{brands?: {brand: string, version: string}[]}|undefined} uaData
 * @param {string} [userAgent]
 */
export function browserLabel(uaData, userAgent = '') {
  const brands = Array.isArray(uaData?.brands) ? uaData.brands : [];
  const major = (v) => String(v ?? '').split('.')[0];
  const specific = brands.find((b) => b && b.brand && !GENERIC_BRAND.test(b.brand));
  if (specific) return `${specific.brand} ${major(specific.version)}`.trim();
  const chromium = brands.find((b) => b && /^chromium$/i.test(b.brand));
  if (chromium) return `Chromium ${major(chromium.version)}`;
  const m = /(?:Chrome|Chromium)\/(\d+)/.exec(userAgent);
  return m ? `Chromium ${m[1]}` : 'Chromium';
}

/** A chrome.tabs.Tab as the protocol's Tab. */
export function wireTab(tab) {
  const t = {
    tabId: tab.id,
    windowId: tab.windowId,
    title: tab.title ?? '',
    url: tab.url || tab.pendingUrl || '',
    active: !!tab.active,
  };
  if (Number.isInteger(tab.openerTabId)) t.openerTabId = tab.openerTabId;
  return t;
}

/** A random identifier for this profile: 16 bytes as hex. */
export function randomId(cryptoObj = globalThis.crypto) {
  const b = new Uint8Array(16);
  cryptoObj.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * A person-readable message from what a chrome.* promise rejected with.
 * chrome.debugger.sendCommand rejects with the DevTools error as JSON text
 * ('{"code":-32000,"message":"No resource with given identifier found"}'):
 * keep its message.
 */
export function errorText(e) {
  const text = (e && typeof e.message === 'string' ? e.message : String(e ?? 'unknown error')) || 'unknown error';
  if (text.startsWith('{')) {
    try {
      const j = JSON.parse(text);
      if (j && typeof j.message === 'string') return j.data ? `${j.message}: ${j.data}` : j.message;
    } catch {
      // not JSON after all
    }
  }
  return text;
}

/**
 * The protocol's error code (ErrorCode) for a chrome.* failure, from its
 * text (errorText): the daemon branches on the code, never on the browser's
 * wording.
 */
export function errorCode(text) {
  const t = String(text ?? '');
  if (/no tab with id/i.test(t)) return ErrorCode.NO_TAB;
  if (/another debugger is already attached/i.test(t)) return ErrorCode.ALREADY_ATTACHED;
  if (/cannot access|cannot attach|cannot be (debugged|scripted)/i.test(t)) return ErrorCode.NOT_DEBUGGABLE;
  return ErrorCode.BROWSER;
}
