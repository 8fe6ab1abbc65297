// Event batching and sizing (lib/events.js, lib/size.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EventBatcher, isTooLargeError } from '../lib/events.js';
import { estimateEvent, jsonStringBytes, measure, shrinkToFit } from '../lib/size.js';

const MiB = 1024 * 1024;

/** A batcher whose timer is run by hand and whose sends are recorded. */
function harness(opts = {}) {
  const sent = [];
  let timer = null;
  const b = new EventBatcher({
    send: (p) => {
      if (opts.limit && Buffer.byteLength(JSON.stringify({ method: 'cdp.events', params: p })) > opts.limit) {
        throw new Error('Message length exceeded maximum allowed length.');
      }
      sent.push(p);
    },
    schedule: (fn) => (timer = fn),
    cancel: () => (timer = null),
    ...opts,
  });
  return { b, sent, fire: () => timer && (timer(), true), timerSet: () => timer !== null };
}

/** The drops of every batch sent, added up by tab. */
function drops(sent) {
  const out = {};
  for (const s of sent) for (const [tab, n] of Object.entries(s.droppedByTab ?? {})) out[tab] = (out[tab] ?? 0) + n;
  return out;
}

const ev = (i, extra = {}) => ({ tabId: 1, method: 'Network.requestWillBeSent', params: { requestId: `r${i}`, ...extra } });
const wsFrame = (payload) => ({ tabId: 1, method: 'Network.webSocketFrameReceived', params: { requestId: 'ws', timestamp: 1, response: { opcode: 1, mask: false, payloadData: payload } } });

test('events wait for the timer and go out together, in order', () => {
  const { b, sent, fire, timerSet } = harness();
  for (let i = 0; i < 5; i++) b.push(ev(i));
  assert.equal(sent.length, 0);
  assert.ok(timerSet());
  fire();
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].events.map((e) => e.params.requestId), ['r0', 'r1', 'r2', 'r3', 'r4']);
  assert.equal(sent[0].droppedByTab, undefined);
});

test('a full batch of maxEvents goes at once', () => {
  const { b, sent } = harness({ maxEvents: 1000 });
  for (let i = 0; i < 2500; i++) b.push(ev(i));
  assert.equal(sent.length, 2);
  assert.equal(sent[0].events.length, 1000);
  assert.equal(sent[1].events[0].params.requestId, 'r1000');
  assert.equal(b.pending, 500);
});

test('a 10 MB payload flushes alone, between the events before and after it', () => {
  const { b, sent, fire } = harness();
  b.push(ev(1));
  b.push(wsFrame('a'.repeat(10 * MiB)));
  assert.equal(sent.length, 2, 'the small event went first, then the big one by itself');
  assert.equal(sent[0].events.length, 1);
  assert.equal(sent[0].events[0].params.requestId, 'r1');
  assert.equal(sent[1].events.length, 1);
  assert.equal(sent[1].events[0].params.response.payloadData.length, 10 * MiB);
  b.push(ev(2));
  assert.equal(sent.length, 2);
  fire();
  assert.equal(sent[2].events[0].params.requestId, 'r2');
});

test('payloads adding up to 8 MiB flush before the batch passes it', () => {
  const { b, sent } = harness();
  for (let i = 0; i < 10; i++) b.push(wsFrame('b'.repeat(MiB)));
  assert.ok(sent.length >= 1);
  for (const batch of sent) {
    const size = batch.events.reduce((n, e) => n + e.params.response.payloadData.length, 0);
    assert.ok(size <= 8 * MiB, `batch of ${size} bytes`);
  }
});

test('an event too large for a native message is emptied, marked and counted', () => {
  const { b, sent, fire } = harness({ maxEventBytes: 2 * MiB });
  b.push(wsFrame('c'.repeat(3 * MiB)));
  b.push(ev(1, { request: { url: 'https://x/', postData: 'small' } }));
  fire();
  const all = sent.flatMap((s) => s.events);
  assert.equal(all.length, 2, 'the event is still delivered, without its payload');
  assert.equal(all[0].params.response.payloadData, '');
  assert.deepEqual(all[0].params._truncated, { 'response.payloadData': 3 * MiB });
  assert.equal(all[1].params.request.postData, 'small');
  assert.deepEqual(drops(sent), { 1: 1 });
});

test('an event made of many medium strings that cannot fit is dropped and counted', () => {
  const { b, sent, fire } = harness({ maxEventBytes: 1 * MiB });
  const many = Array.from({ length: 100 }, () => 'd'.repeat(30_000)); // each under BIG_STRING
  b.push({ tabId: 1, method: 'Custom.event', params: { many } });
  b.push(ev(1));
  fire();
  assert.deepEqual(sent.flatMap((s) => s.events).map((e) => e.method), ['Network.requestWillBeSent']);
  assert.deepEqual(drops(sent), { 1: 1 });
});

