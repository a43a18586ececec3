// Every neuron's map over the plane through the wasm API (issue 7's frame): heatmapInto writes
// into the caller's Float32Array exactly what heatmap returns, each cell is the network's
// forward pass at the cell's centre (eq. 25), and a wrong array, resolution or bounds is a
// clear Error that leaves the array as it was. The page draws its maps from heatmapInto.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.mjs';
import { openApp } from './page-helpers.mjs';

let h;
before(async () => { h = await startHarness(); });
after(async () => { await h?.close(); });

test('heatmapInto fills the given array with heatmap’s numbers, each a forward pass at its cell', async () => {
  const page = await openApp(h);
  const r = await page.evaluate(async () => {
    const { Network } = await import('/pkg/nndl_backprop.js');
    const out = [];
    for (const [sizes, activation, cost, res] of [
      [[2, 8, 8, 8, 1], 'tanh', 'quadratic', 100],
      [[2, 5, 3, 2], 'sigmoid', 'crossEntropy', 13],
      [[2, 4, 1], 'relu', 'quadratic', 7],
    ]) {
      const net = Network.random({ sizes, seed: 7, activation, cost });
      const bounds = { xMin: -1.5, xMax: 1, yMin: -0.5, yMax: 2 };
      const neurons = sizes.slice(1).reduce((s, n) => s + n, 0);
      const into = new Float32Array(neurons * res * res).fill(NaN);
      net.heatmapInto(into, res, bounds);
      const fresh = net.heatmap(res, bounds);
      let worst = 0;
      const cells = res * res;
      for (const c of [0, res - 1, cells - res, cells - 1, Math.floor(cells / 2) + 3]) {
        const x = [bounds.xMin + ((c % res) + 0.5) * (2.5 / res), bounds.yMax - (Math.floor(c / res) + 0.5) * (2.5 / res)];
        const { a } = net.forward(x);
        let n = 0;
        for (const layer of a.slice(1)) for (const v of layer) worst = Math.max(worst, Math.abs(into[n++ * cells + c] - v));
      }
      out.push({ sizes, same: into.length === fresh.length && into.every((v, i) => Object.is(v, fresh[i])), worst });
      net.free();
    }
    return out;
  });
  for (const { sizes, same, worst } of r) {
    assert.ok(same, `[${sizes}]: heatmapInto and heatmap give the same numbers`);
    assert.ok(worst < 1e-6, `[${sizes}]: cells are the forward pass to f32 precision, worst ${worst}`);
  }
  h.assertClean();
});

test('heatmapInto refuses a wrong array, resolution or bounds with a clear Error and writes nothing', async () => {
  const page = await openApp(h);
  const r = await page.evaluate(async () => {
    const { Network } = await import('/pkg/nndl_backprop.js');
    const net = Network.random({ sizes: [2, 3, 1], seed: 1 });
    const attempt = (out, res, bounds) => {
      try {
        net.heatmapInto(out, res, bounds);
        return 'no error';
      } catch (e) {
        return `${e instanceof Error} ${e.message}`;
      }
    };
    const good = new Float32Array(4 * 10 * 10).fill(7);
    const results = {
      short: attempt(new Float32Array(4 * 10 * 10 - 1), 10, {}),
      f64: attempt(new Float64Array(4 * 10 * 10), 10, {}),
      array: attempt(Array(400).fill(0), 10, {}),
      nothing: attempt(undefined, 10, {}),
      res0: attempt(good, 0, {}),
      resBig: attempt(good, 1e6, {}),
      bounds: attempt(good, 10, { xMin: 1, xMax: -1 }),
      nanBounds: attempt(good, 10, { yMin: NaN }),
    };
    const untouched = good.every((v) => v === 7);
    const three = Network.random({ sizes: [3, 2, 1], seed: 1 });
    let threeInputs;
    try { three.heatmapInto(new Float32Array(3 * 4), 2, {}); } catch (e) { threeInputs = e.message; }
    net.free();
    three.free();
    return { results, untouched, threeInputs };
  });
  assert.match(r.results.short, /^true heatmapInto needs a Float32Array of 400 numbers .*got one of 399/);
  assert.match(r.results.f64, /^true heatmapInto needs a Float32Array of 400 numbers to write into/);
  assert.match(r.results.array, /^true heatmapInto needs a Float32Array/);
  assert.match(r.results.nothing, /^true heatmapInto needs a Float32Array/);
  assert.match(r.results.res0, /^true resolution must be a whole number from 1 to 256/);
  assert.match(r.results.resBig, /^true resolution must be a whole number from 1 to 256/);
  assert.match(r.results.bounds, /^true bounds must lie within/);
  assert.match(r.results.nanBounds, /^true bounds must lie within/);
  assert.ok(r.untouched, 'a refused call writes nothing');
  assert.match(r.threeInputs, /heatmaps need a network with 2 inputs, this one has 3/);
  h.assertClean();
});
