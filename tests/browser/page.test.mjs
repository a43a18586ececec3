// The page end to end (issue 2): it loads the wasm, draws the network — neurons filled by
// their activation, every edge coloured by its weight — and Step runs one sgdStep that changes
// the weights. Also: nothing is fetched from outside localhost and nothing logs an error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.mjs';
import { drawn, drawnActivations, maxDiff, openApp, stepAndWait } from './page-helpers.mjs';

let h;
before(async () => { h = await startHarness(); });
after(async () => { await h?.close(); });

test('page loads and draws the network: one circle per neuron, one line per weight', async () => {
  const page = await openApp(h);
  await drawn(page);
  const net = await page.evaluate(() => window.__app.network);
  assert.deepEqual(net.sizes, [2, 6, 3, 1]);
  const neurons = await page.$$eval('#net g.neuron', (gs) => gs.length);
  assert.equal(neurons, 2 + 6 + 3 + 1);
  const edges = await page.$$eval('#net line.edge', (ls) => ls.map((l) => ({
    l: Number(l.dataset.l), j: Number(l.dataset.j), k: Number(l.dataset.k),
    stroke: l.getAttribute('stroke'), width: Number(l.getAttribute('stroke-width')),
  })));
  assert.equal(edges.length, 2 * 6 + 6 * 3 + 3 * 1);
  // Edge colour follows the sign of w^l_jk (vermilion < 0, teal > 0), width grows with |w|.
  for (const e of edges) {
    const w = net.weights[e.l - 2][e.j - 1][e.k - 1];
    const [r, , b] = e.stroke.match(/\d+/g).map(Number);
    if (Math.abs(w) > 0.3) assert.equal(w > 0 ? b > r : r > b, true, `edge w${e.l}_${e.j}${e.k} = ${w} drawn ${e.stroke}`);
  }
  const byW = edges.map((e) => [Math.abs(net.weights[e.l - 2][e.j - 1][e.k - 1]), e.width]).sort((a, b) => a[0] - b[0]);
  for (let n = 1; n < byW.length; n++) assert.ok(byW[n][1] >= byW[n - 1][1] - 1e-9, 'width grows with |w|');
  // Neurons are filled by their activation for the probe, layer 1 being the probe itself.
  const shown = await drawnActivations(page);
  const probe = await page.evaluate(() => window.__app.probe);
  assert.equal(shown['1,1'].a, probe.x[0]);
  assert.equal(shown['1,2'].a, probe.x[1]);
  const fills = new Set(Object.values(shown).map((d) => d.fill));
  assert.ok(fills.size > 4, `neurons should be filled by different activations, got ${[...fills]}`);
  // Layers are numbered as in the book: 1 = input … L = output.
  const titles = await page.$$eval('#net .layer-title', (ts) => ts.map((t) => t.textContent));
  assert.deepEqual(titles, ['layer 1', 'layer 2', 'layer 3', 'layer 4']);
  await h.screenshot('page-loads');
  h.assertClean();
});

test('Step changes the weights, and the drawn edges follow', async () => {
  const page = await openApp(h);
  const before = await page.evaluate(() => window.__app.network);
  const strokes = await page.$$eval('#net line.edge', (ls) => ls.map((l) => l.getAttribute('stroke-width')));
  await stepAndWait(page);
  const afterNet = await page.evaluate(() => window.__app.network);
  assert.ok(maxDiff(before.weights, afterNet.weights) > 1e-6, 'some weight changed');
  assert.deepEqual(await page.evaluate(() => window.__app.drawnNetwork.weights), afterNet.weights, 'the view draws the new weights');
  const strokesAfter = await page.$$eval('#net line.edge', (ls) => ls.map((l) => l.getAttribute('stroke-width')));
  assert.notDeepEqual(strokesAfter, strokes, 'edge widths were redrawn');
  assert.equal(await page.textContent('[data-counter="step"]'), '1');
  assert.equal(await page.textContent('[data-counter="epoch"]'), '1');
  h.assertClean();
});

test('the page loads nothing from outside and keeps within its CSP', async () => {
  h.clearIssues();
  const page = await h.newPage();
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  await page.goto(h.url);
  await page.waitForFunction(() => window.__app?.ready === true);
  await page.click('#step');
  await page.waitForFunction(() => window.__app.step === 1);
  for (const u of urls) assert.match(u, /^http:\/\/127\.0\.0\.1:\d+\//, u);
  assert.ok(urls.some((u) => u.endsWith('.wasm')), 'the wasm came from our server');
  assert.deepEqual(h.externalRequests, []);
  h.assertClean();
});
