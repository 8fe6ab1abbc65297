// Pure helpers of the worker and the popup (lib/browser.js, lib/badge.js, lib/view.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { badgeFor } from '../lib/badge.js';
import { browserLabel, errorCode, errorText, randomId, wireTab } from '../lib/browser.js';
import { captureForTab, exportFileName, formatBytes, formatDuration, whyNotCapturable } from '../lib/view.js';

test('browser label prefers the real brand over Chromium and the GREASE brand', () => {
  const brands = (...b) => ({ brands: b.map(([brand, version]) => ({ brand, version })) });
  assert.equal(browserLabel(brands(['Not)A;Brand', '8'], ['Chromium', '156'], ['Google Chrome', '156'])), 'Google Chrome 156');
  assert.equal(browserLabel(brands(['Microsoft Edge', '155'], ['Not_A Brand', '24'], ['Chromium', '155'])), 'Microsoft Edge 155');
  assert.equal(browserLabel(brands(['Brave', '156'], ['Chromium', '156'], ['Not/A)Brand', '99'])), 'Brave 156');
  assert.equal(browserLabel(brands(['Chromium', '156.0.1'], ['Not.A/Brand', '8'])), 'Chromium 156');
  assert.equal(browserLabel(undefined, 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36'), 'Chromium 156');
  assert.equal(browserLabel(undefined, ''), 'Chromium');
});

test('wireTab keeps the protocol fields and the opener only when set', () => {
  const t = { id: 5, windowId: 2, title: 'T', url: '', pendingUrl: 'https://p/', active: true, index: 0, openerTabId: 3 };
  assert.deepEqual(wireTab(t), { tabId: 5, windowId: 2, title: 'T', url: 'https://p/', active: true, openerTabId: 3 });
  assert.deepEqual(wireTab({ id: 1, windowId: 1, active: false }), { tabId: 1, windowId: 1, title: '', url: '', active: false });
});

test('errorText unwraps the DevTools error JSON', () => {
  assert.equal(errorText(new Error('{"code":-32000,"message":"No resource with given identifier found"}')), 'No resource with given identifier found');
  assert.equal(errorText(new Error('No tab with id: 812.')), 'No tab with id: 812.');
  assert.equal(errorText('plain'), 'plain');
});

test('randomId is 32 hex digits and differs each time', () => {
  const a = randomId();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.notEqual(a, randomId());
});

test('badge: count of running captures, ! when the host is away, nothing otherwise', () => {
  assert.equal(badgeFor({ captures: [] }, false).text, '!');
  assert.equal(badgeFor({ captures: [] }, true).text, '');
  const st = { captures: [{ status: 'active', tabId: 1 }, { status: 'stopped', tabId: 2 }, { status: 'active', tabId: 3 }] };
  assert.equal(badgeFor(st, true).text, '2');
  assert.match(badgeFor({ captures: [{ status: 'active', tabId: 1, title: 'Inbox' }] }, true).title, /Inbox/);
});

test('the popup shows the running capture of its tab, else the latest', () => {
  const caps = [
    { sessionId: 'a', tabId: 1, status: 'stopped', startTime: '2026-01-01T10:00:00Z' },
    { sessionId: 'b', tabId: 1, status: 'stopped', startTime: '2026-01-01T11:00:00Z' },
    { sessionId: 'c', tabId: 2, status: 'active', startTime: '2026-01-01T09:00:00Z' },
  ];
  assert.equal(captureForTab(caps, 1).sessionId, 'b');
  assert.equal(captureForTab(caps, 2).sessionId, 'c');
  assert.equal(captureForTab(caps, 3), null);
  assert.equal(captureForTab([...caps, { sessionId: 'd', tabId: 1, status: 'active', startTime: '2026-01-01T08:00:00Z' }], 1).sessionId, 'd');
});

test('browser pages are flagged as not capturable', () => {
  assert.ok(whyNotCapturable('chrome://settings'));
  assert.ok(whyNotCapturable('chrome-extension://abc/popup.html'));
  assert.ok(whyNotCapturable('https://chromewebstore.google.com/detail/x'));
  assert.equal(whyNotCapturable('https://example.com/'), '');
  assert.equal(whyNotCapturable('about:blank'), '');
});

test('formatting', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(5 * 1024 * 1024), '5.0 MB');
  assert.equal(formatDuration(83_000), '1 min 23 s');
  assert.equal(formatDuration(4_000), '4 s');
  assert.equal(exportFileName('', 's-3', 'har'), 'tabtap-s-3.har');
  assert.equal(exportFileName('x.json', 's-3', 'json'), 'x.json');
});

test('chrome.* failures get the protocol\'s error codes', () => {
  assert.equal(errorCode('No tab with id: 812.'), 'no_tab');
  assert.equal(errorCode('Another debugger is already attached to the tab with id: 5.'), 'already_attached');
  assert.equal(errorCode('Cannot access a chrome:// URL'), 'not_debuggable');
  assert.equal(errorCode('Cannot access contents of url "https://chromewebstore.google.com/". Extension manifest must request permission to access this host.'), 'not_debuggable');
  assert.equal(errorCode('No resource with given identifier found'), 'browser');
});
