// Cutting debugger.send results (lib/truncate.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { cutString, truncateResult } from '../lib/truncate.js';

test('a long text body is cut to maxFieldLength and listed', () => {
  const r = truncateResult({ body: 'x'.repeat(1000), base64Encoded: false }, 100);
  assert.equal(r.body.length, 100);
  assert.equal(r.base64Encoded, false);
  assert.deepEqual(r._truncated, { body: 1000 });
});

test('short fields and non-strings are left alone; nothing cut means no _truncated', () => {
  const input = { body: 'short', base64Encoded: false, n: 12345678901, o: { deep: 'y'.repeat(500) } };
  const r = truncateResult(input, 100);
  assert.equal(r, input);
  assert.equal(r._truncated, undefined);
});

test('base64 is cut on a multiple of 4 and stays decodable', () => {
  const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));
  const b64 = bytes.toString('base64');
  for (const max of [1, 2, 3, 4, 5, 101, 102, 103, 1001]) {
    const r = truncateResult({ body: b64, base64Encoded: true }, max);
    assert.equal(r.body.length % 4, 0, `max ${max}`);
    assert.ok(r.body.length <= max && r.body.length > max - 4);
    const back = Buffer.from(r.body, 'base64');
    assert.equal(back.toString('base64'), r.body, 'valid base64');
    assert.deepEqual(back, bytes.subarray(0, back.length), 'a prefix of the original bytes');
    assert.deepEqual(r._truncated, { body: b64.length });
  }
});

test('text is never cut inside a surrogate pair', () => {
  const s = 'a😀😀😀'; // a, then pairs at 1-2, 3-4, 5-6
  assert.equal(cutString(s, 2, false), 'a');
  assert.equal(cutString(s, 3, false), 'a😀');
  assert.equal(cutString(s, 100, false), s);
  const r = truncateResult({ body: s }, 4);
  assert.equal(r.body, 'a😀');
  assert.deepEqual(r._truncated, { body: 7 });
});

test('every long top-level string is cut, nested ones are not', () => {
  const r = truncateResult({ a: 'a'.repeat(50), b: 'b'.repeat(60), c: 'c', nested: { d: 'd'.repeat(80) } }, 10);
  assert.equal(r.a.length, 10);
  assert.equal(r.b.length, 10);
  assert.equal(r.c, 'c');
  assert.equal(r.nested.d.length, 80);
  assert.deepEqual(r._truncated, { a: 50, b: 60 });
});

test('with no maxFieldLength a result is still made to fit one native message', () => {
  const r = truncateResult({ body: '€'.repeat(100_000), base64Encoded: false }, 0, { limitBytes: 60_000 });
  assert.ok(Buffer.byteLength(JSON.stringify(r)) <= 60_000, `${Buffer.byteLength(JSON.stringify(r))} bytes`);
  assert.ok(r.body.length > 10_000, 'keeps as much as fits');
  assert.deepEqual(r._truncated, { body: 100_000 });
  const b = truncateResult({ body: 'QUJD'.repeat(50_000), base64Encoded: true }, 0, { limitBytes: 60_000 });
  assert.equal(b.body.length % 4, 0);
  assert.ok(JSON.stringify(b).length <= 60_000);
});

test('an empty or missing result becomes {}', () => {
  assert.deepEqual(truncateResult(undefined, 10), {});
  assert.deepEqual(truncateResult(null, 10), {});
});
