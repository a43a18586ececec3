// The playground's controls (issue 4): each one really changes the data or the network, a
// new shape visibly starts a new network while η and m do not, the charts follow training,
// the keyboard shortcuts work, neuron heatmaps appear, and a diverging run is stopped with a
// message while the page keeps working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.mjs';
import { drawn, drawnEdges, maxDiff, openApp, scrollIntoView, stepAndWait } from './page-helpers.mjs';

let h;
before(async () => { h = await startHarness(); });
after(async () => { await h?.close(); });

const app = (page, expr) => page.evaluate(expr);
const trainXs = (page) => app(page, () => window.__app.data.train.map((p) => p.x));

async function setRange(page, selector, value) {
  await page.$eval(selector, (el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

async function setNumber(page, selector, value) {
  await page.fill(selector, String(value));
  await page.press(selector, 'Enter');
  await page.locator(selector).blur();
}

test('data controls: kind, noise, train share and seed regenerate the points; same seed, same data', async () => {
  const page = await openApp(h);
  const xor = await trainXs(page);
  await page.selectOption('#set-dataset', 'circle');
  await page.waitForFunction(() => window.__app.settings.dataset === 'circle');
  const circle = await trainXs(page);
  assert.notDeepEqual(circle, xor);
  // The address bar follows the settings in a store subscriber, which may run a frame later.
  await page.waitForFunction(() => location.search.includes('data=circle'));
  assert.match(page.url(), /data=circle/);
  await setRange(page, '#set-noise', 0.5);
  await page.waitForFunction(() => window.__app.settings.noise === 0.5);
  assert.notDeepEqual(await trainXs(page), circle, 'noise moves the points');
  await setRange(page, '#set-train', 0.7);
  await page.waitForFunction(() => window.__app.data.train.length === 140);
  assert.equal(await app(page, () => window.__app.data.test.length), 60);
  const before = await trainXs(page);
  await page.click('#set-newdata');
  await page.waitForFunction(() => window.__app.settings.dataSeed === 2);
  assert.notDeepEqual(await trainXs(page), before, 'new data');
  await setNumber(page, '#set-dseed', 1);
  await page.waitForFunction(() => window.__app.settings.dataSeed === 1);
  assert.deepEqual(await trainXs(page), before, 'the same data seed gives the same data back');
  for (const kind of ['gaussians', 'spiral']) {
    await page.selectOption('#set-dataset', kind);
    await page.waitForFunction((k) => window.__app.settings.dataset === k, kind);
  }
  await h.screenshot('playground-spiral');
  h.assertClean();
});

test('architecture: add and remove hidden layers and neurons, more outputs (one-hot); each visibly resets', async () => {
  const page = await openApp(h);
  await stepAndWait(page);
  await page.click('#set-addlayer');
  await page.waitForFunction(() => window.__app.network.sizes.join() === '2,6,3,3,1');
  await drawn(page);
  assert.equal(await app(page, () => window.__app.step), 0, 'a new shape starts a new network');
  assert.equal(await page.$$eval('#net .layer-title', (ts) => ts.length), 5);
  assert.match(await page.textContent('#message'), /New network from seed 53: 2–6–3–3–1/);
  await page.click('#set-arch [data-layer="2"] button:last-of-type');
  await page.waitForFunction(() => window.__app.network.sizes.join() === '2,7,3,3,1');
  await page.click('#set-arch [data-layer="3"] button:first-of-type');
  await page.waitForFunction(() => window.__app.network.sizes.join() === '2,7,2,3,1');
  await page.click('#set-removelayer');
  await page.waitForFunction(() => window.__app.network.sizes.join() === '2,7,2,1');
  await drawn(page);
  assert.equal(await page.$$eval('#net g.neuron', (gs) => gs.length), 12);
  // Several output neurons: one-hot targets, as the book does for digits.
  await page.click('#set-arch .layer.output button:last-of-type');
  await page.waitForFunction(() => window.__app.network.sizes.join() === '2,7,2,2');
  await stepAndWait(page);
  const batch = await app(page, () => window.__app.lastStep.batch);
  for (const e of batch) assert.ok(e.y.length === 2 && e.y[0] + e.y[1] === 1, `one-hot y ${e.y}`);
  // Up to 8 hidden layers of 16 neurons.
  for (let n = 0; n < 6; n++) await page.click('#set-addlayer');
  await page.waitForFunction(() => window.__app.network.sizes.length === 10);
  await drawn(page);
  assert.equal(await page.isDisabled('#set-addlayer'), true, 'at most 8 hidden layers');
  await page.goto(`${h.url}?sizes=2-16-16-16-16-16-16-1`);
  await page.waitForFunction(() => window.__app?.ready === true);
  await drawn(page);
  const edges = await drawnEdges(page);
  assert.equal(edges.length, 2 * 16 + 5 * 256 + 16);
  // Every one of them is on the canvas: its midpoint is inked.
  const blank = await page.evaluate((mids) => {
    const svg = document.getElementById('net');
    const canvas = svg.previousElementSibling;
    const s = canvas.width / svg.getBoundingClientRect().width;
    const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    return mids.filter(([x, y]) => px.data[4 * (Math.floor(y * s) * canvas.width + Math.floor(x * s)) + 3] === 0).length;
  }, edges.map((e) => [(e.x1 + e.x2) / 2, (e.y1 + e.y2) / 2]));
  assert.equal(blank, 0, 'edges whose midpoint has no ink');
  assert.equal(await page.isDisabled('#set-arch [data-layer="2"] button:last-of-type'), true, 'at most 16 neurons');
  await h.screenshot('playground-6x16');
  h.assertClean();
});

test('training controls: activation, cost, init, λ and seed shape the network and the step', async () => {
  const page = await openApp(h);
  const initial = await app(page, () => window.__app.network);
  await page.selectOption('#set-activation', 'tanh');
  await page.waitForFunction(() => window.__app.network.activation === 'tanh');
  await page.selectOption('#set-cost', 'crossEntropy');
  await page.waitForFunction(() => window.__app.network.cost === 'crossEntropy');
  await drawn(page);
  assert.match(await page.textContent('.eq[data-eq="BP1"]'), /error in the output layer/);
  await page.selectOption('#set-init', 'scaled');
  await page.waitForFunction(() => window.__app.settings.init === 'scaled');
  const scaled = await app(page, () => window.__app.network);
  // N(0, 1/n_in) weights are smaller than N(0, 1) ones (same seed, same draws, scaled).
  const rms = (net) => Math.sqrt(net.weights.flat(2).reduce((s, w) => s + w * w, 0) / net.weights.flat(2).length);
  assert.ok(rms(scaled) < rms(initial), `rms ${rms(scaled)} < ${rms(initial)}`);
  await setNumber(page, '#set-seed', 7);
  await page.waitForFunction(() => window.__app.settings.seed === 7);
  const seven = await app(page, () => window.__app.network);
  assert.notDeepEqual(seven.weights, scaled.weights);
  await setNumber(page, '#set-seed', 53);
  await page.waitForFunction(() => window.__app.settings.seed === 53);
  assert.deepEqual(await app(page, () => window.__app.network), scaled, 'same seed, same network');
  // λ and η change the next step, not the network.
  await setNumber(page, '#set-lambda', 0.5);
  await setNumber(page, '#eta', 0.7);
  assert.deepEqual(await app(page, () => window.__app.network), scaled, 'λ and η do not reset');
  await stepAndWait(page);
  const check = await page.evaluate(async (before) => {
    const { Network } = await import('/pkg/nndl_backprop.js');
    const s = window.__app.lastStep;
    const copy = Network.fromJSON(before);
    copy.sgdStep(s.batch, 0.7, { lambda: 0.5, n: s.n });
    const out = { expected: copy.toJSON(), actual: window.__app.network, lambda: s.lambda, eta: s.eta };
    copy.free();
    return out;
  }, scaled);
  assert.equal(check.lambda, 0.5);
  assert.equal(check.eta, 0.7);
  assert.ok(maxDiff(check.expected.weights, check.actual.weights) <= 1e-12, 'the step used λ = 0.5 and η = 0.7');
  assert.match(await page.textContent('.eq[data-eq="SGD"]'), /ηλ/);
  h.assertClean();
});

test('the charts follow training and read off values on hover', async () => {
  const page = await openApp(h);
  await page.click('#play');
  await page.waitForFunction(() => window.__app.step >= 120);
  await page.click('#play');
  await page.waitForFunction(() => !window.__app.playing);
  await drawn(page);
  const history = await app(page, () => window.__app.step);
  await scrollIntoView(page, '#charts');
  const readout = await page.$eval('#charts .chart-readout', (r) => ({ text: r.textContent, step: Number(r.dataset.step) }));
  assert.equal(readout.step, history, 'the readout shows the latest step');
  assert.match(readout.text, /train .*test/);
  const box = await page.locator('#charts canvas[data-chart="accuracy"]').boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  const hovered = await page.$eval('#charts .chart-readout', (r) => Number(r.dataset.step));
  assert.ok(hovered > 0 && hovered < history, `hovering a third of the way reads an earlier step: ${hovered}`);
  const painted = await page.$eval('#charts canvas[data-chart="cost"]', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let blue = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 2] > 120 && d[i] < 90) blue++;
    return blue;
  });
  assert.ok(painted > 50, 'the train-cost line is drawn');
  await h.screenshot('charts');
  h.assertClean();
});

