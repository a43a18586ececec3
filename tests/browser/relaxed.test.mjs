// The two builds of each wasm core (scripts/build.sh): the digits page's worker and the 2-D
// page load the relaxed-SIMD build where the browser validates relaxed SIMD and the plain one
// elsewhere (or when the relaxed one cannot be fetched), and both builds train to the same
// numbers within 1e-12.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, WWW_ROOT } from './harness.mjs';
import { openApp, stepAndWait } from './page-helpers.mjs';
import { coreUrl, pageCoreUrl, RELAXED_PROBE } from '../../www/js/core-url.js';

const FULL = ['nndl_backprop_bg.wasm', 'nndl_backprop_bg_relaxed.wasm'];
const PAGE = ['nndl_backprop_2d.wasm', 'nndl_backprop_2d_relaxed.wasm'];
const built = [...FULL, ...PAGE].every((f) => existsSync(join(WWW_ROOT, 'pkg', f)));
const file = (url) => url.pathname.split('/').pop();

test('coreUrl and pageCoreUrl pick the relaxed build only when the probe validates', () => {
  for (const [pick, [plain, relaxed]] of [[coreUrl, FULL], [pageCoreUrl, PAGE]]) {
    const seen = [];
    assert.equal(file(pick((b) => (seen.push(b), true))), relaxed);
    assert.equal(seen[0], RELAXED_PROBE, 'the probe is what gets validated');
    assert.equal(file(pick(() => false)), plain);
    assert.equal(file(pick(() => { throw new Error('no WebAssembly'); })), plain);
    assert.equal(file(pick(() => 1)), plain, 'only a true answer counts');
    // Relative to core-url.js itself: www/pkg/, wherever the page is served from.
    assert.equal(pick(() => true).href, new URL(`pkg/${relaxed}`, `file://${WWW_ROOT}/`).href);
  }
});

