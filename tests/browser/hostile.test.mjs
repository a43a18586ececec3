// Bad input never breaks the page and never loses the learner's network (issue 6): a corpus of
// hostile files goes through Import JSON, hostile links are opened, and the same files go
// straight to the wasm API. Each must give a clear message, keep the network (or fall back to
// a working default) that still steps, log no console error and trap nothing. The corpus is
// in hostile-corpus.mjs; each test prints how many cases of which kinds it tried.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.mjs';
import { aliveWasmHandles, countWasmHandles, drawn, openApp } from './page-helpers.mjs';
import { DEFAULT_SIZES, FILE_CASES, FORMAT, LINK_CASES, decodeLikeBrowser } from './hostile-corpus.mjs';

let h;
before(async () => { h = await startHarness(); });
after(async () => { await h?.close(); });

const app = (page, expr, arg) => page.evaluate(expr, arg);
const DEFAULTS = { dataset: 'xor', points: 200, noise: 0.1, trainShare: 0.5, dataSeed: 1, sizes: DEFAULT_SIZES, activation: 'sigmoid', cost: 'quadratic', init: 'standard', seed: 53, eta: 3, m: 10, lambda: 0 };
const PARAM_KEY = { data: 'dataset', points: 'points', noise: 'noise', train: 'trainShare', dseed: 'dataSeed', sizes: 'sizes', act: 'activation', cost: 'cost', init: 'init', seed: 'seed', eta: 'eta', m: 'm', lambda: 'lambda' };

