// Reading bodies as their responses end (lib/bodies.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BodyReader, hasBody } from '../lib/bodies.js';
import { RESPONSE_BODY_EVENT } from '../protocol.js';

/** A reader over a fake debugger: reads wait until answered by hand. */
function setup(opts = {}) {
  const reads = [];
  const events = [];
  const reader = new BodyReader({
    read: (target, requestId) =>
      new Promise((resolve, reject) => {
        reads.push({ target, requestId, resolve, reject });
      }),
    push: (e) => events.push(e),
    ...opts,
  });
  return { reader, reads, events };
}

const response = (requestId, status, type = 'Fetch') => ({ requestId, type, response: { status } });
const finished = (requestId, encodedDataLength = 100) => ({ requestId, encodedDataLength });
const tick = () => new Promise((r) => setImmediate(r));

test('a finished response is marked, read, and its body queued after it', async () => {
  const { reader, reads, events } = setup();
  reader.set(7, 1000);
  assert.equal(reader.observe(7, undefined, 'Network.responseReceived', response('r1', 200)), false);
  assert.equal(reader.observe(7, undefined, 'Network.loadingFinished', finished('r1')), true);
  assert.equal(reads.length, 1);
  assert.deepEqual(reads[0].target, { tabId: 7 });
  assert.equal(reads[0].requestId, 'r1');
  assert.equal(events.length, 0, 'nothing is queued before the browser answers');
  reads[0].resolve({ body: 'hello', base64Encoded: false });
  await tick();
  assert.deepEqual(events, [{ tabId: 7, method: RESPONSE_BODY_EVENT, params: { requestId: 'r1', body: 'hello', base64Encoded: false } }]);
  assert.equal(reader.pending, 0);
});

test('a child session is read through its session, and its body names it', async () => {
  const { reader, reads, events } = setup();
  reader.set(7, 1000);
  reader.observe(7, 'S1', 'Network.responseReceived', response('r1', 200));
  // The same request id in another session is another response.
  assert.equal(reader.observe(7, undefined, 'Network.loadingFinished', finished('r1')), false);
  assert.equal(reader.observe(7, 'S1', 'Network.loadingFinished', finished('r1')), true);
  assert.deepEqual(reads[0].target, { tabId: 7, sessionId: 'S1' });
  reads[0].resolve({ body: 'x', base64Encoded: false });
  await tick();
  assert.equal(events[0].sessionId, 'S1');
});

test('responses without a body for the page are not read', () => {
  const { reader, reads } = setup();
  reader.set(7, 1000);
  const cases = [
    ['ws', 101, 'WebSocket'],
    ['es', 200, 'EventSource'],
    ['nc', 204],
    ['rc', 205],
    ['redir', 302],
    ['info', 103],
  ];
  for (const [id, status, type] of cases) {
    reader.observe(7, undefined, 'Network.responseReceived', response(id, status, type));
    assert.equal(reader.observe(7, undefined, 'Network.loadingFinished', finished(id)), false, id);
  }
  // A revalidated response's body is the cached one the page used.
  reader.observe(7, undefined, 'Network.responseReceived', response('nm', 304, 'Script'));
  assert.equal(reader.observe(7, undefined, 'Network.loadingFinished', finished('nm')), true);
  assert.deepEqual(
    reads.map((r) => r.requestId),
    ['nm'],
  );
  assert.equal(hasBody({ response: {} }), false, 'no status: nothing known of it');
});

test('nothing is read for a tab not asked for, after a stop, for a failure or a stream', () => {
  const { reader, reads } = setup();
  reader.observe(8, undefined, 'Network.responseReceived', response('a', 200));
  assert.equal(reader.observe(8, undefined, 'Network.loadingFinished', finished('a')), false, 'tab 8 was never asked for');

  reader.set(7, 1000);
  reader.observe(7, undefined, 'Network.responseReceived', response('failed', 200));
  reader.observe(7, undefined, 'Network.loadingFailed', { requestId: 'failed' });
  assert.equal(reader.observe(7, undefined, 'Network.loadingFinished', finished('failed')), false);

  reader.observe(7, undefined, 'Network.responseReceived', response('streamed', 200));
  reader.streamed(7, undefined, 'streamed');
  assert.equal(reader.observe(7, undefined, 'Network.loadingFinished', finished('streamed')), false);

  reader.observe(7, undefined, 'Network.responseReceived', response('late', 200));
  reader.set(7, 0);
  assert.equal(reader.limit(7), 0);
  assert.equal(reader.observe(7, undefined, 'Network.loadingFinished', finished('late')), false, 'turned off before its end');
  assert.equal(reads.length, 0);
});

