// Keeping and sharing (issue 4): Export JSON → Import JSON gives back the identical network and
// settings; a bare network in the DESIGN.md format imports too; a bad file is refused with a
// message; and the URL carries the settings, so opening it reproduces the network and the run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from './harness.mjs';
import { drawn, openApp, stepAndWait } from './page-helpers.mjs';

let h;
let dir;
before(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'nndl-share-'));
});
after(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const app = (page, expr) => page.evaluate(expr);

test('export → import round trip gives the identical network and settings', async () => {
  const page = await openApp(h);
  await page.selectOption('#set-activation', 'tanh');
  await page.waitForFunction(() => window.__app.network.activation === 'tanh');
  for (let n = 0; n < 3; n++) await stepAndWait(page);
  const network = await app(page, () => window.__app.network);
  const settings = await app(page, () => window.__app.settings);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(doc.format, 'nndl-backprop-playground/1');
  assert.deepEqual(doc.network, network);
  assert.equal(doc.step, 3);

  const fresh = await openApp(h);
  await fresh.setInputFiles('#import-file', file);
  await fresh.waitForFunction(() => window.__app.network.activation === 'tanh');
  await drawn(fresh);
  assert.deepEqual(await app(fresh, () => window.__app.network), network, 'identical weights and biases');
  assert.deepEqual(await app(fresh, () => window.__app.settings), settings, 'identical settings');
  assert.deepEqual(await app(fresh, () => window.__app.drawnNetwork), network, 'and that is what is drawn');
  assert.match(await fresh.textContent('#message'), /Imported 2–6–3–1 from nndl-network\.json/);
  h.assertClean();
});

test('a bare network in the DESIGN.md format imports; a bad file is refused with a message', async () => {
  const page = await openApp(h);
  const bare = {
    sizes: [2, 3, 2],
    weights: [[[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], [[0.7, -0.8, 0.9], [-1.0, 1.1, -1.2]]],
    biases: [[0.01, 0.02, 0.03], [-0.1, 0.1]],
    activation: 'sigmoid',
    cost: 'crossEntropy',
  };
  const file = join(dir, 'bare.json');
  writeFileSync(file, JSON.stringify(bare));
  await page.setInputFiles('#import-file', file);
  await page.waitForFunction(() => window.__app.network.sizes.join() === '2,3,2');
  await drawn(page);
  const net = await app(page, () => window.__app.network);
  assert.deepEqual(net.weights, bare.weights);
  assert.equal(await page.$$eval('#net g.neuron', (gs) => gs.length), 7);
  assert.equal(await app(page, () => window.__app.data.train[0].y.length), 2, 'targets became one-hot');

  const badFile = join(dir, 'bad.json');
  writeFileSync(badFile, JSON.stringify({ sizes: [2, 2], weights: [[[1, 2]]], biases: [[0, 0]], activation: 'sigmoid', cost: 'quadratic' }));
  await page.setInputFiles('#import-file', badFile);
  await page.waitForFunction(() => window.__app.message?.kind === 'error');
  await drawn(page);
  assert.match(await page.textContent('#message'), /could not import bad\.json: .+/);
  assert.deepEqual(await app(page, () => window.__app.network), net, 'the network is unchanged');
  writeFileSync(badFile, 'not json');
  await page.setInputFiles('#import-file', badFile);
  await page.waitForFunction(() => /not JSON/.test(window.__app.message?.text ?? ''));
  h.assertClean();
});

test('the URL carries the settings: opening it reproduces the same network and the same run', async () => {
  const page = await openApp(h);
  await page.selectOption('#set-dataset', 'spiral');
  await page.click('#set-addlayer');
  await page.selectOption('#set-activation', 'tanh');
  await page.fill('#set-seed', '7');
  await page.press('#set-seed', 'Enter');
  await page.fill('#eta', '0.5');
  await page.press('#eta', 'Enter');
  await page.fill('#batch-size', '5');
  await page.press('#batch-size', 'Enter');
  await page.waitForFunction(() => window.__app.settings.m === 5 && window.__app.settings.seed === 7);
  await drawn(page); // the URL is rewritten with the next redraw
  const url = page.url();
  assert.match(url, /data=spiral/);
  assert.match(url, /sizes=2-6-3-3-1/);
  assert.match(url, /act=tanh/);
  assert.match(url, /seed=7/);
  assert.match(url, /eta=0\.5/);
  assert.match(url, /m=5/);
  const settings = await app(page, () => window.__app.settings);
  const initial = await app(page, () => window.__app.network);
  for (let n = 0; n < 4; n++) {
    await page.click('#step');
    await page.waitForFunction((k) => window.__app.step === k, n + 1);
  }

  const copy = await openApp(h, { contextOptions: {} });
  await copy.goto(url);
  await copy.waitForFunction(() => window.__app?.ready === true);
  assert.deepEqual(await app(copy, () => window.__app.settings), settings);
  assert.deepEqual(await app(copy, () => window.__app.network), initial, 'same initial network');
  assert.deepEqual(await app(copy, () => window.__app.data), await app(page, () => window.__app.data), 'same data');
  for (let n = 0; n < 4; n++) {
    await copy.click('#step');
    await copy.waitForFunction((k) => window.__app.step === k, n + 1);
  }
  assert.deepEqual(await app(copy, () => window.__app.network), await app(page, () => window.__app.network), 'same run: same batches, same weights');
  h.assertClean();
});

test('a bad URL parameter is reported and the default used', async () => {
  const page = await h.newPage({}, '?noise=loud&sizes=3-2&act=swish&eta=2');
  await page.waitForFunction(() => window.__app?.ready === true);
  await page.waitForSelector('#message:not([hidden])');
  const text = await page.textContent('#message');
  assert.match(text, /noise="loud" must be a number/);
  assert.match(text, /sizes="3-2" must start with 2 inputs/);
  assert.match(text, /act="swish" must be one of sigmoid, tanh, relu, linear/);
  const s = await app(page, () => window.__app.settings);
  assert.equal(s.noise, 0.1);
  assert.equal(s.eta, 2, 'the good parameters are kept');
  assert.deepEqual(s.sizes, [2, 6, 3, 1]);
  h.assertClean();
});

test('a link with a point count the menu does not list (500) shows that count in the menu', async () => {
  const page = await h.newPage({}, '?points=500&train=0.5');
  await page.waitForFunction(() => window.__app?.ready === true);
  assert.equal((await app(page, () => window.__app.settings)).points, 500);
  assert.equal(await page.inputValue('#set-points'), '500');
  assert.equal(await page.$eval('#set-points', (s) => s.selectedOptions[0]?.textContent), '500');
  // Choosing a listed count still works, and the added one stays available.
  await page.selectOption('#set-points', '200');
  await page.waitForFunction(() => window.__app.settings.points === 200);
  assert.deepEqual(await page.$$eval('#set-points option', (os) => os.map((o) => o.value)), ['100', '200', '400', '500', '800']);
  h.assertClean();
});
