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

  test('both builds train [784,30,10] to the same weights within 1e-12, the relaxed one fused', async () => {
    const page = await h.newPage({}, '/index.html');
    const out = await page.evaluate(async () => {
      const run = async (tag, wasm) => {
        const M = await import(`/pkg/nndl_backprop.js?${tag}`);
        await M.default({ module_or_path: `/pkg/${wasm}` });
        const count = 200;
        const xs = new Float64Array(count * 784).map((_, i) => ((i * 7) % 97) / 97);
        const ys = new Float64Array(count * 10).map((_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0));
        const data = M.Dataset.fromFlat(xs, ys, 784, 10);
        const net = M.Network.random({ sizes: [784, 30, 10], seed: 3 });
        for (let e = 0; e < 3; e++) net.sgdEpochOn(data, 10, 0.5, { n: count, seed: 1, epoch: e });
        const j = net.toJSON();
        return [...j.weights.flat(2), ...j.biases.flat(1)];
      };
      return { plain: await run('plain', 'nndl_backprop_bg.wasm'), relaxed: await run('relaxed', 'nndl_backprop_bg_relaxed.wasm') };
    });
    assert.equal(out.plain.length, 784 * 30 + 30 * 10 + 30 + 10);
    assert.equal(out.relaxed.length, out.plain.length);
    let worst = 0;
    let differ = 0;
    for (let i = 0; i < out.plain.length; i++) {
      const [p, r] = [out.plain[i], out.relaxed[i]];
      assert.ok(Number.isFinite(p) && Number.isFinite(r), `number ${i}: ${p}, ${r}`);
      worst = Math.max(worst, Math.abs(p - r) / Math.max(1, Math.abs(p)));
      if (p !== r) differ++;
    }
    assert.ok(worst <= 1e-12, `largest difference ${worst}`);
    // On x86-64 with FMA (this machine) V8 fuses them, so some last bits differ: the relaxed
    // build really is a different build, and not the plain one loaded twice.
    assert.ok(differ > 0, "the two builds gave the same bits everywhere (is relaxed_madd unfused on this CPU, one without FMA?)");
  });
});
