// Hovering the network view (issue 3): an edge's card names w^l_jk in the book's 1-based
// notation ("w³₂₄ = …: from neuron 4 in layer 2 to neuron 2 in layer 3") with
// ∂C/∂w = a^(l−1)_k · δ^l_j for the probe and the last mini-batch, and Δw of the last step;
// a neuron's card gives z, a, σ′(z), δ, b and ∂C/∂b. Every number is checked against a
// separate Network.fromJSON copy; the equations panel shows the same numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.mjs';
import { edgePoint, fmt, neuronPoint, openApp, stepAndWait } from './page-helpers.mjs';

let h;
before(async () => { h = await startHarness(); });
after(async () => { await h?.close(); });

/** The probe's backprop on an independent copy of the drawn network. */
async function probeReference(page) {
  return page.evaluate(async () => {
    const { Network, target } = await import('/pkg/nndl_backprop.js');
    const net = Network.fromJSON(window.__app.drawnNetwork);
    try {
      const p = window.__app.probe;
      return { bp: net.backprop(p.x, target(p.label, 1)), params: window.__app.drawnNetwork };
    } finally {
      net.free();
    }
  });
}

const cardData = (page) => page.$eval('#card', (c) => ({
  hidden: c.hidden,
  kind: c.dataset.kind, l: Number(c.dataset.l), j: Number(c.dataset.j), k: Number(c.dataset.k),
  title: c.querySelector('.card-title').textContent,
  sub: c.querySelector('.card-sub')?.textContent,
  formula: c.querySelector('.formula')?.textContent,
  probeGrad: Number(c.querySelector('.probe [data-grad]')?.dataset.grad),
  batchGrad: Number(c.querySelector('.batch [data-grad]')?.dataset.grad),
  dw: Number(c.querySelector('.delta-w [data-dw]')?.dataset.dw),
  values: Object.fromEntries([...c.querySelectorAll('.card-value')].flatMap((v) => Object.entries(v.dataset))),
}));

test('hovering edge w³₂₄ shows the right l, j, k and its numbers, before and after a step', async () => {
  const page = await openApp(h);
  let pt = await edgePoint(page, 3, 2, 4);
  await page.mouse.move(pt.x, pt.y);
  await page.waitForSelector('#card:not([hidden])');
  let card = await cardData(page);
  let ref = await probeReference(page);
  const w = ref.params.weights[1][1][3];
  assert.equal(card.kind, 'edge');
  assert.deepEqual([card.l, card.j, card.k], [3, 2, 4]);
  assert.equal(card.title, `w³₂₄ = ${fmt(w)}`);
  assert.equal(card.sub, 'from neuron 4 in layer 2 to neuron 2 in layer 3');
  assert.equal(card.formula, '∂C/∂w³₂₄ = a²₄ · δ³₂');
  assert.equal(card.probeGrad, ref.bp.nablaW[1][1][3]);
  // BP4 by hand from the reference's own a and δ.
  assert.ok(Math.abs(card.probeGrad - ref.bp.a[1][3] * ref.bp.delta[1][1]) <= 1e-15);
  const bp4 = await page.textContent('.eq[data-eq="BP4"] .eq-sub');
  assert.ok(bp4.includes(fmt(ref.bp.nablaW[1][1][3])), `BP4 row: ${bp4}`);
  assert.ok(bp4.includes(fmt(ref.bp.a[1][3])), `BP4 row shows a²₄: ${bp4}`);
  await h.screenshot('hover-edge');

  // After a step: the last mini-batch's mean gradient and Δw = new − old, for the same edge.
  await stepAndWait(page);
  pt = await edgePoint(page, 3, 2, 4);
  await page.mouse.move(pt.x - 30, pt.y - 30);
  await page.mouse.move(pt.x, pt.y);
  await page.waitForFunction(() => document.getElementById('card').dataset.l === '3' && !document.getElementById('card').hidden);
  card = await cardData(page);
  ref = await probeReference(page);
  const step = await page.evaluate(async () => {
    const { Network } = await import('/pkg/nndl_backprop.js');
    const s = window.__app.lastStep;
    const net = Network.fromJSON(s.before);
    try {
      const grads = s.batch.map((e) => net.backprop(e.x, e.y).nablaW[1][1][3]);
      return { mean: grads.reduce((a, b) => a + b, 0) / grads.length, dw: s.after.weights[1][1][3] - s.before.weights[1][1][3] };
    } finally {
      net.free();
    }
  });
  assert.deepEqual([card.l, card.j, card.k], [3, 2, 4]);
  assert.ok(Math.abs(card.batchGrad - step.mean) <= 1e-12, `batch mean ${card.batchGrad} vs ${step.mean}`);
  assert.ok(Math.abs(card.dw - step.dw) <= 1e-12, `Δw ${card.dw} vs ${step.dw}`);
  assert.ok(Math.abs(step.dw + 3 * step.mean) <= 1e-12, 'Δw = −η · mean ∂C/∂w (λ = 0)');
  assert.equal(card.probeGrad, ref.bp.nablaW[1][1][3], 'probe gradient on the new weights');
  const sgd = await page.textContent('.eq[data-eq="SGD"] .eq-sub');
  assert.ok(sgd.includes(fmt(ref.params.weights[1][1][3], 5)), `SGD row shows the new w: ${sgd}`);
  h.assertClean();
});

