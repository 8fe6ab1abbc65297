// lib/backoff.js — reconnection delays for the native port: exponential from
// `initialMs`, doubling up to `maxMs`, back to the start once a connection has
// stayed up for `stableMs`. Pure logic (clock passed in), unit tested.

export class Backoff {
  /**
   * @param {{initialMs?: number, maxMs?: number, stableMs?: number}} [opts]
   */
  constructor({ initialMs = 500, maxMs = 30_000, stableMs = 10_000 } = {}) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.stableMs = stableMs;
    this.nextMs = initialMs;
    this.connectedAt = null;
  }

  /** Records that a connection was opened at `now` (ms). */
  connected(now) {
    this.connectedAt = now;
  }

  /**
   * Records that the connection closed at `now` and returns how long to wait
   * before the next attempt.
   */
  disconnected(now) {
    if (this.connectedAt !== null && now - this.connectedAt >= this.stableMs) {
      this.nextMs = this.initialMs;
    }
    this.connectedAt = null;
    const delay = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, this.maxMs);
    return delay;
  }

  /** Starts again from the shortest delay (e.g. the person asked to retry). */
  reset() {
    this.nextMs = this.initialMs;
  }
}
