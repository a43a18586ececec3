// One animated Step (issue 3): the four phases run in order — forward pass (eq. 25), output
// error (BP1), backpropagation (BP2, BP3/BP4) from layer L down to 2, update — with the
// matching equation lit; the views show the old weights until the update; and the weights
// change by exactly what Network.sgdStep gives on the same batch from the same network.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.mjs';
import { drawn, fmt, maxDiff, openApp, stepAndWait } from './page-helpers.mjs';

let h;
before(async () => { h = await startHarness(); });
after(async () => { await h?.close(); });

/** Records, from the DOM alone, each change of the phase bar and the lit equations. */
async function recordPhases(page) {
  await page.evaluate(() => {
    window.__seen = [];
    const rec = () => {
      const phase = document.getElementById('phasebar').dataset.phase;
      const eqs = [...document.querySelectorAll('#equations .eq.active')].map((e) => e.dataset.eq).join('+');
      const entry = `${phase}:${eqs}`;
      if (window.__seen.at(-1) !== entry) window.__seen.push(entry);
    };
    rec();
    new MutationObserver(rec).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['class', 'data-phase'] });
  });
}

test('Step runs the four phases in order, each with its equation highlighted', async () => {
  const page = await openApp(h);
  await recordPhases(page);
  let shotTaken = false;
  await page.click('#step');
  // Catch the backward phase on screen for the screenshot.
  await page.waitForFunction(() => window.__app.phase === 'backward' && window.__app.phaseLog.length >= 6, null, { timeout: 20_000 });
  await h.screenshot('step-backward-phase');
  shotTaken = true;
  // Wait for the DOM (drawn on the next frame), not just the state, to reach the end.
  await page.waitForFunction(() => document.getElementById('phasebar').dataset.phase === 'idle' && window.__app.step === 1, null, { timeout: 20_000 });
  const seen = await page.evaluate(() => window.__seen);
  assert.deepEqual(seen, [
    'idle:',
    'forward:eq25',
    'output-error:BP1',
    'backward:BP3+BP4', // w^4, b^4 from δ^4
    'backward:BP2', //     δ^3 from δ^4
    'backward:BP3+BP4', // w^3, b^3
    'backward:BP2', //     δ^2
    'backward:BP3+BP4', // w^2, b^2
    'update:SGD',
    'idle:',
  ]);
  const log = await page.evaluate(() => window.__app.phaseLog.map((p) => `${p.phase}/${p.layer}/${p.eq}`));
  assert.deepEqual(log, [
    'forward/2/eq25', 'forward/3/eq25', 'forward/4/eq25',
    'output-error/4/BP1',
    'backward/4/BP4', 'backward/3/BP2', 'backward/3/BP4', 'backward/2/BP2', 'backward/2/BP4',
    'update/null/SGD',
  ]);
  assert.ok(shotTaken);
  h.assertClean();
});

test('the drawn weights stay old until the update phase, then become the new ones', async () => {
  const page = await openApp(h, { speed: 1 });
  const old = await page.evaluate(() => window.__app.network);
  await page.click('#step');
  await page.waitForFunction(() => window.__app.phase === 'output-error');
  const during = await page.evaluate(async () => {
    const { drawnEdges } = await import('/js/network-view.js');
    return {
      drawn: window.__app.drawnNetwork.weights,
      trained: window.__app.network.weights,
      width: drawnEdges(document.getElementById('net')).find((e) => e.l === 4 && e.j === 1 && e.k === 1).width,
    };
  });
  assert.deepEqual(during.drawn, old.weights, 'the view still shows the old weights during BP1');
  assert.ok(maxDiff(during.trained, old.weights) > 0, 'the network itself has already taken the step');
  const w = old.weights[2][0][0];
  assert.equal(Number(during.width).toFixed(2), (0.6 + 4.4 * Math.tanh(Math.abs(w) / 1.5)).toFixed(2));
  await page.waitForFunction(() => window.__app.phase === 'update');
  await page.waitForFunction(() => window.__app.phase === 'idle', null, { timeout: 20_000 });
  const end = await page.evaluate(() => ({ drawn: window.__app.drawnNetwork.weights, trained: window.__app.network.weights }));
  assert.deepEqual(end.drawn, end.trained);
  h.assertClean();
});

