// lib/policy.js — the person's settings: what agents may do, kept in
// chrome.storage.local under POLICY_KEY, edited on the options page, sent
// to the daemon in the hello and on every change (host/extension/protocol.go,
// Policy). The daemon enforces them on agents' calls; the popup, the
// person's own tool, is bound by the defaults and limits only.

/** chrome.storage.local key of the settings. */
export const POLICY_KEY = 'policy';

export const MIB = 1024 * 1024;

/** Bounds of the limits (host/api/options.go). */
export const MAX_BODY_BYTES_LIMIT = 64 * MIB;
export const MAX_TOTAL_BYTES_LIMIT = 4096 * MIB;

/**
 * The settings of a new profile: redaction stays on, every site allowed,
 * tabtap's own limits (a limit of 0 is "not set": bodies up to 1 MiB
 * unless an agent asks for up to 64 MiB, 256 MiB for one capture), and no
 * site where agents may send requests as the person.
 */
export const DEFAULT_POLICY = Object.freeze({
  allowUnredacted: false,
  blockedSites: Object.freeze([]),
  captureBodies: true,
  maxBodyBytes: 0,
  maxTotalBytes: 0,
  sendSites: Object.freeze([]),
  sendChanges: false,
});

/** Methods that only read: agents may send them again without sendChanges. */
export const READ_METHODS = Object.freeze(['GET', 'HEAD', 'OPTIONS']);

/**
 * A site pattern as the person may write it ("example.com",
 * "*.example.com", "https://example.com/login") → its host, or '' when it
 * names none.
 * @param {string} line
 */
export function siteHost(line) {
  let p = String(line).trim().toLowerCase();
  const scheme = p.indexOf('://');
  if (scheme >= 0) p = p.slice(scheme + 3);
  p = p.split(/[/?#]/, 1)[0];
  p = p.slice(p.lastIndexOf('@') + 1);
  p = p.replace(/^\*\./, '').replace(/^\./, '');
  if (!p.startsWith('[')) p = p.split(':', 1)[0];
  return /^[a-z0-9.[\]:-]+$/.test(p) ? p : '';
}

/** The lines of a text area → the distinct hosts they name. */
export function parseSites(text) {
  const out = [];
  for (const line of String(text ?? '').split(/[\n,]/)) {
    const h = siteHost(line);
    if (h && !out.includes(h)) out.push(h);
  }
  return out;
}

function intIn(v, lo, hi, fallback) {
  return Number.isSafeInteger(v) && v >= lo && v <= hi ? v : fallback;
}

/**
 * Whatever is stored (nothing, an older or a hand-edited value) → a
 * complete, valid Policy; anything unreadable takes the default, which is
 * the safe side.
 */
export function normalizePolicy(raw) {
  const p = raw && typeof raw === 'object' ? raw : {};
  const sites = Array.isArray(p.blockedSites) ? parseSites(p.blockedSites.join('\n')) : [];
  const send = Array.isArray(p.sendSites) ? parseSites(p.sendSites.join('\n')) : [];
  return {
    allowUnredacted: p.allowUnredacted === true,
    blockedSites: sites,
    captureBodies: p.captureBodies !== false,
    maxBodyBytes: intIn(p.maxBodyBytes, 0, MAX_BODY_BYTES_LIMIT, 0),
    maxTotalBytes: intIn(p.maxTotalBytes, 0, MAX_TOTAL_BYTES_LIMIT, 0),
    sendSites: send,
    sendChanges: p.sendChanges === true,
  };
}

/** The settings as the daemon reads them (relay.Policy). */
export function wirePolicy(policy) {
  const p = normalizePolicy(policy);
  const wire = {
    allowUnredacted: p.allowUnredacted,
    blockedSites: p.blockedSites,
    captureBodies: p.captureBodies,
    sendSites: p.sendSites,
    sendChanges: p.sendChanges,
  };
  if (p.maxBodyBytes > 0) wire.maxBodyBytes = p.maxBodyBytes;
  if (p.maxTotalBytes > 0) wire.maxTotalBytes = p.maxTotalBytes;
  return wire;
}

/** The host of `url` lower-cased, or '' when it has none. */
function hostOf(url) {
  try {
    return new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return '';
  }
}

/** The site of `hosts` (parsed patterns) that `url` falls under, or ''. */
export function siteOf(hosts, url) {
  const h = hostOf(url);
  if (!h) return '';
  return hosts.find((s) => h === s || h.endsWith(`.${s}`)) ?? '';
}

/**
 * Why the person's settings refuse that an agent sends `method` to `url`
 * as them (send_request), or '' when they allow it. The daemon checks the
 * same first (host/daemon/send.go); the extension checks again before it
 * sends anything.
 */
export function sendRefusal(policy, method, url) {
  const p = normalizePolicy(policy);
  const where = 'only the person can change it, in the tabtap extension\'s options';
  const host = hostOf(url) || 'this URL';
  if (siteOf(p.blockedSites, url)) {
    return `the person's tabtap settings keep agents away from ${host} (“Sites agents may not capture”); ${where}`;
  }
  if (!siteOf(p.sendSites, url)) {
    return `the person's tabtap settings do not let agents send requests as them to ${host} (“Sites where agents may send requests as you”, none by default); ${where}`;
  }
  if (!READ_METHODS.includes(String(method).toUpperCase()) && !p.sendChanges) {
    return `${method} can change things: the person's tabtap settings let agents send only GET, HEAD and OPTIONS requests as them (“Including requests that change things”, off by default); ${where}`;
  }
  return '';
}

/** Reads the settings from a chrome.storage area. */
export async function loadPolicy(storage) {
  const got = await storage.get(POLICY_KEY);
  return normalizePolicy(got?.[POLICY_KEY]);
}