test('a body is cut at maxFieldLength like a debugger.send reply, base64 on a multiple of 4', async () => {
  const { reader, reads, events } = setup();
  reader.set(7, 10);
  reader.observe(7, undefined, 'Network.responseReceived', response('r', 200));
  reader.observe(7, undefined, 'Network.loadingFinished', finished('r'));
  reads[0].resolve({ body: 'QUJDREVGR0hJSktMTU5PUA==', base64Encoded: true });
  await tick();
  assert.deepEqual(events[0].params, { requestId: 'r', body: 'QUJDREVG', base64Encoded: true, _truncated: { body: 24 } });
});

test("the browser's refusal is sent as the body's error", async () => {
  const { reader, reads, events } = setup();
  reader.set(7, 1000);
  reader.observe(7, undefined, 'Network.responseReceived', response('r', 200));
  reader.observe(7, undefined, 'Network.loadingFinished', finished('r'));
  reads[0].reject(new Error('No resource with given identifier found'));
  await tick();
  assert.deepEqual(events[0].params, { requestId: 'r', error: 'No resource with given identifier found' });
  assert.equal(reader.pending, 0);
});

test('reads share slots: a large body takes one per MiB, and the rest wait their turn in order', async () => {
  const { reader, reads, events } = setup({ slots: 4 });
  reader.set(7, 1 << 30);
  const MiB = 1024 * 1024;
  for (const [id, size] of [
    ['big', 3 * MiB],
    ['a', 10],
    ['b', 10],
  ]) {
    reader.observe(7, undefined, 'Network.responseReceived', response(id, 200));
    reader.observe(7, undefined, 'Network.loadingFinished', finished(id, size));
  }
  assert.deepEqual(
    reads.map((r) => r.requestId),
    ['big'],
    'big takes all four slots',
  );
  assert.equal(reader.pending, 3);
  reads[0].resolve({ body: 'B' });
  await tick();
  assert.deepEqual(
    reads.map((r) => r.requestId),
    ['big', 'a', 'b'],
  );
  reads[2].resolve({ body: 'b' });
  reads[1].resolve({ body: 'a' });
  await tick();
  assert.deepEqual(
    events.map((e) => e.params.requestId),
    ['big', 'b', 'a'],
    'each body is queued when it is read',
  );
});

test('idle waits for the reads begun so far, not for those begun after', async () => {
  const { reader, reads } = setup();
  reader.set(7, 1000);
  reader.observe(7, undefined, 'Network.responseReceived', response('r1', 200));
  reader.observe(7, undefined, 'Network.loadingFinished', finished('r1'));
  let idle = false;
  reader.idle(7).then(() => {
    idle = true;
  });
  reader.observe(7, undefined, 'Network.responseReceived', response('r2', 200));
  reader.observe(7, undefined, 'Network.loadingFinished', finished('r2'));
  await tick();
  assert.equal(idle, false);
  reads[0].resolve({ body: '1' });
  await tick();
  assert.equal(idle, true, 'r2, begun after, is not waited for');
  assert.equal(reader.pending, 1);
  await reader.idle(8); // a tab without reads is idle at once
});

test('a forgotten tab ends the reads under way, then is gone', async () => {
  const { reader, reads, events } = setup();
  reader.set(7, 1000);
  reader.observe(7, undefined, 'Network.responseReceived', response('r1', 200));
  reader.observe(7, undefined, 'Network.loadingFinished', finished('r1'));
  reader.forget(7);
  const idle = reader.idle(7);
  reads[0].reject(new Error('Debugger is not attached to the tab with id: 7.'));
  await idle;
  assert.equal(events.length, 1);
  assert.equal(reader.tabs.size, 0);
});

test('a queue that throws still frees the slot, and says so', async () => {
  let n = 0;
  const logged = [];
  const reads = [];
  const reader = new BodyReader({
    read: (target, requestId) => new Promise((resolve) => reads.push({ requestId, resolve })),
    push: () => {
      n++;
      throw new Error('port closed');
    },
    log: (...args) => logged.push(args.join(' ')),
    slots: 1,
  });
  reader.set(7, 1000);
  for (const id of ['a', 'b']) {
    reader.observe(7, undefined, 'Network.responseReceived', response(id, 200));
    reader.observe(7, undefined, 'Network.loadingFinished', finished(id));
  }
  reads[0].resolve({ body: 'a' });
  await tick();
  assert.equal(reads.length, 2, 'b started once a was done');
  assert.equal(n, 1);
  assert.match(logged[0], /could not queue a body: Error: port closed/);
});

test('the responses remembered until their end are bounded', () => {
  const { reader } = setup({ maxTracked: 3 });
  reader.set(7, 1000);
  for (const id of ['a', 'b', 'c', 'd']) reader.observe(7, undefined, 'Network.responseReceived', response(id, 200));
  assert.equal(reader.tabs.get(7).wanted.size, 3);
  assert.equal(reader.observe(7, undefined, 'Network.loadingFinished', finished('a')), false, 'the oldest was let go');
  assert.equal(reader.observe(7, undefined, 'Network.loadingFinished', finished('d')), true);
});
