// Soak (issue 6, "long sessions"): the playground in headless Chromium, Play running for
// 100,000 SGD steps with every view redrawing each frame, sampled as it goes: wasm memory
// (memory.buffer.byteLength), the JS heap after a forced GC, frames per second, and the
// wasm-bindgen objects (Network, Dataset, …) created, freed with .free(), reclaimed only by the
// garbage collector, and alive. Prints a table and a verdict: flat after warm-up or not.
// A script, not a test: it takes minutes and these machines are shared and noisy.
//
//   node bench/soak.mjs [--steps 100000] [--every 5000] [--minutes 20] [--warmup 10000]
//
// (after `bash scripts/build.sh`). It drives the page only as a learner would: the animation
// speed slider at its maximum (4×, so Play takes 8 steps a frame) and the Play button. It
// stops after --minutes even if the steps are not all done, and says how far it got.
// Chromium runs with --enable-precise-memory-info (exact performance.memory figures) and
// --js-flags=--expose-gc (a GC before each heap sample, so the figure is live data, not garbage).
//
// Handles are counted by wrapping FinalizationRegistry before the page loads (countWasmHandles
// in tests/browser/page-helpers.mjs): the wasm-bindgen glue registers every object it hands to
// JS and unregisters it in free(); one never freed lives until the GC finalizes it, counted too.

import { startHarness } from '../tests/browser/harness.mjs';
import { countWasmHandles } from '../tests/browser/page-helpers.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback;
}

const STEPS = option('steps', 100_000);
const EVERY = option('every', 5_000);
const MINUTES = option('minutes', 20);
const WARMUP = option('warmup', Math.min(10_000, STEPS / 5));