/** "kind × count" lines for the report. */
function tally(cases) {
  const counts = new Map();
  for (const c of cases) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind} × ${n}`).join(', ');
}

/** A message a person can read: says something, not too long, no leaked internals. */
function assertClear(text, what) {
  assert.ok(text.length >= 20 && text.length <= 2000, `${what}: message length ${text.length}: ${text.slice(0, 200)}`);
  assert.doesNotMatch(text, /\[object |undefined|RuntimeError|unreachable|panicked|\u202e|\u0000/, `${what}: ${text.slice(0, 300)}`);
}

/**
 * Clicks Step and waits until it is counted (or refused as divergence); the network must be
 * finite afterwards and no view may have reported an error while drawing it.
 */
async function stillSteps(page, what) {
  const { step, message } = await app(page, () => ({ step: window.__app.step, message: window.__app.message }));
  await page.click('#step');
  await page.waitForFunction((k) => window.__app.step === k + 1 || window.__app.message?.kind === 'diverged', step, { timeout: 10_000 });
  await drawn(page);
  await drawn(page);
  const now = await app(page, () => ({ network: window.__app.network, message: window.__app.message }));
  assert.ok([...now.network.weights.flat(2), ...now.network.biases.flat()].every(Number.isFinite), `${what}: the network stayed finite`);
  if (now.message?.kind !== 'diverged') assert.deepEqual(now.message, message, `${what}: no new message while stepping`);
}

async function dismiss(page) {
  if (await app(page, () => window.__app.message !== null)) {
    await page.click('#message .message-close');
    await page.waitForFunction(() => window.__app.message === null);
  }
}

const noPollution = (page) => app(page, () => ({}).polluted === undefined && Object.prototype.polluted === undefined && typeof ({}).toString === 'function');

test(`hostile files through Import JSON (${FILE_CASES.length} cases): a message, the network kept, still steps`, async (t) => {
  const page = await openApp(h, { speed: 4, initScript: countWasmHandles });
  const handlesBefore = await aliveWasmHandles(page);
  let refused = 0;
  let imported = 0;
  for (const c of FILE_CASES) {
    const what = `${c.kind}: ${c.name}`;
    const errorsBefore = h.errors.length;
    await dismiss(page);
    const before = await app(page, () => ({ network: window.__app.network, settings: window.__app.settings }));
    await page.setInputFiles('#import-file', { name: c.name, mimeType: 'application/json', buffer: c.bytes });
    await page.waitForFunction(() => window.__app.message !== null, null, { timeout: 20_000 });
    await drawn(page);
    assert.equal(await page.isVisible('#message'), true, `${what}: the message is shown`);
    const text = await page.textContent('#message .message-text');
    assert.equal(text, await app(page, () => window.__app.message.text), `${what}: the page shows the state's message`);
    assertClear(text, what);
    const after = await app(page, () => ({ network: window.__app.network, settings: window.__app.settings, drawn: window.__app.drawnNetwork }));
    if (c.expect.refused) {
      refused += 1;
      assert.match(text, /^Error: could not import .+: /, what);
      assert.match(text, c.expect.refused, what);
      assert.deepEqual(after.network, before.network, `${what}: the network is unchanged`);
      assert.deepEqual(after.settings, before.settings, `${what}: the settings are unchanged`);
    } else {
      imported += 1;
      const doc = JSON.parse(decodeLikeBrowser(c.bytes));
      const { sizes, weights, biases, activation, cost } = doc.format === FORMAT ? doc.network : doc;
      assert.deepEqual(after.network, { sizes, weights, biases, activation, cost }, `${what}: the file's network is the one trained`);
      assert.deepEqual(after.drawn.weights, weights, `${what}: and drawn`);
      for (const key of c.expect.ignored ?? []) {
        assert.match(text, new RegExp(`^• ${key} = `, 'm'), `${what}: names ${key}`);
        if (key !== 'settings') assert.deepEqual(after.settings[key], before.settings[key], `${what}: ${key} kept`);
      }
      if (!c.expect.ignored) assert.match(text, /^Imported 2–3–1 from /, what);
      assert.equal(Object.hasOwn(after.settings, '__proto__') || Object.hasOwn(after.settings, 'toString'), false, `${what}: no junk settings`);
    }
    assert.equal(await noPollution(page), true, `${what}: Object.prototype untouched`);
    await stillSteps(page, what);
    assert.deepEqual(h.errors.slice(errorsBefore), [], `${what}: no console error`);
    if (c.name === 'truncated-export.json') await h.screenshot('hostile-import-truncated');
    if (c.name === 'every-setting.json') await h.screenshot('hostile-import-settings-ignored');
    if (c.name === 'long-activation.json') await h.screenshot('hostile-import-long-name');
  }
  // Every wasm object the imports and steps made was freed: as many alive as before.
  await page.waitForFunction(() => window.__app.phase === 'idle', null, { timeout: 30_000 });
  assert.deepEqual(await aliveWasmHandles(page), handlesBefore, 'wasm-bindgen objects alive (created − freed), before and after');
  const report = `files: ${FILE_CASES.length} (refused ${refused}, imported ${imported}; wasm objects alive before and after: ${JSON.stringify(handlesBefore)}) — ${tally(FILE_CASES)}`;
  t.diagnostic(report);
  h.assertClean();
});

