// lib/policy.js — the person's settings: what agents may do, kept in
// chrome.storage.local under POLICY_KEY, edited on the options page, sent
// to the daemon in the hello and on every change (host/extension/protocol.go,
// Policy). The daemon enforces them on agents' calls; the popup, the
// person's own tool, is bound by the defaults and limits only.

/** chrome.storage.local key of the settings. */
export const POLICY_KEY = 'policy';

export const MIB = 1024 * 1024;

/**
 * tabtap's defaults and bounds of the limits the person may set, in
 * bytes: the daemon's (host/api/limits.go, api.BodyBytes and
 * api.TotalBytes), which host/extension/policy_test.go holds these to. The
 * daemon holds the person's limits to the same bounds. The options page
 * shows them from here.
 */
export const LIMITS = Object.freeze({
  maxBodyBytes: Object.freeze({ default: 10 * MIB, min: 0, max: 64 * MIB }),
  maxTotalBytes: Object.freeze({ default: 256 * MIB, min: 1 * MIB, max: 2048 * MIB }),
});

/**
 * The settings of a new profile: redaction stays on, every site allowed,
 * tabtap's own limits (a limit of 0 is "not set": LIMITS' defaults, and
 * agents may ask for bodies up to its maximum), and no site where agents
 * may send requests as the person.
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

/** A limit as stored → itself when within its bounds, else 0 (not set). */
function limit(v, { min, max }) {
  return Number.isSafeInteger(v) && v > 0 && v >= min && v <= max ? v : 0;
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
    maxBodyBytes: limit(p.maxBodyBytes, LIMITS.maxBodyBytes),
    maxTotalBytes: limit(p.maxTotalBytes, LIMITS.maxTotalBytes),
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
