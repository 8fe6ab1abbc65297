// Reassembly of chunked host → extension messages (lib/chunks.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ChunkAssembler, ChunkError } from '../lib/chunks.js';
import { MAX_CHUNK_DATA } from '../protocol.js';

/** Splits a message the way the daemon does: UTF-8 JSON bytes, base64 slices. */
function split(message, stream, size = MAX_CHUNK_DATA) {
  const bytes = Buffer.from(JSON.stringify(message), 'utf8');
  const chunks = [];
  for (let off = 0, seq = 0; off < bytes.length || seq === 0; off += size, seq++) {
    const part = bytes.subarray(off, off + size);
    chunks.push({ stream, seq, final: off + size >= bytes.length, data: part.toString('base64') });
  }
  return chunks;
}

test('chunks in order give back the message', () => {
  const msg = { id: 4, result: { fileName: 'a.har', content: { log: { entries: ['x'.repeat(2_000_000)] } } } };
  const chunks = split(msg, 1);
  assert.ok(chunks.length >= 3);
  const a = new ChunkAssembler();
  for (const c of chunks.slice(0, -1)) assert.equal(a.add(c), null);
  assert.deepEqual(a.add(chunks.at(-1)), msg);
  assert.equal(a.pending, 0);
});

test('chunks out of order still give back the message', () => {
  const msg = { method: 'state', params: { captures: [{ title: 'é✓😀'.repeat(50_000) }] } };
  const chunks = split(msg, 9, 1000); // small slices cut inside multi-byte characters
  const order = chunks.map((_, i) => i).reverse();
  const a = new ChunkAssembler();
  let out = null;
  for (const i of order) out = a.add(chunks[i]) ?? out;
  assert.deepEqual(out, msg);
});

test('a missing chunk yields no message, and the stream times out', () => {
  let now = 0;
  const a = new ChunkAssembler({ timeoutMs: 60_000, now: () => now });
  const chunks = split({ id: 1, result: { x: 'y'.repeat(5000) } }, 3, 1000);
  for (const c of chunks) if (c.seq !== 2) assert.equal(a.add(c), null);
  assert.equal(a.pending, 1);
  now += 59_000;
  assert.deepEqual(a.sweep(), []);
  now += 2_000;
  assert.deepEqual(a.sweep(), [3]);
  assert.equal(a.pending, 0);
  // The late chunk alone starts a new stream and completes nothing.
  assert.equal(a.add(chunks[2]), null);
});

test('without the final chunk no message comes out', () => {
  const chunks = split({ id: 1, result: 'z'.repeat(4000) }, 5, 1000);
  const a = new ChunkAssembler();
  for (const c of chunks.slice(0, -1)) assert.equal(a.add(c), null);
  assert.equal(a.pending, 1);
});

test('interleaved streams are kept apart', () => {
  const m1 = { id: 1, result: { a: '1'.repeat(3000) } };
  const m2 = { id: 2, result: { b: '2'.repeat(3000) } };
  const c1 = split(m1, 10, 1000);
  const c2 = split(m2, 11, 1000);
  const a = new ChunkAssembler();
  const got = [];
  for (let i = 0; i < Math.max(c1.length, c2.length); i++) {
    if (c2[i]) got.push(a.add(c2[i]));
    if (c1[i]) got.push(a.add(c1[i]));
  }
  assert.deepEqual(got.filter(Boolean), [m2, m1]);
});

test('a duplicated chunk is ignored', () => {
  const msg = { id: 7, result: 'q'.repeat(2500) };
  const chunks = split(msg, 2, 1000);
  const a = new ChunkAssembler();
  assert.equal(a.add(chunks[0]), null);
  assert.equal(a.add(chunks[0]), null);
  assert.equal(a.add(chunks[1]), null);
  assert.deepEqual(a.add(chunks[2]), msg);
});

test('malformed chunks are refused and drop their stream', () => {
  const a = new ChunkAssembler();
  assert.throws(() => a.add(null), ChunkError);
  assert.throws(() => a.add({ stream: 'x', seq: 0, final: true, data: '' }), ChunkError);
  assert.equal(a.add({ stream: 1, seq: 0, final: false, data: 'eyJp' }), null);
  assert.throws(() => a.add({ stream: 1, seq: 1, final: true, data: '!!!not base64!!!' }), ChunkError);
  assert.equal(a.pending, 0);
  assert.throws(() => a.add({ stream: 2, seq: -1, final: true, data: '' }), ChunkError);
  // Valid base64 that is not JSON.
  assert.throws(() => a.add({ stream: 3, seq: 0, final: true, data: Buffer.from('{nope').toString('base64') }), ChunkError);
  // A chunk after the final one.
  a.add({ stream: 4, seq: 1, final: true, data: 'e30=' });
  assert.throws(() => a.add({ stream: 4, seq: 2, final: false, data: 'e30=' }), ChunkError);
});

test('memory stays bounded: too many streams drop the stalest, a stream over maxBytes is dropped', () => {
  let now = 0;
  const a = new ChunkAssembler({ maxStreams: 2, maxBytes: 10, now: () => now });
  a.add({ stream: 1, seq: 0, final: false, data: 'YQ==' });
  now++;
  a.add({ stream: 2, seq: 0, final: false, data: 'YQ==' });
  now++;
  a.add({ stream: 3, seq: 0, final: false, data: 'YQ==' });
  assert.deepEqual([...a.streams.keys()].sort(), [2, 3]);
  assert.throws(() => a.add({ stream: 2, seq: 1, final: false, data: Buffer.alloc(20).toString('base64') }), /exceeds/);
  assert.deepEqual([...a.streams.keys()], [3]);
});
