// The digits page's two builds of the wasm core (scripts/build.sh): the worker loads the
// relaxed-SIMD build where the browser validates relaxed SIMD and the plain one elsewhere,
// and both train a [784,30,10] network to the same numbers within 1e-12.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, WWW_ROOT } from './harness.mjs';
import { coreUrl, RELAXED_PROBE } from '../../www/js/digits/core-url.js';

const built = ['nndl_backprop_bg.wasm', 'nndl_backprop_bg_relaxed.wasm'].every((f) => existsSync(join(WWW_ROOT, 'pkg', f)));
const file = (url) => url.pathname.split('/').pop();

test('coreUrl picks the relaxed build only when the probe validates', () => {
  const seen = [];
  assert.equal(file(coreUrl((b) => (seen.push(b), true))), 'nndl_backprop_bg_relaxed.wasm');
  assert.equal(seen[0], RELAXED_PROBE, 'the probe is what gets validated');
  assert.equal(file(coreUrl(() => false)), 'nndl_backprop_bg.wasm');
  assert.equal(file(coreUrl(() => { throw new Error('no WebAssembly'); })), 'nndl_backprop_bg.wasm');
  assert.equal(file(coreUrl(() => 1)), 'nndl_backprop_bg.wasm', 'only a true answer counts');
});

describe('the digits core in Chromium', { skip: !built && 'run scripts/build.sh first' }, () => {
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
