// The playground's load (issue 7): index.html asks for every module main.js imports, and for
// the wasm, at once, instead of the browser finding them one import level at a time. This
// keeps that list complete, exact and in order (what the first drawing waits for first), and
// checks the browser really uses what it preloads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { startHarness, WWW_ROOT } from './harness.mjs';

let h;
before(async () => { h = await startHarness(); });
after(async () => { await h?.close(); });

/**
 * Every module reachable from `entry` by static or dynamic imports (with `dynamic` false, by
 * static imports only: the modules that must all arrive before `entry` runs), as paths
 * relative to www/.
 */
function importGraph(entry, { dynamic = true } = {}) {
  const seen = new Set();
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(join(WWW_ROOT, file), 'utf8');
    for (const m of source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      queue.push(normalize(join(dirname(file), m[1])));
    }
    if (!dynamic) continue;
    for (const m of source.matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)) {
      queue.push(normalize(join(dirname(file), m[1])));
    }
  }
  return seen;
}

const html = () => readFileSync(join(WWW_ROOT, 'index.html'), 'utf8');

test('index.html modulepreloads exactly the modules main.js imports', () => {
  const wanted = [...importGraph('js/main.js')].filter((f) => f !== 'js/main.js').sort();
  const listed = [...html().matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]).sort();
  const missing = wanted.filter((f) => !listed.includes(f));
  const extra = listed.filter((f) => !wanted.includes(f));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] },
    `add <link rel="modulepreload" href="…"> for each missing module to index.html, remove the extra ones`);
});

test('the modules the first drawing waits for come first in the preload list', () => {
  // The browser keeps at most six requests to the server going and sends them in the list's
  // order, so a module main.js imports statically but lists late holds up the first drawing.
  const first = importGraph('js/main.js', { dynamic: false });
  assert.ok(first.size > 1 && first.size < importGraph('js/main.js').size, 'main.js imports some modules only later');
  const listed = [...html().matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  const lastNeeded = Math.max(...listed.map((f, i) => (first.has(f) ? i : -1)));
  const early = listed.slice(0, lastNeeded + 1).filter((f) => !first.has(f));
  assert.deepEqual(early, [], `list these after every module main.js imports statically (${[...first].filter((f) => f !== 'js/main.js').join(', ')})`);
});

test('the preloaded wasm and modules are the ones the page then uses (no second fetch, no warning)', async () => {
  // The 2-D page's wasm is the core without the digits trainer (scripts/build.sh), in its
  // relaxed-SIMD build, the one js/core.js picks in current browsers (Chromium among them).
  const wasm = [...html().matchAll(/<link rel="preload" href="([^"]+)" as="fetch" type="application\/wasm" crossorigin>/g)].map((m) => m[1]);
  assert.deepEqual(wasm, ['pkg/nndl_backprop_2d_relaxed.wasm']);
  const warnings = [];
  const page = await h.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'warning' && /preload/i.test(msg.text())) warnings.push(msg.text());
  });
  const requests = [];
  page.on('request', (req) => requests.push(new URL(req.url()).pathname));
  await page.goto(h.url);
  await page.waitForFunction(() => window.__app?.ready === true, null, { timeout: 20_000 });
  await page.waitForTimeout(500);
  const twice = requests.filter((p, i) => requests.indexOf(p) !== i);
  assert.deepEqual(twice, [], 'nothing is fetched twice');
  assert.deepEqual(requests.filter((p) => p.endsWith('.wasm')), ['/pkg/nndl_backprop_2d_relaxed.wasm'],
    'the page loads the 2-D wasm, in Chromium its relaxed-SIMD build');
  assert.deepEqual(warnings, [], 'the browser used every preload');
  h.assertClean();
});

test('the wasm core starts from its own async module script, before main.js\'s imports are all in', async () => {
  // index.html runs js/core.js by itself; main.js imports the same module instance.
  const source = html();
  const asyncCore = source.indexOf('<script type="module" async src="js/core.js"></script>');
  assert.ok(asyncCore > 0 && asyncCore < source.indexOf('<script type="module" src="js/main.js"></script>'),
    'index.html runs js/core.js as an async module script, before main.js');
  assert.ok(importGraph('js/main.js', { dynamic: false }).has('js/core.js'), 'main.js imports core.js statically');
  // Hold back one module main.js waits for: the core must be on its way without it.
  const page = await h.newPage();
  await page.addInitScript(() => {
    const streaming = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = (...args) => {
      window.__coreStartedAt ??= performance.now();
      return streaming.apply(WebAssembly, args);
    };
  });
  let released = 0;
  await page.route('**/js/training.js', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    released = Date.now();
    await route.continue();
  });
  await page.goto(h.url);
  await page.waitForFunction(() => window.__app?.ready === true, null, { timeout: 20_000 });
  const t = await page.evaluate(() => ({
    core: window.__coreStartedAt,
    training: performance.getEntriesByType('resource').find((e) => e.name.endsWith('/js/training.js')).responseEnd,
  }));
  assert.ok(released > 0, 'training.js went through the delayed route');
  // Without the async script the core would start only once main.js runs, after training.js.
  assert.ok(t.core < t.training, `the wasm started at ${t.core.toFixed(0)} ms, training.js arrived at ${t.training.toFixed(0)} ms`);
  h.assertClean();
});
