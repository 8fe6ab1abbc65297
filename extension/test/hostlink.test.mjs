// The native port's logic (lib/hostlink.js) against a fake port and clock:
// hello first, replies both ways, chunked replies, malformed messages,
// disconnects that fail pending requests at once, reconnection with backoff.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { HostError, HostLink, HostUnavailableError, versionDisagreement, versionNumbers } from '../lib/hostlink.js';
import { PROTOCOL_VERSION } from '../protocol.js';


class FakeClock {
  constructor(start = 1_000_000) {
    this.t = start;
    this.timers = new Map();
    this.nextHandle = 1;
    this.now = () => this.t;
    this.schedule = (fn, ms) => {
      const h = this.nextHandle++;
      this.timers.set(h, { at: this.t + ms, fn });
      return h;
    };
    this.cancel = (h) => {
      this.timers.delete(h);
    };
  }

  /** Moves time forward by ms, running each timer that falls due, in order. */
  advance(ms) {
    const end = this.t + ms;
    for (;;) {
      let next = null;
      for (const [h, tm] of this.timers) {
        if (tm.at <= end && (next === null || tm.at < this.timers.get(next).at)) next = h;
      }
      if (next === null) break;
      const tm = this.timers.get(next);
      this.timers.delete(next);
      this.t = Math.max(this.t, tm.at);
      tm.fn();
    }
    this.t = end;
  }

  get pending() {
    return this.timers.size;
  }
}

class FakePort {
  constructor() {
    this.sent = [];
    this.msgL = [];
    this.discL = [];
    this.onMessage = { addListener: (f) => this.msgL.push(f) };
    this.onDisconnect = { addListener: (f) => this.discL.push(f) };
  }
  postMessage(m) {
    if (this.dead) throw new Error('Attempting to use a disconnected port object');
    if (this.limit && JSON.stringify(m).length > this.limit) throw new Error('Message length exceeded maximum allowed length.');
    this.sent.push(structuredClone(m));
  }
  fromHost(m) {
    for (const f of this.msgL) f(m);
  }
  die() {
    this.dead = true;
    for (const f of this.discL) f();
  }
}

const tick = () => new Promise((r) => setImmediate(r));

function setup(over = {}) {
  const clock = new FakeClock();
  const ports = [];
  let lastError;
  const requests = [];
  const notes = [];
  const statuses = [];
  const disconnects = [];
  const link = new HostLink({
    connect: () => {
      if (over.failConnect) throw new Error(over.failConnect);
      const p = new FakePort();
      ports.push(p);
      return p;
    },
    lastError: () => lastError,
    hello: async () => ({ extensionId: 'id', extensionVersion: '0.1.0', browser: 'Chromium 156', profileId: 'p' }),
    onRequest: over.onRequest ?? (async (method, params) => {
      requests.push([method, params]);
      if (method === 'fail') throw new HostError('no_tab', 'No tab with id: 9.');
      if (method === 'crash') throw new TypeError('x is undefined');
      return { ok: method };
    }),
    onNotification: (m, p) => notes.push([m, p]),
    onStatus: (s) => statuses.push(s),
    onDisconnect: (r) => disconnects.push(r),
    beforeSend: over.beforeSend,
    unordered: over.unordered,
    schedule: clock.schedule,
    cancel: clock.cancel,
    now: clock.now,
  });
  return { link, clock, ports, requests, notes, statuses, disconnects, setLastError: (e) => (lastError = e) };
}

test('hello is the first message on every new port', async () => {
  const s = setup();
  s.link.start();
  await tick();
  assert.equal(s.ports.length, 1);
  assert.deepEqual(s.ports[0].sent[0], {
    method: 'hello',
    params: { extensionId: 'id', extensionVersion: '0.1.0', browser: 'Chromium 156', profileId: 'p', protocolVersion: PROTOCOL_VERSION },
  });
  assert.ok(s.link.connected);
  s.setLastError('Native host has exited.');
  s.ports[0].die();
  s.clock.advance(500);
  await tick();
  assert.equal(s.ports.length, 2);
  assert.equal(s.ports[1].sent[0].method, 'hello');
});

