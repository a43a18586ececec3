// Every build of the wasm core (scripts/build.sh: the 2-D page's and the digits page's, each
// plain and relaxed SIMD) takes the SGD step network.py takes, computed here in plain JS one
// example at a time: an outside reference for the kernels, on shapes that leave every kind of
// partial block (layers of 1 to 17 neurons, odd and even, batches of 1 to 13), with each
// activation, both costs and weight decay.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, WWW_ROOT } from './harness.mjs';

const BUILDS = ['nndl_backprop_2d.wasm', 'nndl_backprop_2d_relaxed.wasm', 'nndl_backprop_bg.wasm', 'nndl_backprop_bg_relaxed.wasm'];
const built = BUILDS.every((f) => existsSync(join(WWW_ROOT, 'pkg', f)));

const CASES = [
  { sizes: [2, 8, 8, 8, 1], activation: 'sigmoid', cost: 'quadratic', m: 10, lambda: 0 },
  { sizes: [2, 16, 9, 17, 3], activation: 'tanh', cost: 'quadratic', m: 7, lambda: 0.1 },
  { sizes: [3, 1, 2, 5, 1], activation: 'sigmoid', cost: 'crossEntropy', m: 4, lambda: 0 },
  { sizes: [2, 7, 1], activation: 'relu', cost: 'quadratic', m: 1, lambda: 0 },
  { sizes: [5, 13, 6, 2], activation: 'linear', cost: 'quadratic', m: 13, lambda: 0.5 },
  { sizes: [4, 11, 4], activation: 'tanh', cost: 'crossEntropy', m: 3, lambda: 0.2 },
];
const ETA = 0.7;
const COUNT = 40;

/** The inputs and desired outputs of the data set for `sizes`: x in [−1, 1], y in [0, 1]. */
function dataFor(sizes) {
  const [nIn, nOut] = [sizes[0], sizes[sizes.length - 1]];
  const xs = Array.from({ length: COUNT * nIn }, (_, i) => Math.sin(i * 1.7 + nIn));
  const ys = Array.from({ length: COUNT * nOut }, (_, i) => ((i * 7) % 5) / 4);
  return { xs, ys, nIn, nOut };
}

/** Picked examples: out of order, one picked twice when the batch is long enough. */
const indicesFor = (m) => Array.from({ length: m }, (_, i) => (i * 13 + 5) % (m > 4 ? m - 1 : COUNT));

const act = {
  sigmoid: [(z) => 1 / (1 + Math.exp(-z)), (z) => { const s = 1 / (1 + Math.exp(-z)); return s * (1 - s); }],
  tanh: [Math.tanh, (z) => 1 - Math.tanh(z) ** 2],
  relu: [(z) => Math.max(0, z), (z) => (z > 0 ? 1 : 0)],
  linear: [(z) => z, () => 1],
};

/** network.py's update_mini_batch on `net` (its JSON, changed in place), with L2 decay. */
function networkPyStep(net, { sizes, activation, cost, lambda }, batch, n) {
  const L = net.weights.length;
  const nablaW = net.weights.map((w) => w.map((row) => row.map(() => 0)));
  const nablaB = net.biases.map((b) => b.map(() => 0));
  // Cross-entropy's output layer is a sigmoid whatever the hidden layers' activation.
  const layerAct = (l) => (l === L - 1 && cost === 'crossEntropy' ? act.sigmoid : act[activation]);
  for (const { x, y } of batch) {
    const as = [x];
    const zs = [];
    for (let l = 0; l < L; l++) {
      const z = net.biases[l].map((b, j) => b + net.weights[l][j].reduce((s, w, k) => s + w * as[l][k], 0));
      zs.push(z);
      as.push(z.map(layerAct(l)[0]));
    }
    const aL = as[L];
    let delta = aL.map((a, j) => (cost === 'crossEntropy' ? a - y[j] : (a - y[j]) * layerAct(L - 1)[1](zs[L - 1][j]))); // BP1
    for (let l = L - 1; l >= 0; l--) {
      delta.forEach((d, j) => {
        nablaB[l][j] += d; // BP3
        as[l].forEach((a, k) => (nablaW[l][j][k] += a * d)); // BP4
      });
      if (l > 0) {
        const prime = layerAct(l - 1)[1];
        delta = zs[l - 1].map((z, k) => delta.reduce((s, d, j) => s + net.weights[l][j][k] * d, 0) * prime(z)); // BP2
      }
    }
  }
  const r = ETA / batch.length;
  const shrink = 1 - (ETA * lambda) / n;
  net.weights.forEach((w, l) => w.forEach((row, j) => row.forEach((v, k) => (row[k] = shrink * v - r * nablaW[l][j][k]))));
  net.biases.forEach((b, l) => b.forEach((v, j) => (b[j] = v - r * nablaB[l][j])));
  assert.equal(sizes.length, L + 1);
}