/** Runs in the page before any of its scripts: counts frames (countWasmHandles counts handles). */
function countFrames() {
  window.__soakFrames = 0;
  const tick = () => {
    window.__soakFrames += 1;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** One sample, read in the page; the heap is the least of three readings, each after a full GC. */
async function sample() {
  let heap = Infinity;
  for (let i = 0; i < 3; i++) {
    window.gc?.();
    heap = Math.min(heap, performance.memory?.usedJSHeapSize ?? NaN);
    await new Promise((r) => setTimeout(r, 30));
  }
  const handles = Object.fromEntries(
    Object.entries(window.__wasmHandles).map(([name, c]) => [name, { ...c, alive: c.created - c.freed - c.finalized }]),
  );
  return {
    step: window.__app.step,
    playing: window.__app.playing,
    message: window.__app.message?.text ?? null,
    wasmBytes: window.__app.wasmMemoryBytes,
    heapBytes: heap,
    frames: window.__soakFrames,
    shownStep: document.querySelector('[data-counter="step"]')?.textContent ?? '',
    handles,
  };
}

const mb = (bytes) => (bytes / 2 ** 20).toFixed(2);
const pad = (s, n) => String(s).padStart(n);

async function main() {
  const h = await startHarness({ args: ['--enable-precise-memory-info', '--js-flags=--expose-gc'] });
  const started = Date.now();
  const deadline = started + MINUTES * 60_000;
  const rows = [];
  let stopped = null;
  try {
    const page = await h.newPage();
    await page.addInitScript(countWasmHandles);
    await page.addInitScript(countFrames);
    await page.goto(h.url);
    await page.waitForFunction(() => window.__app?.ready === true, null, { timeout: 30_000 });
    // The speed slider's maximum (2 → 4×): Play takes round(4 × 2) = 8 steps a frame.
    await page.$eval('#speed', (el) => {
      el.value = el.max;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    let last = { ...(await page.evaluate(sample)), at: Date.now() };
    rows.push({ ...last, fps: NaN });
    await page.click('#play');
    let next = EVERY;
    console.log(`soak: Play to ${STEPS.toLocaleString('en')} steps, a sample every ${EVERY.toLocaleString('en')}, at most ${MINUTES} min`);
    while (last.step < STEPS) {
      if (Date.now() > deadline) {
        stopped = `time limit of ${MINUTES} min reached`;
        break;
      }
      await page.waitForTimeout(250);
      const step = await page.evaluate(() => window.__app.step);
      const playing = await page.evaluate(() => window.__app.playing);
      if (step < next && playing) continue;
      const s = { ...(await page.evaluate(sample)), at: Date.now() };
      const fps = ((s.frames - last.frames) * 1000) / (s.at - last.at);
      rows.push({ ...s, fps });
      const alive = Object.entries(s.handles).map(([n, c]) => `${n} ${c.alive}`).join(', ');
      console.log(`  ${pad(s.step.toLocaleString('en'), 8)} steps  wasm ${mb(s.wasmBytes)} MB  heap ${mb(s.heapBytes)} MB  ${fps.toFixed(0)} fps  alive: ${alive}  (${((s.at - started) / 1000).toFixed(0)} s)`);
      last = s;
      while (next <= s.step) next += EVERY;
      if (!s.playing) {
        stopped = `Play stopped at step ${s.step}: ${s.message ?? 'no message'}`;
        break;
      }
    }
    if (await page.evaluate(() => window.__app.playing)) await page.click('#play');
    report(rows, stopped, (Date.now() - started) / 1000, h.errors);
  } finally {
    await h.close();
  }
}

function report(rows, stopped, seconds, errors) {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.handles)))];
  console.log('');
  console.log(`| steps | wasm memory (bytes) | JS heap after GC (MB) | fps | ${names.map((n) => `${n}: alive / created`).join(' | ')} |`);
  console.log(`|---:|---:|---:|---:|${names.map(() => '---:|').join('')}`);
  for (const r of rows) {
    const cells = names.map((n) => (r.handles[n] ? `${r.handles[n].alive} / ${r.handles[n].created}` : '–'));
    console.log(`| ${r.step.toLocaleString('en')} | ${r.wasmBytes.toLocaleString('en')} | ${mb(r.heapBytes)} | ${Number.isFinite(r.fps) ? r.fps.toFixed(0) : '–'} | ${cells.join(' | ')} |`);
  }
  const end = rows.at(-1);
  const after = rows.filter((r) => r.step >= WARMUP);
  console.log('');
  console.log(`ran ${end.step.toLocaleString('en')} steps in ${seconds.toFixed(0)} s (${(end.step / seconds).toFixed(0)} steps/s); the page's step counter shows ${end.shownStep}`);
  if (stopped) console.log(`stopped early: ${stopped}`);
  const finalized = names.reduce((s, n) => s + end.handles[n].finalized, 0);
  console.log(`handles: ${names.map((n) => `${n} ${end.handles[n].created} created, ${end.handles[n].freed} freed, ${end.handles[n].finalized} left to the GC, ${end.handles[n].alive} alive`).join('; ')}`);
  if (errors.length) console.log(`console errors: ${errors.length}\n  ${errors.slice(0, 5).join('\n  ')}`);
  if (after.length < 2) {
    console.log(`verdict: not enough samples after the ${WARMUP.toLocaleString('en')}-step warm-up to judge`);
    return;
  }
  const wasm = after.map((r) => r.wasmBytes);
  const heap = after.map((r) => r.heapBytes);
  const alive = after.map((r) => names.reduce((s, n) => s + r.handles[n].alive, 0));
  // The heap wobbles with what a frame holds; a leak shows as a steady climb: the least-squares
  // slope over the samples, as bytes per 100,000 steps.
  const xs = after.map((r) => r.step);
  const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [mean(xs), mean(heap)];
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const slope = sxx > 0 ? xs.reduce((s, x, i) => s + (x - mx) * (heap[i] - my), 0) / sxx : 0;
  const heapDrift = slope * 100_000;
  const wasmFlat = Math.max(...wasm) === Math.min(...wasm);
  const heapFlat = Math.max(...heap) - Math.min(...heap) < 4 * 2 ** 20 && heapDrift < 1 * 2 ** 20;
  const handlesFlat = Math.max(...alive) - Math.min(...alive) <= 4 && finalized === 0;
  console.log(`after the ${WARMUP.toLocaleString('en')}-step warm-up (${after.length} samples):`);
  console.log(`  wasm memory ${wasmFlat ? 'flat' : 'GREW'}: ${Math.min(...wasm).toLocaleString('en')} … ${Math.max(...wasm).toLocaleString('en')} bytes`);
  console.log(`  JS heap ${heapFlat ? 'flat' : 'NOT flat'}: ${mb(Math.min(...heap))} … ${mb(Math.max(...heap))} MB, trend ${mb(heapDrift)} MB per 100,000 steps`);
  console.log(`  live wasm-bindgen objects ${handlesFlat ? 'flat' : 'NOT flat'}: ${Math.min(...alive)} … ${Math.max(...alive)}, ${finalized} left to the GC instead of freed`);
  console.log(`verdict: ${wasmFlat && heapFlat && handlesFlat ? 'FLAT after warm-up' : 'NOT flat — see above'}${stopped ? ' (over the steps it reached)' : ''}`);
}

main().catch((err) => {
  console.error(`soak: ${err?.stack ?? err}`);
  process.exit(1);
});