test('host requests are answered with result or error, with the same id', async () => {
  const s = setup();
  s.link.start();
  await tick();
  const p = s.ports[0];
  p.fromHost({ id: 7, method: 'tabs.list', params: {} });
  p.fromHost({ id: 8, method: 'fail', params: { tabId: 9 } });
  p.fromHost({ id: 9, method: 'crash', params: {} });
  await tick();
  assert.deepEqual(p.sent.slice(1), [
    { id: 7, result: { ok: 'tabs.list' } },
    { id: 8, error: { code: 'no_tab', message: 'No tab with id: 9.' } },
    { id: 9, error: { code: 'internal', message: 'x is undefined' } },
  ]);
});

test('malformed host messages are ignored, and answered when they carry an id', async () => {
  const s = setup();
  s.link.start();
  await tick();
  const p = s.ports[0];
  for (const bad of [null, 'text', [1, 2], { foo: 1 }, { id: 'x', method: 'tabs.list' }, { id: 99, result: {} }]) p.fromHost(bad);
  p.fromHost({ id: 3, method: 42 });
  p.fromHost({ id: 4, method: 'chunk', params: {} });
  p.fromHost({ method: 'chunk', params: { stream: 1, seq: 0, final: true, data: '%%%' } });
  await tick();
  assert.deepEqual(s.requests, []);
  assert.deepEqual(p.sent.slice(1).map((m) => m.id), [3, 4]);
  assert.ok(p.sent.slice(1).every((m) => m.error.code === 'invalid_argument' && typeof m.error.message === 'string'));
  assert.ok(s.link.connected, 'the port survives');
});

test('requests to the host resolve with the reply, also when it comes in chunks', async () => {
  const s = setup();
  s.link.start();
  await tick();
  const p = s.ports[0];
  const small = s.link.request('ui.status', { tabId: 1 });
  const big = s.link.request('ui.export', { sessionId: 's-1', format: 'har' });
  const [q1, q2] = p.sent.slice(1);
  assert.deepEqual(q1, { id: 1, method: 'ui.status', params: { tabId: 1 } });
  assert.equal(q2.id, 2);
  p.fromHost({ id: 1, result: { captures: [], browser: 'b', clients: 0 } });
  const reply = { id: 2, result: { fileName: 'x.har', content: { log: { version: '1.2', entries: ['ü'.repeat(3000)] } } } };
  const bytes = Buffer.from(JSON.stringify(reply));
  const parts = [bytes.subarray(0, 1001), bytes.subarray(1001, 4000), bytes.subarray(4000)];
  p.fromHost({ method: 'chunk', params: { stream: 5, seq: 2, final: true, data: parts[2].toString('base64') } });
  p.fromHost({ method: 'chunk', params: { stream: 5, seq: 0, final: false, data: parts[0].toString('base64') } });
  p.fromHost({ method: 'chunk', params: { stream: 5, seq: 1, final: false, data: parts[1].toString('base64') } });
  assert.deepEqual(await small, { captures: [], browser: 'b', clients: 0 });
  assert.deepEqual(await big, reply.result);
  await assert.rejects(() => {
    const r = s.link.request('ui.stop', { sessionId: 'nope' });
    p.fromHost({ id: 3, error: { code: 'not_found', message: 'session nope not found' } });
    return r;
  }, (e) => e instanceof HostError && e.code === 'not_found' && e.message === 'session nope not found');
});

test('a reply that cannot be read fails its request at once', async () => {
  const s = setup();
  s.link.start();
  await tick();
  const r = s.link.request('ui.status', {});
  s.ports[0].fromHost({ id: 1, error: 'boom' });
  await assert.rejects(r, (e) => e.code === 'internal' && /reply to ui.status could not be read/.test(e.message));
  assert.equal(s.clock.pending, 0, 'no timeout left waiting');
});

