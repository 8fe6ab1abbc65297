// lib/badge.js — what the toolbar button shows: the number of running
// captures on red while any runs, "!" on grey while the tabtap host is not
// connected, nothing otherwise. Pure (state in, badge out), unit tested.

export const CAPTURE_COLOR = '#d93025';
export const OFFLINE_COLOR = '#80868b';

/**
 * @param {{captures?: {status: string, tabId: number, title?: string, url?: string}[]}} state
 * @param {boolean} connected whether the native port is open
 * @returns {{text: string, color: string, title: string}}
 */
export function badgeFor(state, connected) {
  if (!connected) {
    return { text: '!', color: OFFLINE_COLOR, title: 'tabtap: the tabtap host is not connected (open for details)' };
  }
  const active = (state?.captures ?? []).filter((c) => c && c.status === 'active');
  if (active.length === 0) return { text: '', color: CAPTURE_COLOR, title: 'tabtap' };
  const what = active.length === 1 ? `1 tab: ${active[0].title || active[0].url || `tab ${active[0].tabId}`}` : `${active.length} tabs`;
  return { text: String(active.length), color: CAPTURE_COLOR, title: `tabtap: capturing ${what}` };
}
