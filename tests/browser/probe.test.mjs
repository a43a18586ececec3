// The input plane (issue 3): dragging the probe — with a mouse or a finger — feeds the network
// a new x, and every drawn activation follows during the drag, equal to an independent
// forward pass. Training points are filled, test points hollow, over the output heatmap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.mjs';
import { drawnActivations, openApp, scrollIntoView } from './page-helpers.mjs';

let h;
before(async () => { h = await startHarness(); });
after(async () => { await h?.close(); });

/** Client coordinates of plane point (x1, x2) ∈ [−1, 1]². */
async function planePoint(page, x1, x2) {
  await scrollIntoView(page, '#plane');
  const box = await page.locator('#plane').boundingBox();
  return { x: box.x + ((x1 + 1) / 2) * box.width, y: box.y + ((1 - x2) / 2) * box.height };
}

/** Forward pass on an independent copy of the drawn network. */
async function forwardReference(page, x) {
  return page.evaluate(async (x) => {
    const { Network } = await import('/pkg/nndl_backprop.js');
    const net = Network.fromJSON(window.__app.drawnNetwork);
    try {
      return net.forward(x).a;
    } finally {
      net.free();
    }
  }, x);
}

function assertDrawnMatches(drawn, a, what) {
  a.forEach((layer, l) => layer.forEach((v, j) => {
    assert.ok(Math.abs(drawn[`${l + 1},${j + 1}`].a - v) <= 1e-12, `${what}: a${l + 1}_${j + 1} drawn ${drawn[`${l + 1},${j + 1}`].a}, forward says ${v}`);
  }));
}

test('dragging the probe with the mouse changes the drawn activations, live', async () => {
  const page = await openApp(h);
  const start = await drawnActivations(page);
  const from = await page.evaluate(() => window.__app.probe.x);
  const p0 = await planePoint(page, from[0], from[1]);
  await page.mouse.move(p0.x, p0.y);
  await page.mouse.down();
  const path = [[0.2, 0.3], [-0.3, 0.1], [-0.6, -0.55]];
  for (const [x1, x2] of path) {
    const p = await planePoint(page, x1, x2);
    await page.mouse.move(p.x, p.y, { steps: 4 });
    // Mid-drag, after at most a frame, the view shows this very input.
    await page.waitForFunction(async ([x1, x2]) => {
      const [a11, a12] = (await import('/js/network-view.js')).drawnNeurons(document.getElementById('net'));
      return Math.abs(a11.a - x1) < 0.02 && Math.abs(a12.a - x2) < 0.02;
    }, [x1, x2], { timeout: 3000 });
    const probe = await page.evaluate(() => window.__app.probe.x);
    assertDrawnMatches(await drawnActivations(page), await forwardReference(page, probe), `during the drag at ${probe}`);
  }
  await page.mouse.up();
  const end = await drawnActivations(page);
  const changed = Object.keys(start).filter((key) => start[key].fill !== end[key].fill);
  assert.ok(changed.length >= 8, `most neuron fills changed, got ${changed.join(' ')}`);
  // The probe's desired output is the class of the nearest training point (for δ and ∂C/∂w).
  const { probe, train } = await page.evaluate(() => ({ probe: window.__app.probe, train: window.__app.data.train }));
  const nearest = train.reduce((b, p) => ((p.x[0] - probe.x[0]) ** 2 + (p.x[1] - probe.x[1]) ** 2 < (b.x[0] - probe.x[0]) ** 2 + (b.x[1] - probe.x[1]) ** 2 ? p : b));
  assert.equal(probe.label, nearest.label);
  assert.match(await page.textContent('#showing'), /^showing the probe x = \(−0\.6\d?, −0\.5\d?\), y = [01]$/);
  await h.screenshot('probe-dragged');
  h.assertClean();
});