test('with prefers-reduced-motion, the phases still come in order but nothing slides', async () => {
  const page = await openApp(h, { speed: 1, contextOptions: { reducedMotion: 'reduce' } });
  await page.evaluate(() => {
    window.__progress = [];
    const tick = () => {
      if (window.__app.phase !== 'idle') window.__progress.push(document.getElementById('net').dataset.phase);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.click('#step');
  await page.waitForFunction(() => window.__app.phase === 'forward');
  // Every phase is drawn whole from its first frame: the update jumps to the new weights.
  await page.waitForFunction(() => window.__app.phase === 'update', null, { timeout: 20_000 });
  await page.waitForTimeout(50);
  const drawn = await page.evaluate(() => window.__app.drawnNetwork);
  const display = await page.evaluate(async () =>
    (await import('/js/network-view.js')).drawnEdges(document.getElementById('net')).find((e) => e.l === 2 && e.j === 1 && e.k === 1).width);
  const after = await page.evaluate(() => window.__app.lastStep.after.weights[0][0][0]);
  assert.equal(display.toFixed(2), (0.6 + 4.4 * Math.tanh(Math.abs(after) / 1.5)).toFixed(2), 'no in-between widths');
  assert.ok(drawn, 'still drawing');
  await page.waitForFunction(() => window.__app.phase === 'idle', null, { timeout: 20_000 });
  const phases = await page.evaluate(() => [...new Set(window.__progress)].filter((p) => p !== 'idle'));
  assert.deepEqual(phases, ['forward', 'output-error', 'backward', 'update']);
  h.assertClean();
});

test('a Step changes the weights by exactly what Network.sgdStep gives on the same batch', async () => {
  const page = await openApp(h);
  for (let n = 0; n < 3; n++) {
    const before = await page.evaluate(() => window.__app.network);
    await stepAndWait(page);
    const check = await page.evaluate(async (before) => {
      const { Network } = await import('/pkg/nndl_backprop.js');
      const s = window.__app.lastStep;
      const copy = Network.fromJSON(before);
      try {
        copy.sgdStep(s.batch, s.eta, { lambda: s.lambda, n: s.n });
        return { expected: copy.toJSON(), actual: window.__app.network, step: s, train: window.__app.data.train };
      } finally {
        copy.free();
      }
    }, before);
    const { expected, actual, step, train } = check;
    assert.equal(step.m, 10);
    assert.equal(step.eta, 3);
    assert.equal(step.n, train.length);
    assert.ok(maxDiff(expected.weights, actual.weights) <= 1e-12, 'weights as sgdStep says');
    assert.ok(maxDiff(expected.biases, actual.biases) <= 1e-12, 'biases as sgdStep says');
    assert.ok(maxDiff(before.weights, actual.weights) > 1e-6, 'the step did move the weights');
    // The batch is m distinct training points with their desired outputs y = [label].
    assert.equal(new Set(step.indices).size, 10);
    step.indices.forEach((idx, i) => {
      assert.deepEqual(step.batch[i].x, train[idx].x);
      assert.deepEqual(step.batch[i].y, [train[idx].label]);
    });
  }
  h.assertClean();
});

test('an epoch visits every training point once; the counters follow', async () => {
  const page = await openApp(h);
  const seen = [];
  for (let n = 0; n < 10; n++) {
    await page.click('#step'); // each click finishes the previous animation at once
    await page.waitForFunction((k) => window.__app.step === k, n + 1);
    seen.push(...(await page.evaluate(() => window.__app.lastStep.indices)));
  }
  const trainSize = await page.evaluate(() => window.__app.data.train.length);
  assert.equal(trainSize, 100);
  assert.deepEqual([...seen].sort((a, b) => a - b), [...Array(100).keys()], 'ten steps of m = 10 cover the 100 points');
  await page.click('#step');
  await page.waitForFunction(() => window.__app.step === 11);
  await drawn(page);
  assert.equal(await page.evaluate(() => window.__app.epoch), 1);
  assert.equal(await page.textContent('[data-counter="step"]'), '11');
  assert.equal(await page.textContent('[data-counter="epoch"]'), '2');
  h.assertClean();
});

test('mini-batch anatomy: each example’s own gradient, and their mean is what the step used', async () => {
  const page = await openApp(h);
  await stepAndWait(page);
  const chips = await page.$$eval('#anatomy .chip', (cs) => cs.map((c) => c.textContent));
  assert.deepEqual(chips, ['probe', 'Σ mean', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  await page.click('#anatomy .chip[data-source="2"]');
  await page.waitForFunction(() => window.__app.source === 2);
  await drawn(page);
  assert.match(await page.textContent('#showing'), /example 3 of 10/);
  // The δ drawn under each neuron is example 3's own, computed independently here.
  const ref = await page.evaluate(async () => {
    const { Network } = await import('/pkg/nndl_backprop.js');
    const s = window.__app.lastStep;
    const net = Network.fromJSON(s.before);
    try {
      const per = s.batch.map((e) => net.backprop(e.x, e.y));
      const m = per.length;
      const mean = per[0].nablaW.map((L, i) => L.map((row, j) => row.map((_, k) => per.reduce((acc, bp) => acc + bp.nablaW[i][j][k], 0) / m)));
      return { delta: per[2].delta, perDelta: per.map((bp) => bp.delta), mean, trace: window.__app.lastTrace };
    } finally {
      net.free();
    }
  });
  const shown = await page.$eval('#net g.neuron[data-l="4"][data-j="1"] text.delta', (t) => t.textContent);
  assert.equal(shown, `δ=${fmt(ref.delta[2][0], 2)}`, 'δ⁴₁ drawn for example 3');
  assert.ok(maxDiff(ref.mean, ref.trace.nablaW) <= 1e-12, 'the trace mean is the mean of the per-example gradients');
  ref.perDelta.forEach((d, n) => assert.ok(maxDiff(d, ref.trace.examples[n].delta) <= 1e-12, `example ${n + 1}'s own δ`));
  await page.click('#anatomy .chip[data-source="mean"]');
  await page.waitForFunction(() => window.__app.source === 'mean');
  await drawn(page);
  assert.match(await page.textContent('#showing'), /mean over the mini-batch of m = 10/);
  await h.screenshot('anatomy-mean');
  h.assertClean();
});

test('pause before the update: paging holds the step until the learner applies it', async () => {
  const page = await openApp(h);
  await page.check('#hold');
  const old = await page.evaluate(() => window.__app.network);
  await page.click('#step');
  await page.waitForFunction(() => window.__app.held === true && window.__app.phase === 'update', null, { timeout: 20_000 });
  await page.waitForTimeout(600);
  assert.deepEqual(await page.evaluate(() => window.__app.drawnNetwork.weights), old.weights, 'still the old weights while held');
  await page.click('#anatomy .chip[data-source="0"]');
  await page.click('#anatomy .chip[data-source="1"]');
  assert.equal(await page.evaluate(() => window.__app.source), 1);
  await h.screenshot('held-before-update');
  await page.click('#anatomy .held button');
  await page.waitForFunction(() => window.__app.phase === 'idle', null, { timeout: 20_000 });
  const end = await page.evaluate(() => ({ drawn: window.__app.drawnNetwork.weights, trained: window.__app.network.weights }));
  assert.deepEqual(end.drawn, end.trained);
  h.assertClean();
});

test('Play trains continuously, Pause stops, Reset gives back the same initial network', async () => {
  const page = await openApp(h);
  const initial = await page.evaluate(() => window.__app.network);
  await page.click('#play');
  await page.waitForFunction(() => window.__app.step >= 250, null, { timeout: 60_000 });
  await page.click('#play');
  await drawn(page);
  const paused = await page.evaluate(() => window.__app.step);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__app.step), paused, 'Pause stops training');
  assert.equal(await page.evaluate(() => window.__app.playing), false);
  // The defaults learn xor visibly within a few hundred steps.
  const acc = await page.textContent('[data-counter="train"]');
  assert.ok(Number.parseInt(acc, 10) >= 80, `train accuracy after ${paused} steps: ${acc}`);
  await h.screenshot('after-play');
  await page.click('#reset');
  await page.waitForFunction(() => window.__app.step === 0);
  await drawn(page);
  assert.deepEqual(await page.evaluate(() => window.__app.network), initial, 'same seed, same network');
  assert.equal(await page.textContent('[data-counter="epoch"]'), '0');
  h.assertClean();
});
