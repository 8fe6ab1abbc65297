// lib/focus.js — when each window last had the focus, from
// chrome.windows.onFocusChanged, so that tabs.active can say `focusedAt` and
// an agent's initialize_session without arguments picks, among several
// browsers, the one the person used last. Pure logic (the clock is passed
// in), unit tested. The times live as long as the service worker: after a
// restart a window's time is unknown (0) until the focus moves again.

/** chrome.windows.WINDOW_ID_NONE: the focus left the browser. */
export const WINDOW_ID_NONE = -1;

export class FocusClock {
  /** @param {() => number} [now] milliseconds since 1970 */
  constructor(now = Date.now) {
    this.now = now;
    this.focused = WINDOW_ID_NONE;
    /** @type {Map<number, number>} window id → when it last had the focus */
    this.times = new Map();
  }

  /** chrome.windows.onFocusChanged: `windowId` has the focus now (or none). */
  changed(windowId) {
    const t = this.now();
    // The window that had the focus had it until now.
    if (this.focused !== WINDOW_ID_NONE) this.times.set(this.focused, t);
    if (windowId !== WINDOW_ID_NONE) this.times.set(windowId, t);
    this.focused = windowId;
  }

  /** chrome.windows.onRemoved: forget a closed window. */
  removed(windowId) {
    this.times.delete(windowId);
    if (this.focused === windowId) this.focused = WINDOW_ID_NONE;
  }

  /**
   * When `windowId` last had the focus: now while it has it (`focusedNow` is
   * chrome.windows.Window.focused), else when it lost it; 0 when unknown.
   */
  focusedAt(windowId, focusedNow = false) {
    if (focusedNow || (windowId === this.focused && windowId !== WINDOW_ID_NONE)) return this.now();
    return this.times.get(windowId) ?? 0;
  }
}