test(`hostile links (${LINK_CASES.length} cases): each broken parameter named, defaults used, the page works`, async (t) => {
  for (const c of LINK_CASES) {
    const what = `${c.kind}: ${c.name}`;
    const errorsBefore = h.errors.length;
    const page = await h.newPage({});
    if (c.viaRoute) {
      const short = new URL(h.url).href;
      await page.route((u) => u.search.length > 10_000, async (route) => route.fulfill({ response: await route.fetch({ url: short }) }));
    }
    await page.goto(new URL(c.query, h.url).href);
    await page.waitForFunction(() => window.__app?.ready === true, null, { timeout: 20_000 });
    await drawn(page);
    const { settings, network, message } = await app(page, () => ({ settings: window.__app.settings, network: window.__app.network, message: window.__app.message }));
    if (c.broken.length) {
      assert.ok(message, `${what}: a message`);
      const text = await page.textContent('#message .message-text');
      assert.equal(await page.isVisible('#message'), true, `${what}: shown`);
      assert.doesNotMatch(text, /\[object |undefined|RuntimeError|unreachable|panicked|\u202e|\u0000/, what);
      assert.ok(text.length <= 2000, `${what}: message of ${text.length} characters`);
      for (const param of c.broken) {
        assert.match(text, new RegExp(`^• ${param}=`, 'm'), `${what}: names ${param}`);
        assert.deepEqual(settings[PARAM_KEY[param]], DEFAULTS[PARAM_KEY[param]], `${what}: default ${param}`);
      }
    } else {
      assert.equal(message, null, `${what}: no message (${message?.text})`);
    }
    assert.deepEqual(network.sizes, c.sizes, `${what}: the network`);
    assert.equal(await page.$$eval('#net g.neuron', (gs) => gs.length), c.sizes.reduce((a, b) => a + b), `${what}: drawn`);
    assert.equal(await page.$$eval('#message img, #message script, #message svg, img[src="x"]', (es) => es.length), 0, `${what}: no markup injected`);
    assert.equal(await noPollution(page), true, `${what}: Object.prototype untouched`);
    assert.ok(page.url().length < 600, `${what}: the address bar now holds a clean link (${page.url().length} characters)`);
    await stillSteps(page, what);
    assert.deepEqual(h.errors.slice(errorsBefore), [], `${what}: no console error`);
    if (c.name === 'wrong values') await h.screenshot('hostile-link-every-parameter');
    await page.context().close();
  }
  const report = `links: ${LINK_CASES.length} — ${tally(LINK_CASES)}`;
  t.diagnostic(report);
  h.assertClean();
});

test('the same files straight to the wasm API: Network.fromJSON throws an Error (never traps) or builds a network', async (t) => {
  const page = await openApp(h, { speed: 4 });
  const files = FILE_CASES.map((c) => ({ name: c.name, kind: c.kind, text: decodeLikeBrowser(c.bytes) }));
  const results = await page.evaluate(async (files) => {
    const { Network } = await import('./pkg/nndl_backprop.js');
    const out = [];
    const attempt = (name, kind, fn) => {
      try {
        const result = fn();
        const built = result instanceof Network ? Array.from(result.sizes) : 'a result';
        result?.free?.();
        out.push({ name, kind, built });
      } catch (err) {
        out.push({
          name,
          kind,
          error: err instanceof Error,
          trap: err instanceof WebAssembly.RuntimeError,
          message: typeof err?.message === 'string' ? err.message.slice(0, 300) : String(err),
        });
      }
    };
    // Huge typed arrays are refused by their length, before anything is copied into wasm memory
    // (first, while the memory has no free space left by the cases below).
    const probe = Network.random({ sizes: [2, 3, 1], seed: 1 });
    const bytesBefore = window.__app.wasmMemoryBytes;
    attempt('forward(Float64Array of 10 million)', 'huge typed arrays', () => probe.forward(new Float64Array(1e7)));
    attempt('forward(Float32Array of 10 million)', 'huge typed arrays', () => probe.forward(new Float32Array(1e7)));
    attempt('backprop(x, Float64Array of 10 million)', 'huge typed arrays', () => probe.backprop([0, 0], new Float64Array(1e7)));
    const typedGrowth = window.__app.wasmMemoryBytes - bytesBefore;
    probe.free();
    for (const f of files) {
      attempt(`${f.name} (text)`, f.kind, () => Network.fromJSON(f.text));
      let doc;
      try {
        doc = JSON.parse(f.text);
      } catch {
        continue;
      }
      const network = doc && doc.format === 'nndl-backprop-playground/1' ? doc.network : doc;
      attempt(`${f.name} (object)`, f.kind, () => Network.fromJSON(network));
    }
    // What only JavaScript can pass: non-finite numbers, odd objects, huge and sparse arrays.
    const good = () => ({ sizes: [2, 3, 1], weights: [[[0.5, -0.25], [0.75, 0.1], [-0.6, 0.3]], [[0.2, -0.4, 0.9]]], biases: [[0.1, -0.1, 0.05], [0.3]], activation: 'tanh', cost: 'quadratic' });
    const cyclic = good();
    cyclic.weights[0][0] = cyclic.weights;
    const js = {
      'NaN in weights': { ...good(), weights: [[[NaN, 0], [0, 0], [0, 0]], [[0, 0, 0]]] },
      'Infinity in biases': { ...good(), biases: [[Infinity, 0, 0], [0]] },
      'undefined': undefined,
      'a function': () => 1,
      'a symbol': Symbol('net'),
      'a BigInt': 10n,
      'BigInt sizes': { ...good(), sizes: [2n, 3n, 1n] },
      'a Proxy that throws': new Proxy({}, { get() { throw new Error('boom'); }, ownKeys() { throw new Error('boom'); } }),
      'a throwing getter': Object.defineProperty(good(), 'weights', { get() { throw new Error('getter'); }, enumerable: true }),
      'cyclic weights': cyclic,
      'Object.create(null)': Object.assign(Object.create(null), good()),
      'a Date': new Date(0),
      'a RegExp': /sizes/,
      'Float64Array rows with NaN': { ...good(), weights: [[Float64Array.of(NaN, 0), Float64Array.of(0, 0), Float64Array.of(0, 0)], [Float64Array.of(0, 0, 0)]] },
      'sparse sizes of length 1e9': { ...good(), sizes: new Array(1e9) },
      'sizes of a million ones': { ...good(), sizes: new Array(1e6).fill(1) },
      'a weights row of 5 million numbers': { ...good(), weights: [[new Array(5e6).fill(0.5), [0, 0], [0, 0]], [[0, 0, 0]]] },
      'a weights matrix of 700,000 rows': { ...good(), weights: [Array.from({ length: 7e5 }, () => [0.1, 0.2]), [[0, 0, 0]]] },
      '-0 and 1e308 sizes': { ...good(), sizes: [2, -0, 1e308] },
    };
    for (const [name, value] of Object.entries(js)) attempt(name, 'JavaScript values', () => Network.fromJSON(value));
    // After all that, the module still works: a fresh network, a forward pass, a step.
    const fresh = Network.random({ sizes: [2, 3, 1], seed: 1 });
    const a = fresh.forward([0.1, 0.2]).a;
    fresh.sgdStep([{ x: [0.1, 0.2], y: [1] }], 0.5);
    fresh.free();
    return { out, typedGrowth, works: a.length === 3 && a[2].every(Number.isFinite) };
  }, files);
  assert.equal(results.works, true, 'Network.random, forward and sgdStep still work afterwards');
  assert.ok(results.typedGrowth < 8 * 2 ** 20, `huge typed arrays grew wasm memory by ${results.typedGrowth} bytes (refused before the copy?)`);
  // Valid to the core (the page refuses weights-5MB for its own reasons: too large to draw).
  // An export document as text is not a network, so only its "network" object is accepted.
  const bare = new Set(['weights-5MB.json', 'proto-network.json', 'huge-weights-linear.json', 'tiny-weights.json', 'utf8-bom.json', 'utf16-with-bom.json']);
  const exported = new Set(['proto-settings.json', 'eta-m-lambda.json', 'every-setting.json', 'settings-string.json', 'settings-array.json']);
  const valid = (name) => {
    const file = name.replace(/ \((text|object)\)$/, '');
    return bare.has(file) || (exported.has(file) && name.endsWith('(object)')) || ['Object.create(null)', 'BigInt sizes'].includes(name);
  };
  let thrown = 0;
  for (const r of results.out) {
    if (r.built) {
      assert.ok(valid(r.name), `${r.name}: built a network ${r.built}`);
      continue;
    }
    thrown += 1;
    assert.equal(r.trap, false, `${r.name}: trapped: ${r.message}`);
    assert.equal(r.error, true, `${r.name}: threw a non-Error: ${r.message}`);
    assert.ok(r.message.length > 0, `${r.name}: a message`);
    assert.ok(!valid(r.name), `${r.name}: should have been accepted: ${r.message}`);
  }
  const n = results.out.length;
  const report = `wasm API: ${n} calls (${thrown} threw an Error with a message, ${n - thrown} built a network, 0 traps; huge typed arrays grew wasm memory by ${results.typedGrowth} bytes) — ${tally(results.out)}`;
  t.diagnostic(report);
  // And the page's own network is still there and still steps.
  await stillSteps(page, 'after the wasm corpus');
  h.assertClean();
});
