// Smoke tests of the tooling: scripts/serve.mjs (headers, MIME types, path safety) and the
// browser harness itself. The page's own tests live in the other *.test.mjs files.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, CSP } from '../../scripts/serve.mjs';
import { startHarness, WWW_ROOT } from './harness.mjs';

const EXPECTED_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; " +
  "worker-src 'self'; object-src 'none'; base-uri 'none'";

/** GET with the path sent exactly as given (fetch would normalise "..") */
function rawGet(baseUrl, path) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function assertSecurityHeaders(headers, what) {
  const get = (k) => (typeof headers.get === 'function' ? headers.get(k) : headers[k.toLowerCase()]);
  assert.equal(get('content-security-policy'), EXPECTED_CSP, `${what}: CSP`);
  assert.equal(get('cache-control'), 'no-store', `${what}: Cache-Control`);
  assert.equal(get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
}

describe('serve.mjs on the real www/', () => {
  let srv;
  before(async () => {
    srv = await startServer({ port: 0, root: WWW_ROOT });
  });
  after(() => new Promise((r) => { srv.server.closeAllConnections(); srv.server.close(r); }));

  test('serves index.html with the CSP header', { skip: !existsSync(join(WWW_ROOT, 'index.html')) && 'www/index.html does not exist yet' }, async () => {
    for (const path of ['', 'index.html']) {
      const res = await fetch(new URL(path, srv.url));
      assert.equal(res.status, 200, `/${path}`);
      assert.match(res.headers.get('content-type'), /^text\/html\b/);
      assertSecurityHeaders(res.headers, `/${path}`);
      assert.match(await res.text(), /<html/i);
    }
  });

  test('serves the wasm module as application/wasm', { skip: !existsSync(join(WWW_ROOT, 'pkg')) && 'www/pkg does not exist yet (run scripts/build.sh)' }, async () => {
    const res = await fetch(new URL('pkg/nndl_backprop_bg.wasm', srv.url));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/wasm');
    assertSecurityHeaders(res.headers, 'wasm');
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'wasm magic');
    const js = await fetch(new URL('pkg/nndl_backprop.js', srv.url));
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type'), /^text\/javascript\b/);
  });
});

