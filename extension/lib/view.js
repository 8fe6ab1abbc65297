// lib/view.js — the popup's pure helpers: which capture belongs to the
// current tab, which pages cannot be captured, and how numbers read. No DOM,
// no chrome.*; unit tested.

import { undebuggable } from '../protocol.js';

/**
 * The capture the popup shows for `tabId`: a running one first, else the
 * one started last. Null when the tab has none.
 */
export function captureForTab(captures, tabId) {
  const mine = (captures ?? []).filter((c) => c && c.tabId === tabId);
  if (mine.length === 0) return null;
  const active = mine.find((c) => c.status === 'active');
  if (active) return active;
  return mine.reduce((a, b) => (Date.parse(b.startTime || 0) >= Date.parse(a.startTime || 0) ? b : a));
}

/** Why a tab at `url` cannot be captured, or '' when it can. */
export function whyNotCapturable(url) {
  if (!url) return '';
  if (undebuggable(url)) {
    return 'The browser does not let extensions debug its own pages or the extension store. Open the site you want to capture.';
  }
  return '';
}

/** 1536 → "1.5 KB". */
export function formatBytes(n) {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** 83_000 → "1 min 23 s". */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "12 requests · 3 WS frames" style summary of a capture's counters. */
export function summary(c) {
  const parts = [`${c.requests ?? 0} requests`, `${c.responses ?? 0} responses`];
  if (c.wsFrames) parts.push(`${c.wsFrames} WS frames`);
  if (c.streamingResponses) parts.push(`${c.streamingResponses} streaming`);
  if (c.dropped) parts.push(`${c.dropped} dropped`);
  if (c.sent) parts.push(`${c.sent} sent as you by agents`);
  return parts.join(' · ');
}

/** What the popup says of the requests agents sent as the person (send_request) through a capture's tab. */
export function sentByAgents(n) {
  if (!Number.isSafeInteger(n) || n <= 0) return 'Agents sent no requests as you from this tab.';
  return n === 1 ? 'Agents sent 1 request as you from this tab.' : `Agents sent ${n} requests as you from this tab.`;
}

/** A file name for an export when the daemon suggests none. */
export function exportFileName(suggested, sessionId, format) {
  if (suggested) return suggested;
  const safe = String(sessionId || 'capture').replace(/[^A-Za-z0-9._-]+/g, '_');
  return `tabtap-${safe}.${format === 'json' ? 'json' : 'har'}`;
}
