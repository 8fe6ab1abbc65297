// The person's settings: whatever is stored becomes a valid policy, the
// safe default when unreadable.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DEFAULT_POLICY, MIB, loadPolicy, normalizePolicy, parseSites, siteHost, wirePolicy } from '../lib/policy.js';

test('nothing stored gives the defaults: redaction stays on, every site allowed', () => {
  assert.deepEqual(normalizePolicy(undefined), { ...DEFAULT_POLICY, blockedSites: [] });
  assert.equal(normalizePolicy({ allowUnredacted: 'yes' }).allowUnredacted, false);
  assert.equal(normalizePolicy({ allowUnredacted: true }).allowUnredacted, true);
});

test('site patterns become hosts', () => {
  assert.equal(siteHost(' *.Example.com '), 'example.com');
  assert.equal(siteHost('https://user@bank.test:8443/login?x=1'), 'bank.test');
  assert.equal(siteHost('not a host!'), '');
  assert.deepEqual(parseSites('a.test\n\n*.b.test, a.test\nhttps://c.test/'), ['a.test', 'b.test', 'c.test']);
});

test('limits stay within their bounds', () => {
  assert.equal(normalizePolicy({ maxBodyBytes: 100 * MIB }).maxBodyBytes, 0);
  assert.equal(normalizePolicy({ maxBodyBytes: 2 * MIB }).maxBodyBytes, 2 * MIB);
  assert.equal(normalizePolicy({ maxTotalBytes: -1 }).maxTotalBytes, 0);
  // Limits not set are left to the daemon's defaults.
  assert.deepEqual(wirePolicy({}), { allowUnredacted: false, blockedSites: [], captureBodies: true });
  assert.equal(wirePolicy({ maxBodyBytes: MIB }).maxBodyBytes, MIB);
});

test('loadPolicy reads chrome.storage', async () => {
  const storage = { get: async (k) => ({ [k]: { allowUnredacted: true, blockedSites: ['x.test'] } }) };
  const p = await loadPolicy(storage);
  assert.equal(p.allowUnredacted, true);
  assert.deepEqual(p.blockedSites, ['x.test']);
});