describe('the relaxed-SIMD builds in Chromium', { skip: !built && 'run scripts/build.sh first' }, () => {
  let h;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  test('Chromium validates the probe, and a plain-SIMD twin of it is valid everywhere SIMD is', async () => {
    const page = await h.newPage({}, '/index.html');
    const verdicts = await page.evaluate((probe) => {
      const relaxed = Uint8Array.from(probe);
      // The same module with f64x2.add of two of the three vectors instead of relaxed_madd.
      const plain = Uint8Array.from([...relaxed.slice(0, 19), relaxed[19], relaxed[20] - 18, relaxed[21], relaxed[22] - 18,
        ...relaxed.slice(23, 23 + 1 + 36), 0xfd, 0xf0, 0x01, 0x0b]);
      return { relaxed: WebAssembly.validate(relaxed), plain: WebAssembly.validate(plain) };
    }, [...RELAXED_PROBE]);
    assert.deepEqual(verdicts, { relaxed: true, plain: true });
  });

  test('the worker of digits.html loads the relaxed build, not the plain one', async () => {
    const page = await h.newPage();
    const requests = [];
    page.context().on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(new URL('digits.html', h.url).href);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    assert.ok(requests.includes('/pkg/nndl_backprop_bg_relaxed.wasm'), `requests: ${requests.filter((u) => u.includes('pkg'))}`);
    assert.ok(!requests.includes('/pkg/nndl_backprop_bg.wasm'), 'the plain build is not downloaded as well');
    h.assertClean();
  });

  test('where the relaxed build cannot be fetched, the worker loads the plain one and the page works', async () => {
    h.clearIssues();
    const page = await h.newPage();
    await page.context().route('**/pkg/nndl_backprop_bg_relaxed.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
    const requests = [];
    page.context().on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(new URL('digits.html', h.url).href);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    assert.ok(requests.includes('/pkg/nndl_backprop_bg_relaxed.wasm'), 'the relaxed build was asked for first');
    assert.ok(requests.includes('/pkg/nndl_backprop_bg.wasm'), 'then the plain one');
    await page.locator('#step').click();
    await page.waitForFunction(() => !document.querySelector('#phasebar li.active') && !document.getElementById('epoch').disabled);
    assert.match(await page.locator('#count-cost').textContent(), /^\d+\.\d{4}$/, 'a step trained');
    assert.equal(await page.locator('#message').isVisible(), false, 'no error on the page');
    // The 404 itself is the one problem the browser reports.
    h.assertClean({ ignore: [/404|Failed to load resource/] });
    h.clearIssues();
  });

  test('the 2-D page loads the relaxed 2-D build, not the plain one nor the digits trainer', async () => {
    h.clearIssues();
    const requests = [];
    const page = await openApp(h, { initScript: null });
    page.context().on('request', (r) => requests.push(new URL(r.url()).pathname));
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.wasm')));
    assert.deepEqual(loaded, ['/pkg/nndl_backprop_2d_relaxed.wasm']);
    await stepAndWait(page);
    assert.deepEqual(requests.filter((p) => p.endsWith('.wasm')), [], 'no wasm fetched later');
    h.assertClean();
  });

  test('where the relaxed 2-D build cannot be fetched, the page loads the plain one and works', async () => {
    h.clearIssues();
    const page = await h.newPage();
    await page.context().route('**/pkg/nndl_backprop_2d_relaxed.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
    const requests = [];
    page.context().on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(h.url);
    await page.waitForFunction(() => window.__app?.ready === true, null, { timeout: 20_000 });
    assert.deepEqual(requests.filter((p) => p.endsWith('.wasm')), ['/pkg/nndl_backprop_2d_relaxed.wasm', '/pkg/nndl_backprop_2d.wasm'],
      'the relaxed build asked for first, then the plain one, nothing else');
    await stepAndWait(page);
    assert.equal(await page.evaluate(() => window.__app.step), 1, 'a step trained');
    assert.equal(await page.locator('#message').isVisible(), false, 'no error on the page');
    h.assertClean({ ignore: [/404|Failed to load resource/] });
    h.clearIssues();
  });

  test('both 2-D builds train the same network within 1e-12, step by step, with each activation', async () => {
    const page = await h.newPage({}, '/index.html');
    // A deep tanh network from the book's N(0, 1) start is chaotic under SGD: the builds' last-bit
    // differences (2e-15 after one step) grow about tenfold every two or three steps, as any
    // change of rounding would, so that one is compared after one step.
    const cases = [
      { sizes: [2, 8, 8, 8, 1], activation: 'sigmoid', m: 10, steps: 60 },
      { sizes: [2, 8, 8, 8, 1], activation: 'tanh', m: 10, steps: 10 },
      { sizes: [2, 16, 16, 16, 16, 16, 16, 1], activation: 'tanh', m: 7, steps: 1 },
      { sizes: [2, 5, 3, 1], activation: 'relu', m: 3, steps: 60 },
      { sizes: [2, 6, 1], activation: 'sigmoid', m: 1, steps: 60 },
    ];
    const out = await page.evaluate(async (cases) => {
      const run = async (wasm) => {
        const M = await import(`/pkg/nndl_backprop.js?${wasm}`);
        await M.default({ module_or_path: `/pkg/${wasm}` });
        return cases.map(({ sizes, activation, m, steps }) => {
          const split = M.generateData({ kind: 'spiral', n: 200, noise: 0.2, trainShare: 0.5, seed: 4 });
          const data = M.Dataset.fromFlat(Float64Array.from(split.train.flatMap((p) => p.x)),
            Float64Array.from(split.train.map((p) => p.label)), 2, 1);
          const net = M.Network.random({ sizes, seed: 5, activation });
          // At a rate where σ's and tanh's values spread over their whole range.
          for (let s = 0; s < steps; s++) {
            const idx = Uint32Array.from({ length: m }, (_, i) => (s * m + i) % data.length);
            net.sgdStepOn(data, idx, 0.3, { n: data.length, lambda: 0.01 });
          }
          const j = net.toJSON();
          const out = [];
          for (let i = 0; i < 20; i++) out.push(...net.output([Math.sin(i) * 1.3, Math.cos(i * 0.7) * 1.3]));
          return { params: [...j.weights.flat(2), ...j.biases.flat(1)], out };
        });
      };
      return { plain: await run('nndl_backprop_2d.wasm'), relaxed: await run('nndl_backprop_2d_relaxed.wasm') };
    }, cases);
    let differ = 0;
    cases.forEach(({ sizes, activation }, c) => {
      for (const what of ['params', 'out']) {
        const [plain, relaxed] = [out.plain[c][what], out.relaxed[c][what]];
        assert.equal(plain.length, relaxed.length);
        assert.ok(plain.length > 0);
        let worst = 0;
        for (let i = 0; i < plain.length; i++) {
          const [p, r] = [plain[i], relaxed[i]];
          assert.ok(Number.isFinite(p) && Number.isFinite(r), `[${sizes}] ${activation} ${what} ${i}: ${p}, ${r}`);
          worst = Math.max(worst, Math.abs(p - r) / Math.max(1, Math.abs(p)));
          if (p !== r) differ++;
        }
        assert.ok(worst <= 1e-12, `[${sizes}] ${activation}, ${what}: largest difference ${worst}`);
      }
    });
    assert.ok(differ > 0, 'the two 2-D builds gave the same bits everywhere (is relaxed_madd unfused on this CPU?)');
  });

  test('both builds train the same weights within 1e-12, on shapes and batch sizes that leave partial blocks', async () => {
    const page = await h.newPage({}, '/index.html');
    // Shapes whose layers fill the kernels' blocks or leave a short last one (rows of 4, columns
    // of 4 in the products, BP4 two columns of 8 rows (relaxed) or 6 (plain) at a time from 32
    // inputs on), and batch sizes that do not divide into them.
    const cases = [
      { sizes: [784, 30, 10], m: 10, epochs: 3 },
      { sizes: [40, 33, 17, 4], m: 7, epochs: 4 },
      { sizes: [33, 9, 5], m: 13, epochs: 4 },
      { sizes: [5, 7, 3], m: 1, epochs: 2 },
      { sizes: [64, 31, 2], m: 3, epochs: 3 },
    ];
    const out = await page.evaluate(async (cases) => {
      const run = async (tag, wasm) => {
        const M = await import(`/pkg/nndl_backprop.js?${tag}`);
        await M.default({ module_or_path: `/pkg/${wasm}` });
        return cases.map(({ sizes, m, epochs }) => {
          const [nIn, nOut] = [sizes[0], sizes[sizes.length - 1]];
          const count = 120;
          const xs = new Float64Array(count * nIn).map((_, i) => ((i * 7) % 97) / 97 - 0.3);
          const ys = new Float64Array(count * nOut).map((_, i) => (i % nOut === Math.floor(i / nOut) % nOut ? 1 : 0));
          const data = M.Dataset.fromFlat(xs, ys, nIn, nOut);
          const net = M.Network.random({ sizes, seed: 3 });
          for (let e = 0; e < epochs; e++) net.sgdEpochOn(data, m, 0.5, { n: count, seed: 1, epoch: e, lambda: 0.1 });
          const j = net.toJSON();
          return [...j.weights.flat(2), ...j.biases.flat(1)];
        });
      };
      return { plain: await run('plain', 'nndl_backprop_bg.wasm'), relaxed: await run('relaxed', 'nndl_backprop_bg_relaxed.wasm') };
    }, cases);
    let differ = 0;
    cases.forEach(({ sizes, m }, c) => {
      const [plain, relaxed] = [out.plain[c], out.relaxed[c]];
      const count = sizes.slice(1).reduce((s, n, l) => s + n * sizes[l] + n, 0);
      assert.equal(plain.length, count, `[${sizes}]: every weight and bias`);
      assert.equal(relaxed.length, count);
      let worst = 0;
      for (let i = 0; i < count; i++) {
        const [p, r] = [plain[i], relaxed[i]];
        assert.ok(Number.isFinite(p) && Number.isFinite(r), `[${sizes}] number ${i}: ${p}, ${r}`);
        worst = Math.max(worst, Math.abs(p - r) / Math.max(1, Math.abs(p)));
        if (p !== r) differ++;
      }
      assert.ok(worst <= 1e-12, `[${sizes}], m = ${m}: largest difference ${worst}`);
    });
    // On x86-64 with FMA (this machine) V8 fuses them, so some last bits differ: the relaxed
    // build really is a different build, and not the plain one loaded twice.
    assert.ok(differ > 0, 'the two builds gave the same bits everywhere (is relaxed_madd unfused on this CPU, one without FMA?)');
  });
});
