// The popup's words for what agents sent as the person.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sentByAgents, summary } from '../lib/view.js';

test('the popup counts the requests agents sent as the person', () => {
  assert.equal(sentByAgents(undefined), 'Agents sent no requests as you from this tab.');
  assert.equal(sentByAgents(0), 'Agents sent no requests as you from this tab.');
  assert.equal(sentByAgents(1), 'Agents sent 1 request as you from this tab.');
  assert.equal(sentByAgents(3), 'Agents sent 3 requests as you from this tab.');
  assert.equal(summary({ requests: 4, responses: 4, sent: 2 }), '4 requests · 4 responses · 2 sent as you by agents');
  assert.equal(summary({ requests: 4, responses: 4 }), '4 requests · 4 responses');
});
