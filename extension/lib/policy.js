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
 * and tabtap's own limits (a limit of 0 is "not set": bodies up to 1 MiB
 * unless an agent asks for up to 64 MiB, 256 MiB for one capture).
 */
export const DEFAULT_POLICY = Object.freeze({
  allowUnredacted: false,
  blockedSites: Object.freeze([]),
  captureBodies: true,
  maxBodyBytes: 0,
  maxTotalBytes: 0,
});

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
  return {
    allowUnredacted: p.allowUnredacted === true,
    blockedSites: sites,
    captureBodies: p.captureBodies !== false,
    maxBodyBytes: intIn(p.maxBodyBytes, 0, MAX_BODY_BYTES_LIMIT, 0),
    maxTotalBytes: intIn(p.maxTotalBytes, 0, MAX_TOTAL_BYTES_LIMIT, 0),
  };
}

/** The settings as the daemon reads them (relay.Policy). */
export function wirePolicy(policy) {
  const p = normalizePolicy(policy);
  const wire = { allowUnredacted: p.allowUnredacted, blockedSites: p.blockedSites, captureBodies: p.captureBodies };
  if (p.maxBodyBytes > 0) wire.maxBodyBytes = p.maxBodyBytes;
  if (p.maxTotalBytes > 0) wire.maxTotalBytes = p.maxTotalBytes;
  return wire;
}

/** Reads the settings from a chrome.storage area. */
export async function loadPolicy(storage) {
  const got = await storage.get(POLICY_KEY);
  return normalizePolicy(got?.[POLICY_KEY]);
}
