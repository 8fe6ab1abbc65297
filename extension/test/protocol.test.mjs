// protocol.js's helpers. Whether protocol.js agrees with host/extension/protocol.go
// (methods, params, error codes, constants) is checked from the Go side:
// host/extension/protocol_test.go.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { undebuggable } from '../protocol.js';

test('the pages the browser refuses to debug', () => {
  for (const url of ['chrome://settings/', 'CHROME://newtab/', 'edge://flags', 'view-source:https://a.test/', 'https://chromewebstore.google.com/detail/x']) {
    assert.ok(undebuggable(url), url);
  }
  for (const url of ['https://example.com/chrome://', 'about:blank', 'http://localhost:3000/', '', undefined]) {
    assert.ok(!undebuggable(url), String(url));
  }
});
