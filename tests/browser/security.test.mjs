// The page itself (issue 6): a strict Content-Security-Policy in both the served header and
// the documents' own <meta>, so it holds under any static server; no inline script or style
// in the HTML; nothing in www/js that turns text into markup or code; and no request leaving
// the page's origin through a whole session, digits mode included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CSP } from '../../scripts/serve.mjs';
import { WWW_ROOT, isLocalUrl, startHarness } from './harness.mjs';
import { drawn, drawnEdges, edgePoint, neuronPoint, openApp, stepAndWait } from './page-helpers.mjs';

let h;
before(async () => { h = await startHarness(); });
after(async () => { await h?.close(); });

const PAGES = ['index.html', 'digits.html'];

/** Every file under `dir` whose name ends with `ext`. */
function filesUnder(dir, ext) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, ext);
    return path.endsWith(ext) ? [path] : [];
  });
}

/** The content of the document's CSP <meta>, or null. */
const metaPolicy = (html) => html.match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*>/i)?.[1] ?? null;

test('both pages carry the CSP as a response header and as a <meta> in the document', async () => {
  for (const name of PAGES) {
    const res = await fetch(new URL(name, h.url));
    assert.equal(res.status, 200, name);
    assert.equal(res.headers.get('content-security-policy'), CSP, `${name}: header`);
    const html = await res.text();
    assert.equal(metaPolicy(html), CSP, `${name}: <meta> holds the same policy`);
    // A <meta> policy only covers what comes after it: it must precede every script and stylesheet.
    const at = html.search(/<meta\s+http-equiv="Content-Security-Policy"/i);
    for (const tag of [/<script\b/i, /<link\b/i, /<style\b/i]) {
      const first = html.search(tag);
      assert.ok(first === -1 || first > at, `${name}: the policy comes before ${tag}`);
    }
  }
});