test('versions: the same protocol with another tabtap version says which side to update and how', async () => {
  assert.deepEqual(versionNumbers('v0.2.0-rc.1'), [0, 2, 0]);
  assert.deepEqual(versionNumbers('1.2.3.4'), [1, 2, 3, 4]);
  assert.equal(versionNumbers('dev'), null);
  assert.equal(versionNumbers(''), null);
  assert.equal(versionDisagreement('0.1.0', '0.1.0-dev'), null, 'a build from a checkout counts by its numbers');
  assert.equal(versionDisagreement('0.2', '0.2.0'), null);
  assert.equal(versionDisagreement('0.2.0', ''), null, 'an unknown host version is no disagreement');
  const behind = versionDisagreement('0.9.0', '0.9.1');
  assert.equal(behind.older, 'extension');
  assert.match(behind.message, /tabtap 0\.9\.0, the host 0\.9\.1\. Reload the extension on chrome:\/\/extensions.*or restart the browser/);
  const ahead = versionDisagreement('0.10.0', '0.9.1');
  assert.equal(ahead.older, 'host');
  assert.match(ahead.message, /Update the host: run `tabtap install` from tabtap 0\.10\.0/);

  const s = setup();
  s.link.start();
  await tick();
  s.ports[0].fromHost({ method: 'welcome', params: { protocolVersion: PROTOCOL_VERSION, hostVersion: '0.2.0' } });
  const st = s.link.status();
  assert.equal(st.extensionVersion, '0.1.0');
  assert.equal(st.mismatch, null);
  assert.equal(st.disagreement.older, 'extension');
  s.ports[0].fromHost({ method: 'welcome', params: { protocolVersion: PROTOCOL_VERSION + 1, hostVersion: '0.2.0' } });
  assert.equal(s.link.status().disagreement, null, 'another protocol is said by mismatch alone');
});