test('every edge hovered shows its own l, j, k', async () => {
  const page = await openApp(h);
  const sizes = [2, 6, 3, 1];
  for (let l = 2; l <= 4; l++) {
    for (const [j, k] of [[1, 1], [sizes[l - 1], sizes[l - 2]]]) {
      const pt = await edgePoint(page, l, j, k, 3);
      await page.mouse.move(pt.x, pt.y);
      await page.waitForFunction(([l, j, k]) => {
        const c = document.getElementById('card');
        return !c.hidden && c.dataset.l === String(l) && c.dataset.j === String(j) && c.dataset.k === String(k);
      }, [l, j, k], { timeout: 5000 });
      const hov = await page.evaluate(() => window.__app.hover);
      assert.deepEqual([hov.i + 2, hov.j + 1, hov.k + 1], [l, j, k]);
    }
  }
  h.assertClean();
});

test('hovering a neuron shows z, a, σ′(z), δ, b and ∂C/∂b', async () => {
  const page = await openApp(h);
  const pt = await neuronPoint(page, 3, 2);
  await page.mouse.move(pt.x, pt.y);
  await page.waitForFunction(() => document.getElementById('card').dataset.kind === 'neuron');
  const card = await cardData(page);
  const ref = await probeReference(page);
  assert.deepEqual([card.l, card.j], [3, 2]);
  assert.equal(card.title, 'neuron 2 in layer 3');
  const z = ref.bp.z[1][1];
  const s = 1 / (1 + Math.exp(-z));
  assert.equal(Number(card.values.z), z);
  assert.equal(Number(card.values.a), ref.bp.a[2][1]);
  assert.ok(Math.abs(Number(card.values.sp) - s * (1 - s)) <= 1e-15, 'σ′(z) = σ(z)(1 − σ(z))');
  assert.equal(Number(card.values.delta), ref.bp.delta[1][1]);
  assert.equal(Number(card.values.b), ref.params.biases[1][1]);
  assert.equal(Number(card.values.gradB), ref.bp.nablaB[1][1], 'BP3: ∂C/∂b = δ');
  // The equations panel substitutes this neuron's numbers into eq. 25, BP2 and BP3.
  const eq25 = await page.textContent('.eq[data-eq="eq25"] .eq-sub');
  assert.ok(eq25.includes(fmt(z)), `eq. 25 shows z: ${eq25}`);
  const bp2 = await page.textContent('.eq[data-eq="BP2"] .eq-sub');
  assert.ok(bp2.includes(fmt(ref.bp.delta[1][1])), `BP2 shows δ: ${bp2}`);
  assert.equal(await page.textContent('.eq[data-eq="BP1"] .eq-sub'), '', 'BP1 is for the output layer only');
  await h.screenshot('hover-neuron');
  h.assertClean();
});

test('a tapped (pinned) edge stays live while Play trains', async () => {
  const page = await openApp(h);
  const pt = await edgePoint(page, 4, 1, 2);
  await page.mouse.click(pt.x, pt.y);
  await page.waitForFunction(() => document.getElementById('card').classList.contains('pinned'));
  const first = await cardData(page);
  await page.mouse.move(5, 5); // leaving the view does not hide a pinned card
  await page.click('#play');
  await page.waitForFunction(() => window.__app.step >= 40);
  await page.click('#play');
  await page.waitForTimeout(100);
  const later = await cardData(page);
  const w = await page.evaluate(() => window.__app.network.weights[2][0][1]);
  assert.equal(later.hidden, false);
  assert.deepEqual([later.l, later.j, later.k], [4, 1, 2]);
  assert.equal(later.title, `w⁴₁₂ = ${fmt(w)}`);
  assert.notEqual(later.title, first.title, 'the weight moved and the card followed');
  h.assertClean();
});
