// Reconnection delays (lib/backoff.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Backoff } from '../lib/backoff.js';

test('delays double from 0.5 s up to 30 s', () => {
  const b = new Backoff();
  const delays = [];
  for (let i = 0; i < 10; i++) delays.push(b.disconnected(0));
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
});

test('a connection that stayed up starts the delays over; a short one does not', () => {
  const b = new Backoff({ stableMs: 10_000 });
  b.disconnected(0);
  b.disconnected(0);
  b.connected(1000);
  assert.equal(b.disconnected(3000), 2000, 'up for 2 s: keeps growing');
  b.connected(10_000);
  assert.equal(b.disconnected(25_000), 500, 'up for 15 s: starts over');
});

test('reset starts over', () => {
  const b = new Backoff();
  b.disconnected(0);
  b.disconnected(0);
  b.reset();
  assert.equal(b.disconnected(0), 500);
});