test('welcome: the same protocol version shows no mismatch; another says what to update', async () => {
  const s = setup();
  s.link.start();
  await tick();
  s.ports[0].fromHost({ method: 'welcome', params: { protocolVersion: PROTOCOL_VERSION, hostVersion: '0.1.0' } });
  assert.equal(s.link.status().mismatch, null);
  assert.equal(s.link.status().hostVersion, '0.1.0');
  assert.deepEqual(s.notes, [], 'welcome is the link\'s own business');

  s.ports[0].fromHost({ method: 'welcome', params: { protocolVersion: PROTOCOL_VERSION + 1, hostVersion: '0.3.0' } });
  let m = s.statuses.at(-1).mismatch;
  assert.equal(m.code, 'version_mismatch');
  assert.match(m.message, /This extension \(version 0\.1\.0.*older than the tabtap host \(version 0\.3\.0.*Reload the extension/);

  // A daemon too old to answer hello: its first message is something else.
  s.ports[0].die();
  s.clock.advance(500);
  await tick();
  s.ports[1].fromHost({ method: 'state', params: { captures: [] } });
  m = s.statuses.at(-1).mismatch;
  assert.match(m?.message ?? '', /tabtap host \(protocol 0\) is older than this extension.*go run \.\/installer/);
});

test('a state notification (even chunked) reaches onNotification', async () => {
  const s = setup();
  s.link.start();
  await tick();
  const msg = { method: 'state', params: { captures: [{ sessionId: 's-1', status: 'active' }] } };
  s.ports[0].fromHost({ method: 'chunk', params: { stream: 1, seq: 0, final: true, data: Buffer.from(JSON.stringify(msg)).toString('base64') } });
  assert.deepEqual(s.notes, [['state', msg.params]]);
});

test('without a host, requests fail at once with the last disconnect reason', async () => {
  const s = setup();
  s.link.start();
  await tick();
  s.setLastError('Specified native messaging host not found.');
  s.ports[0].die();
  assert.equal(s.link.connected, false);
  await assert.rejects(s.link.request('ui.status', {}), (e) => e instanceof HostUnavailableError && /native messaging host not found/.test(e.message));
  assert.equal(s.statuses.at(-1).lastError, 'Specified native messaging host not found.');
  assert.equal(s.statuses.at(-1).connected, false);
});

test('a disconnect fails pending requests at once and runs onDisconnect', async () => {
  const s = setup();
  s.link.start();
  await tick();
  const pending = s.link.request('ui.export', { sessionId: 's' });
  s.setLastError('Native host has exited.');
  s.ports[0].die();
  await assert.rejects(pending, /Native host has exited/);
  assert.deepEqual(s.disconnects, ['Native host has exited.']);
});

test('an unanswered request times out', async () => {
  const s = setup();
  s.link.start();
  await tick();
  const r = s.link.request('ui.status', {}, { timeoutMs: 5000 });
  s.clock.advance(5001);
  await assert.rejects(r, /did not answer ui.status/);
});

test('reconnects with growing delays while the host is missing, and at once on connectNow', async () => {
  const s = setup();
  s.link.start();
  await tick();
  const opened = [];
  for (let i = 0; i < 4; i++) {
    s.setLastError('Specified native messaging host not found.');
    s.ports.at(-1).die();
    const before = s.ports.length;
    const t0 = s.clock.now();
    while (s.ports.length === before) {
      s.clock.advance(100);
      await tick();
    }
    opened.push(s.clock.now() - t0);
  }
  assert.deepEqual(opened, [500, 1000, 2000, 4000]);
  s.ports.at(-1).die();
  assert.equal(s.link.connected, false);
  s.link.connectNow();
  await tick();
  assert.equal(s.link.connected, true, 'no wait after connectNow');
});

test('a connect that throws is retried', async () => {
  const s = setup({ failConnect: 'Access to the specified native messaging host is forbidden.' });
  s.link.start();
  await tick();
  assert.equal(s.link.connected, false);
  assert.match(s.link.status().lastError, /forbidden/);
  assert.ok(s.clock.pending >= 1, 'a retry is scheduled');
});

test('beforeSend runs before replies and ordered notifications, not before unordered ones', async () => {
  const order = [];
  const s = setup({ beforeSend: () => order.push('flush') });
  s.link.start();
  await tick();
  s.link.notify('tabs.removed', { tabId: 1 });
  s.link.notify('cdp.events', { events: [] }, { ordered: false });
  s.ports[0].fromHost({ id: 1, method: 'tabs.list' });
  await tick();
  assert.deepEqual(order, ['flush', 'flush']);
});

test('the reply to an unordered request goes out without flushing queued events', async () => {
  const order = [];
  const s = setup({ beforeSend: () => order.push('flush'), unordered: (method, params) => method === 'debugger.send' && params?.method === 'Network.getResponseBody' });
  s.link.start();
  await tick();
  s.ports[0].fromHost({ id: 1, method: 'debugger.send', params: { method: 'Network.getResponseBody' } });
  await tick();
  assert.deepEqual(order, [], 'a body read does not flush');
  assert.equal(s.ports[0].sent.at(-1).id, 1);
  s.ports[0].fromHost({ id: 2, method: 'debugger.send', params: { method: 'Network.streamResourceContent' } });
  s.ports[0].fromHost({ id: 3, method: 'fail' });
  await tick();
  assert.deepEqual(order, ['flush', 'flush'], 'other replies and errors still flush first');
});

test('a reply too large for a native message becomes an error reply', async () => {
  const s = setup({ onRequest: async () => ({ body: 'x'.repeat(5000) }) });
  s.link.start();
  await tick();
  s.ports[0].limit = 1000;
  s.ports[0].fromHost({ id: 12, method: 'debugger.send', params: {} });
  await tick();
  const reply = s.ports[0].sent.at(-1);
  assert.equal(reply.id, 12);
  assert.match(reply.error.message, /too large/);
});

test('a reply for a daemon that went away is not sent to the next one', async () => {
  let release;
  const s = setup({ onRequest: () => new Promise((r) => (release = r)) });
  s.link.start();
  await tick();
  s.ports[0].fromHost({ id: 1, method: 'debugger.attach', params: { tabId: 1 } });
  s.ports[0].die();
  s.clock.advance(500);
  await tick();
  release({});
  await tick();
  assert.deepEqual(s.ports[1].sent.map((m) => m.method), ['hello']);
});
