// The script tabs.fetch runs in a page, run here under Node's fetch
// against a local server: what it sends, what it reads back, its bounds.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';

import { FETCH_TAG, pageFetch, pageFetchExpression } from '../lib/pagefetch.js';

function serve(handler) {
  return new Promise((resolve) => {
    const srv = createServer(handler);
    srv.listen(0, '127.0.0.1', () => resolve({ srv, base: `http://127.0.0.1:${srv.address().port}` }));
  });
}

test('sends the method, headers and binary body, and reads the status, headers and body', async () => {
  let seen;
  const { srv, base } = await serve((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      seen = { method: req.method, url: req.url, auth: req.headers.authorization, x: req.headers['x-two'], body: Buffer.concat(chunks) };
      res.writeHead(201, 'Made', { 'Content-Type': 'application/octet-stream', 'X-Answer': 'yes' });
      res.end(Buffer.from([0, 1, 2, 255]));
    });
  });
  try {
    const body = Buffer.from([0, 255, 39, 36]).toString('base64');
    const r = await pageFetch({
      method: 'PUT',
      url: `${base}/it's?q=1`,
      headers: [
        { name: 'Authorization', value: 'Bearer t0k' },
        { name: 'X-Two', value: 'a' },
        { name: 'X-Two', value: 'b' },
        { name: 'bad name', value: 'x' },
      ],
      bodyBase64: body,
      timeoutMs: 5000,
      maxBodyBytes: 1000,
    });
    assert.equal(r.error, undefined, r.error);
    assert.deepEqual(seen, { method: 'PUT', url: "/it's?q=1", auth: 'Bearer t0k', x: 'a, b', body: Buffer.from([0, 255, 39, 36]) });
    assert.equal(r.status, 201);
    assert.equal(r.statusText, 'Made');
    assert.equal(r.bodyBase64, Buffer.from([0, 1, 2, 255]).toString('base64'));
    assert.equal(r.bodySize, 4);
    assert.equal(r.bodyTruncated, undefined);
    assert.ok(r.headers.some((h) => h.name === 'x-answer' && h.value === 'yes'));
    assert.deepEqual(r.notSent, ['bad name']);
  } finally {
    srv.close();
  }
});

test('reads no more of a body than asked, and gives up at the timeout', async () => {
  const { srv, base } = await serve((req, res) => {
    if (req.url === '/slow') {
      res.writeHead(200);
      res.write('part');
      return; // never ends
    }
    res.end('x'.repeat(100_000));
  });
  try {
    const cut = await pageFetch({ method: 'GET', url: `${base}/big`, timeoutMs: 5000, maxBodyBytes: 10 });
    assert.equal(cut.bodySize, 10);
    assert.equal(cut.bodyTruncated, true);
    assert.equal(Buffer.from(cut.bodyBase64, 'base64').toString(), 'x'.repeat(10));
    const slow = await pageFetch({ method: 'GET', url: `${base}/slow`, timeoutMs: 200, maxBodyBytes: 10 });
    assert.match(slow.error, /no complete answer within 200 ms/);
    const none = await pageFetch({ method: 'GET', url: 'http://127.0.0.1:1/', timeoutMs: 2000, maxBodyBytes: 10 });
    assert.ok(none.error, 'a refused connection is an error');
  } finally {
    srv.closeAllConnections();
    srv.close();
  }
});

test('the page expression is the function and its data, named by a tag that cannot end its line', () => {
  const expr = pageFetchExpression({ method: 'GET', url: 'https://x.test/\u2028' }, 'tabtap-send-1a2b');
  assert.ok(expr.startsWith('(async function pageFetch(req)'));
  assert.ok(expr.endsWith('\n//# sourceURL=tabtap-send-1a2b'));
  for (const bad of ['x\nalert(1)', '', 'a b', 'x\u2028y', 'x'.repeat(101)]) {
    assert.throws(() => pageFetchExpression({}, bad), /fetch tag/);
    assert.equal(FETCH_TAG.test(bad), false);
  }
});