test('keyboard: space steps, p plays and pauses, r resets; typing in a field is left alone', async () => {
  const page = await openApp(h);
  const initial = await app(page, () => window.__app.network);
  await page.locator('#net').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(' ');
  await page.waitForFunction(() => window.__app.step === 1);
  await page.keyboard.press('p');
  await page.waitForFunction(() => window.__app.playing && window.__app.step > 5);
  await page.keyboard.press('p');
  await page.waitForFunction(() => !window.__app.playing);
  await page.keyboard.press('r');
  await page.waitForFunction(() => window.__app.step === 0);
  assert.deepEqual(await app(page, () => window.__app.network), initial);
  await page.focus('#eta');
  await page.keyboard.press('r');
  await page.keyboard.press('p');
  assert.equal(await app(page, () => window.__app.playing), false, 'keys typed into η are not shortcuts');
  // Focus is visible on every control reached with Tab.
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  h.assertClean();
});

test('neuron heatmaps: every neuron shows its activation over the plane', async () => {
  const page = await openApp(h);
  await page.check('#maps');
  await page.waitForFunction(() => document.querySelectorAll('#net image.map[visibility="visible"]').length === 12);
  const hrefs = await page.$$eval('#net image.map', (is) => is.map((i) => i.getAttribute('href')));
  for (const href of hrefs) assert.match(href, /^data:image\/png;base64,/);
  assert.equal(new Set(hrefs.slice(2)).size, 10, 'each neuron has its own picture');
  await h.screenshot('neuron-heatmaps');
  await page.uncheck('#maps');
  await page.waitForFunction(() => document.querySelectorAll('#net image.map[visibility="visible"]').length === 0);
  h.assertClean();
});

