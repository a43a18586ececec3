// The gradient check (issue 3): with the toggle on, the hovered weight's card and the
// equations panel show the numerical (C(w+ε) − C(w−ε))/2ε beside backprop's ∂C/∂w; they agree
// to 1e-6, and so does the worst relative error over the whole network. The numerical value
// is recomputed here from two perturbed copies of the network.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.mjs';
import { drawn, edgePoint, neuronPoint, openApp, stepAndWait } from './page-helpers.mjs';

let h;
before(async () => { h = await startHarness(); });
after(async () => { await h?.close(); });

/** (C(w+ε) − C(w−ε))/2ε for weights[i][j][k] (or biases[i][j] when k is null), at the probe. */
async function centralDifference(page, i, j, k, eps = 1e-5) {
  return page.evaluate(async ([i, j, k, eps]) => {
    const { Network, target } = await import('/pkg/nndl_backprop.js');
    const p = window.__app.probe;
    const y = target(p.label, 1);
    const cost = (delta) => {
      const json = window.__app.drawnNetwork;
      if (k === null) json.biases[i][j] += delta;
      else json.weights[i][j][k] += delta;
      const net = Network.fromJSON(json);
      try {
        return net.backprop(p.x, y).cost;
      } finally {
        net.free();
      }
    };
    return (cost(eps) - cost(-eps)) / (2 * eps);
  }, [i, j, k, eps]);
}

test('gradient check: numerical and backprop agree to 1e-6 for hovered weights and biases', async () => {
  const page = await openApp(h);
  await page.check('#grad-check');
  await stepAndWait(page); // a trained step, so the gradients are not the initial ones
  for (const [l, j, k] of [[2, 3, 1], [3, 2, 4], [4, 1, 3]]) {
    const pt = await edgePoint(page, l, j, k);
    await page.mouse.move(pt.x, pt.y);
    await page.waitForFunction(([l, j, k]) => {
      const c = document.getElementById('card');
      return !c.hidden && c.dataset.l === String(l) && c.dataset.j === String(j) && c.dataset.k === String(k) && c.querySelector('[data-numeric]');
    }, [l, j, k]);
    const shown = await page.$eval('#card', (c) => ({
      numeric: Number(c.querySelector('[data-numeric]').dataset.numeric),
      backprop: Number(c.querySelector('[data-backprop]').dataset.backprop),
      grad: Number(c.querySelector('.probe [data-grad]').dataset.grad),
    }));
    const rel = Math.abs(shown.numeric - shown.backprop) / Math.max(Math.abs(shown.numeric) + Math.abs(shown.backprop), 1e-12);
    assert.ok(rel <= 1e-6, `w${l}_${j}${k}: numeric ${shown.numeric} vs backprop ${shown.backprop} (relative error ${rel})`);
    assert.equal(shown.backprop, shown.grad, 'the backprop value is the one the card uses for ∂C/∂w');
    const mine = await centralDifference(page, l - 2, j - 1, k - 1);
    assert.ok(Math.abs(mine - shown.numeric) <= 1e-9, `numerical value recomputed: ${mine} vs ${shown.numeric}`);
    const row = await page.textContent('.eq[data-eq="gradcheck"] .eq-sub');
    assert.match(row, /numerical/);
  }
  const pt = await neuronPoint(page, 3, 1);
  await page.mouse.move(pt.x, pt.y);
  await page.waitForFunction(() => document.getElementById('card').dataset.kind === 'neuron' && document.querySelector('#card [data-numeric]'));
  const bias = await page.$eval('#card', (c) => ({
    numeric: Number(c.querySelector('[data-numeric]').dataset.numeric),
    backprop: Number(c.querySelector('[data-backprop]').dataset.backprop),
  }));
  assert.ok(Math.abs(bias.numeric - bias.backprop) <= 1e-6 * Math.max(1e-3, Math.abs(bias.backprop)), `b3_1: ${JSON.stringify(bias)}`);
  assert.ok(Math.abs((await centralDifference(page, 1, 0, null)) - bias.numeric) <= 1e-9);
  const worst = await page.$eval('.eq-worst', (e) => ({ text: e.textContent, value: Number(e.dataset.value) }));
  assert.ok(worst.value <= 1e-6, `worst relative error over the network: ${worst.value}`);
  assert.match(worst.text, /worst relative error over all 43 weights and biases/);
  assert.equal(worst.value, await page.evaluate(() => window.__app.gradientCheck.maxRelativeError));
  await h.screenshot('gradient-check');
  h.assertClean();
});

test('gradient check off: no numbers, and a sentence saying what it would show', async () => {
  const page = await openApp(h);
  await drawn(page);
  assert.equal(await page.isChecked('#grad-check'), false);
  assert.equal(await page.isHidden('.eq[data-eq="gradcheck"]'), true);
  assert.equal(await page.evaluate(() => window.__app.gradientCheck), null);
  h.assertClean();
});
