// When each window last had the focus (lib/focus.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FocusClock, WINDOW_ID_NONE } from '../lib/focus.js';

test('a window has the focus until another takes it or the browser loses it', () => {
  let now = 1000;
  const f = new FocusClock(() => now);
  assert.equal(f.focusedAt(1), 0, 'unknown before any change');
  f.changed(1);
  now = 5000;
  assert.equal(f.focusedAt(1), 5000, 'now while it has the focus');
  f.changed(2);
  now = 9000;
  assert.equal(f.focusedAt(1), 5000, 'when it lost the focus');
  assert.equal(f.focusedAt(2), 9000);
  f.changed(WINDOW_ID_NONE); // the person went to another application
  now = 20000;
  assert.equal(f.focusedAt(2), 9000);
  assert.equal(f.focusedAt(2, true), 20000, 'the browser says it is focused');
  f.removed(2);
  assert.equal(f.focusedAt(2), 0);
});