describe('serve.mjs behaviour (temporary root)', () => {
  let dir;
  let srv;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nndl-serve-'));
    mkdirSync(join(dir, 'www', 'sub'), { recursive: true });
    const root = join(dir, 'www');
    writeFileSync(join(dir, 'secret.txt'), 'outside the root');
    writeFileSync(join(root, 'index.html'), '<!doctype html><html><body>root</body></html>');
    writeFileSync(join(root, 'sub', 'index.html'), '<!doctype html><html><body>sub</body></html>');
    const files = { 'a.js': 'export {}', 'a.mjs': 'export {}', 'a.css': 'body{}', 'a.json': '{}', 'a.bin': 'x', 'a.png': 'x', 'a.wasm': 'x' };
    for (const [name, body] of Object.entries(files)) writeFileSync(join(root, name), body);
    srv = await startServer({ port: 0, root });
  });
  after(async () => {
    await new Promise((r) => { srv.server.closeAllConnections(); srv.server.close(r); });
    rmSync(dir, { recursive: true, force: true });
  });

  test('exports the CSP it sends', () => assert.equal(CSP, EXPECTED_CSP));

  test('MIME types', async () => {
    const want = {
      'a.js': /^text\/javascript\b/,
      'a.mjs': /^text\/javascript\b/,
      'a.css': /^text\/css\b/,
      'a.json': /^application\/json\b/,
      'a.bin': /^application\/octet-stream$/,
      'a.png': /^image\/png$/,
      'a.wasm': /^application\/wasm$/,
      'index.html': /^text\/html\b/,
    };
    for (const [name, re] of Object.entries(want)) {
      const res = await fetch(new URL(name, srv.url));
      assert.equal(res.status, 200, name);
      assert.match(res.headers.get('content-type'), re, name);
      assertSecurityHeaders(res.headers, name);
      await res.arrayBuffer();
    }
  });

  test('directories serve index.html; 404 carries the headers too', async () => {
    const sub = await fetch(new URL('sub/', srv.url));
    assert.equal(sub.status, 200);
    assert.match(await sub.text(), /sub/);
    const redirect = await fetch(new URL('sub', srv.url), { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/sub/');
    const missing = await fetch(new URL('nope.js', srv.url));
    assert.equal(missing.status, 404);
    assertSecurityHeaders(missing.headers, '404');
    await missing.arrayBuffer();
  });

  test('no path escapes the root', async () => {
    for (const path of ['/../secret.txt', '/sub/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt', '/..%5csecret.txt', '/%00', '/sub/%2e%2e/%2e%2e/secret.txt', '//etc/passwd', '/%E0%A4%A']) {
      const res = await rawGet(srv.url, path);
      assert.notEqual(res.status, 200, `${path} must not be served`);
      assert.ok(!res.body.toString().includes('outside the root'), `${path} leaked a file outside the root`);
      assertSecurityHeaders(res.headers, path);
    }
  });

  test('only GET and HEAD', async () => {
    const head = await fetch(new URL('a.js', srv.url), { method: 'HEAD' });
    assert.equal(head.status, 200);
    const post = await fetch(new URL('a.js', srv.url), { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    await post.arrayBuffer();
  });

  test('a busy port moves on to the next one', async () => {
    const taken = Number(new URL(srv.url).port);
    const next = await startServer({ port: taken, root: join(dir, 'www'), tries: 50 });
    try {
      assert.ok(Number(next.port) > taken, `got ${next.port} after busy ${taken}`);
    } finally {
      await new Promise((r) => next.server.close(r));
    }
  });
});

describe('browser harness', () => {
  let dir;
  let h;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nndl-harness-'));
    writeFileSync(join(dir, 'index.html'),
      '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="main.js"></script></head>' +
      '<body><h1 id="h">harness</h1></body></html>');
    writeFileSync(join(dir, 'main.js'), "document.getElementById('h').textContent = 'module ran';\n");
    writeFileSync(join(dir, 'leaky.html'),
      '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="leaky.js"></script></head><body></body></html>');
    writeFileSync(join(dir, 'leaky.js'),
      "const img = new Image(); img.src = 'http://192.0.2.1/pixel.png'; document.body.append(img);\n" +
      "console.error('deliberate console error');\n");
    writeFileSync(join(dir, 'inline.html'),
      '<!doctype html><html><head><meta charset="utf-8"></head><body><script>window.x = 1</script></body></html>');
    h = await startHarness({ root: dir });
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a clean page passes assertClean and can be screenshotted', async () => {
    h.clearIssues();
    const page = await h.newPage({}, 'index.html');
    await page.waitForFunction(() => document.getElementById('h').textContent === 'module ran');
    const file = await h.screenshot('harness-smoke');
    assert.ok(existsSync(file), file);
    h.assertClean();
  });

  test('external requests are blocked and recorded, console errors too', async () => {
    h.clearIssues();
    const page = await h.newPage({}, 'leaky.html');
    await page.waitForFunction(() => document.querySelector('img')?.complete);
    // The CSP stops the external <img> before it reaches the network; it shows as a console error.
    assert.ok(h.errors.some((e) => e.includes('deliberate console error')), h.errors.join('\n'));
    assert.ok(h.errors.some((e) => /Content Security Policy/i.test(e) && e.includes('192.0.2.1')), h.errors.join('\n'));
    // A navigation is not subject to the CSP: the harness's route blocks it.
    await page.evaluate(() => { location.href = 'http://192.0.2.1/away'; }).catch(() => {});
    const deadline = Date.now() + 5000;
    while (h.externalRequests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(h.externalRequests, ['http://192.0.2.1/away']);
    assert.throws(() => h.assertClean(), /\[external\] http:\/\/192\.0\.2\.1\/away/);
    h.clearIssues();
  });

  test('the CSP blocks inline script and the harness sees it', async () => {
    h.clearIssues();
    const page = await h.newPage({}, 'inline.html');
    await page.waitForTimeout(100);
    assert.equal(await page.evaluate(() => window.x), undefined);
    assert.throws(() => h.assertClean(), /Content Security Policy/i);
    h.clearIssues();
  });
});