describe('every wasm build steps as network.py does', { skip: !built && 'run scripts/build.sh first' }, () => {
  let h;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  test('sgdStepOn and sgdStep give network.py\'s weights and biases within 1e-12', async () => {
    const page = await h.newPage({}, '/index.html');
    const runs = await page.evaluate(async ({ builds, cases, data, indices, eta }) => {
      const out = {};
      for (const wasm of builds) {
        const M = await import(`/pkg/nndl_backprop.js?${wasm}`);
        await M.default({ module_or_path: `/pkg/${wasm}` });
        out[wasm] = cases.map((c, i) => {
          const d = data[i];
          const set = M.Dataset.fromFlat(Float64Array.from(d.xs), Float64Array.from(d.ys), d.nIn, d.nOut);
          const net = M.Network.random({ sizes: c.sizes, seed: 11 + i, activation: c.activation, cost: c.cost });
          const twin = M.Network.fromJSON(net.toJSON());
          const before = net.toJSON();
          net.sgdStepOn(set, Uint32Array.from(indices[i]), eta, { lambda: c.lambda, n: set.length });
          // The same batch as JS objects, through sgdStep.
          const batch = indices[i].map((e) => ({
            x: d.xs.slice(e * d.nIn, (e + 1) * d.nIn), y: d.ys.slice(e * d.nOut, (e + 1) * d.nOut),
          }));
          twin.sgdStep(batch, eta, { lambda: c.lambda, n: set.length });
          const result = { before, on: net.toJSON(), step: twin.toJSON() };
          for (const x of [net, twin, set]) x.free();
          return result;
        });
      }
      return out;
    }, { builds: BUILDS, cases: CASES, data: CASES.map((c) => dataFor(c.sizes)), indices: CASES.map((c) => indicesFor(c.m)), eta: ETA });
    const flat = (n) => [...n.weights.flat(2), ...n.biases.flat()];
    for (const wasm of BUILDS) {
      CASES.forEach((c, i) => {
        const { before, on, step } = runs[wasm][i];
        const d = dataFor(c.sizes);
        const batch = indicesFor(c.m).map((e) => ({
          x: d.xs.slice(e * d.nIn, (e + 1) * d.nIn), y: d.ys.slice(e * d.nOut, (e + 1) * d.nOut),
        }));
        const want = structuredClone(before);
        networkPyStep(want, c, batch, COUNT);
        const expected = flat(want);
        const moved = expected.reduce((s, v, q) => Math.max(s, Math.abs(v - flat(before)[q])), 0);
        assert.ok(moved > 1e-3, `${wasm} [${c.sizes}]: the step moves the weights (${moved})`);
        for (const [how, got] of [['sgdStepOn', flat(on)], ['sgdStep', flat(step)]]) {
          assert.equal(got.length, expected.length);
          const worst = got.reduce((s, v, q) => Math.max(s, Math.abs(v - expected[q]) / Math.max(1, Math.abs(expected[q]))), 0);
          assert.ok(worst <= 1e-12, `${wasm} ${how} [${c.sizes}] ${c.activation} ${c.cost} m=${c.m}: largest difference ${worst}`);
        }
      });
    }
    h.assertClean();
  });

  test('a y outside [0, 1] is refused for cross-entropy only, naming its example; the network is left as it was', async () => {
    const page = await h.newPage({}, '/index.html');
    const out = await page.evaluate(async (builds) => {
      const results = {};
      for (const wasm of builds) {
        const M = await import(`/pkg/nndl_backprop.js?${wasm}`);
        await M.default({ module_or_path: `/pkg/${wasm}` });
        const ys = [0, 1, 0.5, 1.5, 0, 1];
        const data = M.Dataset.fromFlat(Float64Array.from(ys.flatMap((_, i) => [i / 6, 1 - i / 6])), Float64Array.from(ys), 2, 1);
        const tryIt = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.message; } };
        const r = {};
        for (const cost of ['crossEntropy', 'quadratic']) {
          const net = M.Network.random({ sizes: [2, 3, 1], seed: 2, cost });
          const before = JSON.stringify(net.toJSON());
          r[cost] = {
            bad: tryIt(() => net.sgdStepOn(data, Uint32Array.from([0, 3, 4]), 0.5)),
            unchanged: cost === 'quadratic' || JSON.stringify(net.toJSON()) === before,
            good: tryIt(() => net.sgdStepOn(data, Uint32Array.from([0, 1, 2, 5]), 0.5)),
            epoch: net.sgdEpochOn ? tryIt(() => net.sgdEpochOn(data, 2, 0.5)) : 'no sgdEpochOn',
          };
          net.free();
        }
        data.free();
        results[wasm] = r;
      }
      return results;
    }, BUILDS);
    for (const wasm of BUILDS) {
      const { crossEntropy: ce, quadratic: q } = out[wasm];
      assert.match(ce.bad, /example 3's y/, `${wasm}: ${ce.bad}`);
      assert.ok(ce.unchanged, `${wasm}: the refused step changed the network`);
      assert.equal(ce.good, 'ok', `${wasm}: picked examples that fit train`);
      assert.deepEqual([q.bad, q.good], ['ok', 'ok'], `${wasm}: the quadratic cost takes any finite y`);
      if (wasm.includes('_bg')) {
        assert.match(ce.epoch, /example 3's y/, `${wasm} sgdEpochOn: ${ce.epoch}`);
        assert.equal(q.epoch, 'ok', `${wasm} sgdEpochOn, quadratic`);
      }
    }
  });
});
