// The page end to end (issue 2): it loads the wasm, draws the network — neurons filled by
// their activation, every edge coloured by its weight — and Step runs one sgdStep that changes
// the weights. Also: nothing is fetched from outside localhost and nothing logs an error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.mjs';
import { clearPointOnEdge, drawn, drawnActivations, drawnEdges, edgePixels, maxDiff, openApp, stepAndWait } from './page-helpers.mjs';

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
  const edges = await drawnEdges(page);
  assert.equal(edges.length, 2 * 6 + 6 * 3 + 3 * 1);
  // Edge colour follows the sign of w^l_jk (vermilion < 0, teal > 0), width grows with |w|.
  for (const e of edges) {
    const w = net.weights[e.l - 2][e.j - 1][e.k - 1];
    const [r, , b] = e.stroke.match(/\d+/g).map(Number);
    if (Math.abs(w) > 0.3) assert.equal(w > 0 ? b > r : r > b, true, `edge w${e.l}_${e.j}${e.k} = ${w} drawn ${e.stroke}`);
  }
  const byW = edges.map((e) => [Math.abs(net.weights[e.l - 2][e.j - 1][e.k - 1]), e.width]).sort((a, b) => a[0] - b[0]);
  for (let n = 1; n < byW.length; n++) assert.ok(byW[n][1] >= byW[n - 1][1] - 1e-9, 'width grows with |w|');
  // And the canvas shows what the view says it drew: at a point of each edge clear of the
  // others, the edge's colour (and, where the line covers the whole pixel, its opacity); on
  // both sides, within its width something, 2 px beyond it nothing.
  let checked = 0;
  for (const e of edges) {
    const pt = await clearPointOnEdge(page, e.l, e.j, e.k, e.width / 2 + 8);
    if (!pt) continue;
    const len = Math.hypot(e.x2 - e.x1, e.y2 - e.y1);
    const [nx, ny] = [-(e.y2 - e.y1) / len, (e.x2 - e.x1) / len];
    const inner = Math.max(0, e.width / 2 - 0.5);
    const out = e.width / 2 + 2;
    const [centre, in1, in2, out1, out2] = await edgePixels(page, pt.x, pt.y, nx, ny, [0, inner, -inner, out, -out]);
    const name = `edge w${e.l}_${e.j}${e.k} (${e.stroke}, width ${e.width}) at ${pt.x.toFixed(1)},${pt.y.toFixed(1)}`;
    const [r, g, b] = e.stroke.match(/\d+/g).map(Number);
    const alpha = e.opacity * 255;
    assert.ok(centre[3] > 0 && centre[3] <= alpha + 3, `${name}: centre alpha ${centre[3]}`);
    if (e.width >= 3) assert.ok(Math.abs(centre[3] - alpha) <= 3, `${name}: opacity ${centre[3] / 255}`);
    if (centre[3] >= 40) {
      const far = Math.max(Math.abs(centre[0] - r), Math.abs(centre[1] - g), Math.abs(centre[2] - b));
      assert.ok(far <= 6, `${name}: colour ${centre}`);
    }
    assert.ok(in1[3] > 0 && in2[3] > 0, `${name}: inside its width ${in1} ${in2}`);
    assert.equal(out1[3] + out2[3], 0, `${name}: 2 px beyond its width ${out1} ${out2}`);
    checked += 1;
  }
  assert.ok(checked >= 8, `${checked} edges checked on the canvas`);
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
  const strokes = (await drawnEdges(page)).map((e) => e.width);
  await stepAndWait(page);
  const afterNet = await page.evaluate(() => window.__app.network);
  assert.ok(maxDiff(before.weights, afterNet.weights) > 1e-6, 'some weight changed');
  assert.deepEqual(await page.evaluate(() => window.__app.drawnNetwork.weights), afterNet.weights, 'the view draws the new weights');
  const strokesAfter = (await drawnEdges(page)).map((e) => e.width);
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