test('a diverging run (linear, η = 100) is stopped with a message, and the page keeps working', async () => {
  const page = await openApp(h);
  await page.selectOption('#set-activation', 'linear');
  await page.waitForFunction(() => window.__app.network.activation === 'linear');
  await setNumber(page, '#eta', 100);
  await page.click('#play');
  await page.waitForFunction(() => window.__app.message?.kind === 'diverged', null, { timeout: 20_000 });
  await drawn(page);
  assert.equal(await app(page, () => window.__app.playing), false, 'Play paused');
  const text = await page.textContent('#message');
  assert.match(text, /Training stopped: .*Try a smaller learning rate η \(now 100\)/);
  // Which step, what became non-finite, and what was kept (issue 6).
  const taken = await app(page, () => window.__app.step);
  assert.match(text, new RegExp(`at step ${taken + 1} (the cost became (NaN|-?Infinity)|(weight|bias) .+ became non-finite), so that step was undone and the network after step ${taken} is kept`));
  assert.equal(await app(page, () => window.__app.message.step), taken + 1);
  const net = await app(page, () => window.__app.network);
  assert.ok(net.weights.flat(2).every(Number.isFinite), 'the network was left finite');
  await h.screenshot('diverged');
  await setNumber(page, '#eta', 0.01);
  await page.click('#reset');
  await stepAndWait(page);
  assert.equal(await app(page, () => window.__app.step), 1);
  h.assertClean();
});