test('the HTML has no inline script, style or event handler', () => {
  for (const file of filesUnder(WWW_ROOT, '.html')) {
    const html = readFileSync(file, 'utf8');
    const name = relative(WWW_ROOT, file);
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      assert.match(m[1], /\bsrc=/, `${name}: every <script> has a src`);
      assert.equal(m[2].trim(), '', `${name}: no inline script body`);
    }
    assert.doesNotMatch(html, /<style\b/i, `${name}: no <style> element`);
    assert.doesNotMatch(html, /\sstyle\s*=/i, `${name}: no style= attribute`);
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${name}: no on…= handler attribute`);
    assert.doesNotMatch(html, /javascript:/i, `${name}: no javascript: URL`);
  }
});

test('no www/js file turns text into markup or code (innerHTML, document.write, eval, new Function, …)', () => {
  const FORBIDDEN = [
    [/\.innerHTML\b/, 'innerHTML'],
    [/\.outerHTML\b/, 'outerHTML'],
    [/\binsertAdjacentHTML\b/, 'insertAdjacentHTML'],
    [/\bcreateContextualFragment\b/, 'createContextualFragment'],
    [/\bdocument\.write(ln)?\b/, 'document.write'],
    [/(^|[^\w$.])eval\s*\(/, 'eval'],
    [/\bnew\s+Function\b/, 'new Function'],
    [/(^|[^\w$.'"`])Function\s*\(/, 'Function()'],
    [/\bset(Timeout|Interval)\s*\(\s*['"`]/, 'setTimeout/setInterval with a string'],
    [/\.setAttribute\(\s*['"](on\w+|style|srcdoc)['"]/, 'setAttribute of a handler, style or srcdoc'],
    [/\bsrcdoc\b/, 'srcdoc'],
    [/javascript:/, 'javascript: URL'],
  ];
  const files = filesUnder(join(WWW_ROOT, 'js'), '.js');
  assert.ok(files.length >= 20, `found the page's modules (${files.length})`);
  for (const file of files) {
    // Comments may name what the code avoids ("without innerHTML"); only code counts.
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .split('\n')
      .map((line) => line.replace(/(^|\s)\/\/.*$/, ''))
      .join('\n');
    for (const [pattern, what] of FORBIDDEN) {
      const hit = code.split('\n').findIndex((line) => pattern.test(line));
      assert.equal(hit, -1, `${relative(WWW_ROOT, file)}:${hit + 1} uses ${what}`);
    }
  }
  // The generated wasm-bindgen glue compiles nothing from text either.
  for (const file of filesUnder(join(WWW_ROOT, 'pkg'), '.js')) {
    const code = readFileSync(file, 'utf8');
    assert.doesNotMatch(code, /(^|[^\w$.])eval\s*\(|\bnew\s+Function\b/, relative(WWW_ROOT, file));
  }
});

test('a whole session (load, step, play, hover, heatmaps, export, digits mode) makes no request outside the origin', async () => {
  const origin = new URL(h.url).origin;
  const page = await openApp(h, { speed: 4 });
  const requests = [];
  page.context().on('request', (r) => requests.push(r.url()));
  const violations = [];
  await page.exposeFunction('__cspViolation', (v) => violations.push(v));
  const watchViolations = () => page.evaluate(() => document.addEventListener('securitypolicyviolation', (e) => window.__cspViolation(`${e.violatedDirective} ${e.blockedURI}`)));
  await watchViolations();

  await stepAndWait(page);
  await page.click('#play');
  await page.waitForFunction((n) => window.__app.step >= n, 40, { timeout: 20_000 });
  await page.click('#play');
  const edge = await edgePoint(page, 3, 1, 2);
  await page.mouse.move(edge.x, edge.y);
  await page.waitForSelector('#card:not([hidden])');
  const neuron = await neuronPoint(page, 2, 1);
  await page.mouse.move(neuron.x, neuron.y);
  await page.check('#maps');
  await page.waitForFunction(() => document.querySelectorAll('#net image.map[visibility="visible"]').length > 0);
  await page.check('#grad-check');
  await drawn(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.match(download.url(), /^blob:/, 'the export is a blob: URL');
  await page.click('a[href="digits.html"]');
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
  await watchViolations();
  await page.locator('#step').click();
  await page.waitForFunction(() => !document.querySelector('#phasebar li.active') && !document.getElementById('epoch').disabled, null, { timeout: 30_000 });
  assert.ok(page.workers().some((w) => w.url().endsWith('/js/digits/worker.js')), 'the digits worker runs under the policy');
  assert.equal(await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content), CSP);

  const outside = requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
  assert.deepEqual(outside, [], 'every request stays in the page’s origin');
  assert.ok(requests.some((u) => u.endsWith('.wasm')) && requests.some((u) => u.endsWith('/data/mnist.bin')), 'the session did load both pages');
  assert.deepEqual(violations, [], 'the page itself never trips its policy');
  h.assertClean();
});

test('served without the header (another static server), the <meta> policy alone is enforced and the pages work', async () => {
  const page = await h.newPage();
  // Stand in for a server that sends no CSP: every response loses the header.
  await page.route('**/*', async (route) => {
    if (!isLocalUrl(route.request().url())) return route.abort('blockedbyclient');
    // A same-origin script the test adds: eval from page code (DevTools' own evaluate is exempt).
    if (route.request().url().endsWith('/__eval-probe.js')) {
      return route.fulfill({ contentType: 'text/javascript', body: "try { window.__evalResult = eval('1 + 1'); } catch (e) { window.__evalResult = e.name; }" });
    }
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['content-security-policy'];
    await route.fulfill({ response, headers });
  });
  await page.goto(h.url);
  await page.waitForFunction(() => window.__app?.ready === true, null, { timeout: 20_000 });
  const headerSeen = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
  assert.equal(headerSeen, null, 'no header reached the page');
  // The page works: wasm compiled ('wasm-unsafe-eval'), SVG and MathML drawn, a Step taken,
  // neuron heatmaps as data: URLs.
  await stepAndWait(page);
  assert.ok((await drawnEdges(page)).length > 0, 'network drawn');
  assert.ok(await page.$$eval('#equations math', (ms) => ms.length) >= 4, 'MathML equations drawn');
  await page.check('#maps');
  await page.waitForFunction(() => document.querySelectorAll('#net image.map[visibility="visible"]').length > 0);
  // And the policy holds: no eval, no inline script, no outside image.
  const blocked = await page.evaluate(async () => {
    const seen = [];
    document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
    const probe = document.createElement('script');
    probe.src = '__eval-probe.js';
    await new Promise((r) => { probe.onload = r; probe.onerror = r; document.body.append(probe); });
    const evalBlocked = window.__evalResult === 'EvalError';
    probe.remove();
    window.__inlineRan = false;
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true;';
    document.body.append(s);
    const img = document.createElement('img');
    img.src = 'https://example.com/pixel.png';
    document.body.append(img);
    await new Promise((r) => setTimeout(r, 300));
    img.remove();
    s.remove();
    return { evalBlocked, inlineRan: window.__inlineRan, seen };
  });
  assert.equal(blocked.evalBlocked, true, `eval from page code is refused: ${JSON.stringify(blocked)}`);
  assert.equal(blocked.inlineRan, false, 'an injected inline script does not run');
  assert.ok(blocked.seen.some((d) => d.startsWith('script-src')), `script-src violations reported: ${blocked.seen}`);
  assert.ok(blocked.seen.some((d) => d.startsWith('img-src')), `img-src violation reported: ${blocked.seen}`);
  // The digits page under the meta alone: its worker and its data load.
  await page.goto(new URL('digits.html', h.url).href);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
  assert.ok(page.workers().some((w) => w.url().endsWith('/js/digits/worker.js')), 'the worker runs');
  // The probes above log CSP errors on purpose; nothing else may.
  h.assertClean({ ignore: [/Content Security Policy|Refused to (evaluate|execute|load)|example\.com/] });
});
