// protocol.js must say what host/relay/protocol.go says: every method name
// and the chunk size, so the two sides cannot drift apart unnoticed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as P from '../protocol.js';

const goSource = readFileSync(new URL('../../host/relay/protocol.go', import.meta.url), 'utf8');

test('every Method constant of protocol.go is in protocol.js, and no other', () => {
  const goMethods = [...goSource.matchAll(/^\s*Method\w+\s*=\s*"([^"]+)"/gm)].map((m) => m[1]).sort();
  assert.ok(goMethods.length > 10, 'found the Go constants');
  const jsMethods = [P.HostRequest, P.HostNotification, P.ExtensionNotification, P.UIRequest].flatMap((o) => Object.values(o)).sort();
  assert.deepEqual(jsMethods, goMethods);
});

test('MaxChunkData matches', () => {
  const m = /MaxChunkData\s*=\s*(\d+)\s*\*\s*(\d+)/.exec(goSource);
  assert.ok(m, 'found MaxChunkData');
  assert.equal(P.MAX_CHUNK_DATA, Number(m[1]) * Number(m[2]));
});