test('dragging the probe with a finger (touch) works too', async () => {
  const page = await openApp(h, { contextOptions: { hasTouch: true, isMobile: false } });
  const cdp = await page.context().newCDPSession(page);
  const from = await page.evaluate(() => window.__app.probe.x);
  const p0 = await planePoint(page, from[0], from[1]);
  const p1 = await planePoint(page, -0.5, 0.6);
  const scrolled = await page.evaluate(() => window.scrollY);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: p0.x, y: p0.y }] });
  for (let s = 1; s <= 6; s++) {
    const x = p0.x + ((p1.x - p0.x) * s) / 6;
    const y = p0.y + ((p1.y - p0.y) * s) / 6;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y }] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.waitForFunction(() => Math.abs(window.__app.probe.x[0] + 0.5) < 0.02 && Math.abs(window.__app.probe.x[1] - 0.6) < 0.02);
  const probe = await page.evaluate(() => window.__app.probe.x);
  await page.waitForFunction(async (x) => (await import('/js/network-view.js')).drawnNeurons(document.getElementById('net'))[0]?.a === x[0], probe);
  assertDrawnMatches(await drawnActivations(page), await forwardReference(page, probe), 'after a touch drag');
  assert.equal(await page.evaluate(() => window.scrollY), scrolled, 'the drag did not scroll the page');
  h.assertClean();
});

test('the heatmap behind the points is the network’s output: yellow where a^L ≈ 1, navy where ≈ 0', async () => {
  const page = await openApp(h);
  await page.click('#play');
  await page.waitForFunction(() => window.__app.step >= 300, null, { timeout: 60_000 });
  await page.click('#play');
  await page.waitForTimeout(100);
  const out = await page.evaluate(async () => {
    const { Network } = await import('/pkg/nndl_backprop.js');
    const net = Network.fromJSON(window.__app.drawnNetwork);
    try {
      return [[0.8, 0.8], [0.8, -0.8], [-0.8, 0.8], [-0.8, -0.8]].map((x) => ({ x, a: net.output(x)[0] }));
    } finally {
      net.free();
    }
  });
  const box = await page.locator('#plane').boundingBox();
  for (const { x, a } of out) {
    // The mean colour of a small square around x: the cells, whatever points sit on them.
    const rgb = await page.evaluate(([px, py]) => {
      const c = document.getElementById('plane');
      const s = c.width / c.getBoundingClientRect().width;
      const { data } = c.getContext('2d').getImageData(Math.round(px * s) - 6, Math.round(py * s) - 6, 12, 12);
      const sum = [0, 0, 0];
      for (let i = 0; i < data.length; i += 4) for (let k = 0; k < 3; k++) sum[k] += data[i + k];
      return sum.map((v) => v / (data.length / 4));
    }, [((x[0] + 1) / 2) * box.width, ((1 - x[1]) / 2) * box.height]);
    const yellowish = rgb[0] + rgb[1] - 2 * rgb[2];
    if (a > 0.7) assert.ok(yellowish > 60, `a^L(${x}) = ${a.toFixed(2)} should look yellow, got rgb ${rgb.map(Math.round)}`);
    if (a < 0.3) assert.ok(yellowish < 20, `a^L(${x}) = ${a.toFixed(2)} should look navy, got rgb ${rgb.map(Math.round)}`);
  }
  assert.ok(out.some((o) => o.a > 0.7) && out.some((o) => o.a < 0.3), `trained on xor: ${JSON.stringify(out)}`);
  await h.screenshot('plane-trained');
  h.assertClean();
});

test('a plane with no size (hidden, or not laid out yet) is skipped without an error, and drawn once it has one', async () => {
  const page = await openApp(h);
  await page.$eval('#plane', (c) => { c.style.display = 'none'; });
  // A few Play frames: each one asks the plane to draw a new heatmap while it is 0 wide.
  await page.click('#play');
  await page.waitForFunction(() => window.__app.step >= 20, null, { timeout: 30_000 });
  await page.click('#play');
  await page.waitForTimeout(200);
  assert.equal(await page.$eval('#message', (m) => m.hidden ? '' : m.textContent.trim()), '', 'no error message on the page');
  await page.$eval('#plane', (c) => { c.style.display = ''; });
  // Shown again, it draws the heatmap at once (the ResizeObserver asks for a render).
  await page.waitForFunction(() => {
    const c = document.getElementById('plane');
    if (c.width === 0) return false;
    const { data } = c.getContext('2d').getImageData(Math.floor(c.width / 4), Math.floor(c.height / 4), 1, 1);
    return data[3] === 255;
  }, null, { timeout: 10_000 });
  h.assertClean();
});