test('drops are counted under the tab they came from', () => {
  const { b, sent, fire } = harness({ maxEventBytes: 1 * MiB, limit: 2 * MiB });
  const huge = (tabId) => ({ tabId, method: 'Custom.event', params: { many: Array.from({ length: 100 }, () => 'd'.repeat(30_000)) } });
  b.push(huge(7));
  b.push(huge(7));
  b.push(huge(9));
  b.push({ ...wsFrame('e'.repeat(3 * MiB)), tabId: 9 }); // emptied, then sent
  b.push(ev(1));
  fire();
  assert.deepEqual(drops(sent), { 7: 2, 9: 2 });
  assert.equal(sent.flatMap((s) => s.events).length, 2);
});

test('when the browser refuses a batch as too large, it is split and nothing is lost', () => {
  // Non-ASCII text is 3 bytes a character in UTF-8 but counted 1 by the estimate;
  // here the "port" refuses anything over 200 KB.
  const { b, sent, fire } = harness({ limit: 200_000 });
  for (let i = 0; i < 8; i++) b.push(wsFrame('€'.repeat(20_000) + i));
  fire();
  const all = sent.flatMap((s) => s.events);
  assert.equal(all.length, 8);
  assert.deepEqual(all.map((e) => e.params.response.payloadData.at(-1)), ['0', '1', '2', '3', '4', '5', '6', '7']);
  assert.ok(sent.length > 1);
});

test('a single event the browser refuses is counted as dropped', () => {
  const { b, sent, fire } = harness({ limit: 1000 });
  b.push(wsFrame('x'.repeat(5000)));
  fire();
  assert.deepEqual(sent, [{ events: [], droppedByTab: { 1: 1 } }]);
});

test('clear forgets queued events and the timer', () => {
  const { b, sent, timerSet } = harness();
  b.push(ev(1));
  b.clear();
  assert.equal(b.pending, 0);
  assert.equal(timerSet(), false);
  b.flush();
  assert.equal(sent.length, 0);
});

test('size estimate follows the large string fields without serialising', () => {
  const e = wsFrame('p'.repeat(100_000));
  const est = estimateEvent(e);
  const real = JSON.stringify(e).length;
  assert.ok(Math.abs(est - real) < 200, `estimate ${est}, real ${real}`);
  const m = measure({ request: { postData: 'q'.repeat(70_000), url: 'u' }, data: 'r'.repeat(80_000) });
  assert.deepEqual(m.big.map((x) => x.path), ['data', 'request.postData']);
});

test('jsonStringBytes matches JSON.stringify in UTF-8', () => {
  for (const s of ['', 'plain', 'quote " and \\ back', '\n\t\u0001\u001f', 'é€😀', '\ud800 lone', 'x\udc00']) {
    assert.equal(jsonStringBytes(s), Buffer.byteLength(JSON.stringify(s), 'utf8'), JSON.stringify(s));
  }
});

test('shrinkToFit empties the largest strings first', () => {
  const v = { a: 'a'.repeat(200_000), b: { c: 'c'.repeat(100_000) }, d: 'small' };
  const r = shrinkToFit(v, 150_000);
  assert.ok(r.fits);
  assert.deepEqual(r.cut, ['a']);
  assert.equal(v.a, '');
  assert.equal(v.b.c.length, 100_000);
  assert.deepEqual(v._truncated, { a: 200_000 });
});

test('isTooLargeError recognises Chrome\'s refusal only', () => {
  assert.ok(isTooLargeError(new Error('Message length exceeded maximum allowed length.')));
  assert.ok(!isTooLargeError(new Error('Attempting to use a disconnected port object')));
});

test('a WebSocket frame is sized from its payload, without a walk, and not under its JSON', () => {
  for (const payloadData of ['', 'x', '{"type":"tick","seq":12,"price":101.25}', 'y'.repeat(100_000)]) {
    const e = {
      tabId: 812,
      method: 'Network.webSocketFrameReceived',
      sessionId: 'A1B2C3D4E5F60718293A4B5C6D7E8F90',
      params: { requestId: '812.40', timestamp: 5071.123456789, response: { opcode: 1, mask: false, payloadData } },
    };
    const est = estimateEvent(e);
    assert.ok(est >= JSON.stringify(e).length, `${est} < ${JSON.stringify(e).length}`);
    assert.ok(est <= JSON.stringify(e).length + 200);
  }
});
