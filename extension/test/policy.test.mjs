// The person's settings: whatever is stored becomes a valid policy, the
// safe default when unreadable.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DEFAULT_POLICY, LIMITS, MIB, loadPolicy, normalizePolicy, parseSites, sendRefusal, siteHost, wirePolicy } from '../lib/policy.js';

test('nothing stored gives the defaults: redaction stays on, every site allowed', () => {
  assert.deepEqual(normalizePolicy(undefined), { ...DEFAULT_POLICY, blockedSites: [], sendSites: [] });
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
  assert.equal(normalizePolicy({ maxTotalBytes: LIMITS.maxTotalBytes.max }).maxTotalBytes, 2048 * MIB);
  assert.equal(normalizePolicy({ maxTotalBytes: LIMITS.maxTotalBytes.max + 1 }).maxTotalBytes, 0);
  assert.equal(normalizePolicy({ maxTotalBytes: MIB / 2 }).maxTotalBytes, 0);
  // Limits not set are left to the daemon's defaults.
  assert.deepEqual(wirePolicy({}), {
    allowUnredacted: false,
    blockedSites: [],
    captureBodies: true,
    sendSites: [],
    sendChanges: false,
  });
  assert.equal(wirePolicy({ maxBodyBytes: MIB }).maxBodyBytes, MIB);
});

test('loadPolicy reads chrome.storage', async () => {
  const storage = { get: async (k) => ({ [k]: { allowUnredacted: true, blockedSites: ['x.test'] } }) };
  const p = await loadPolicy(storage);
  assert.equal(p.allowUnredacted, true);
  assert.deepEqual(p.blockedSites, ['x.test']);
});

test('agents send requests as the person only to the sites allowed, and change things only when allowed', () => {
  // The defaults refuse every site.
  assert.match(sendRefusal(undefined, 'GET', 'https://app.test/api'), /do not let agents send requests as them to app\.test .*Sites where agents may send requests as you/);
  const p = normalizePolicy({ sendSites: ['*.app.test', 'https://other.test/x', 'bad site!'] });
  assert.deepEqual(p.sendSites, ['app.test', 'other.test']);
  assert.equal(sendRefusal(p, 'GET', 'https://app.test/api'), '');
  assert.equal(sendRefusal(p, 'head', 'https://api.app.test/api'), '');
  assert.equal(sendRefusal(p, 'OPTIONS', 'http://other.test:8080/'), '');
  assert.match(sendRefusal(p, 'GET', 'https://notapp.test/'), /notapp\.test/);
  assert.match(sendRefusal(p, 'GET', 'https://app.test.evil/'), /app\.test\.evil/);
  assert.match(sendRefusal(p, 'GET', 'not a url'), /this URL/);
  for (const m of ['POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND']) {
    assert.match(sendRefusal(p, m, 'https://app.test/'), /can change things.*Including requests that change things/);
    assert.equal(sendRefusal({ ...p, sendChanges: true }, m, 'https://app.test/'), '');
  }
  // A blocked site stays closed, whatever else says.
  assert.match(sendRefusal({ ...p, blockedSites: ['api.app.test'] }, 'GET', 'https://api.app.test/'), /keep agents away/);
  assert.deepEqual(wirePolicy(p).sendSites, ['app.test', 'other.test']);
});
