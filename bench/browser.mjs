// Browser benchmarks (issue 7): the wasm core's training and forward throughput in headless
// Chromium, one 2-D frame's compute, the page's weight and its time to the first drawn network.
// Prints a table with each figure beside its target. Not a test: numbers only, never a failure.
// Run: node bench/browser.mjs   (after `bash scripts/build.sh`)

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, normalize, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CHROMIUM_ARGS, CHROMIUM_PATH, REPO_ROOT, startHarness, WWW_ROOT } from '../tests/browser/harness.mjs';

/** Runs inside the page: everything timed there, with performance.now(), median of rounds. */
async function inPage() {
  // Each shape on the module of the page that trains it, in the build that page picks
  // (js/core-url.js: relaxed SIMD where the browser has it): [784,30,10] on the digits page's
  // core, [2,8,8,8,1] and the frame on the 2-D page's module. That module lacks sgdEpochOn
  // (the page never calls it), so [2,8,8,8,1]'s epoch in one call runs on the digits page's
  // full module, built from the same Rust. One instance of the glue per module.
  const { coreUrl, pageCoreUrl } = await import('/js/core-url.js');
  const coreFile = coreUrl().pathname.split('/').pop();
  const pageFile = pageCoreUrl().pathname.split('/').pop();
  const digits = await import('/pkg/nndl_backprop.js?digits');
  await digits.default({ module_or_path: coreUrl() });
  const page2d = await import('/pkg/nndl_backprop.js?2d');
  await page2d.default({ module_or_path: pageCoreUrl() });
  const full = digits;
  const { Network, Dataset, generateData } = page2d;
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // Median of rounds; each round repeats fn until it lasts ≥ 20 ms, so the timer's coarse
  // resolution does not round a fast call to nothing.
  const timeIt = (fn, rounds = 9) => {
    // Warm up for 1 s first: V8 runs new wasm code in its baseline tier and swaps in the
    // optimised code once a background thread has compiled it, which on a busy machine can
    // take longer than the first few calls. With 300 ms, [784,30,10] per step read 53 k and
    // 69 k in two runs, against 76 k and 101 k with 2 s (the relaxed core's step is one big
    // function for TurboFan to compile, while two other modules are being set up).
    const warm = performance.now() + 1000;
    do fn(); while (performance.now() < warm);
    let reps = 1;
    for (;;) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) fn();
      if (performance.now() - t0 >= 20) break;
      reps *= 2;
    }
    const times = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) fn();
      times.push((performance.now() - t0) / reps);
    }
    return median(times);
  };
  const synthetic = (sizes, count) => {
    const [nIn, nOut] = [sizes[0], sizes[sizes.length - 1]];
    const xs = new Float64Array(count * nIn).map((_, i) => ((i * 7) % 97) / 97);
    const ys = new Float64Array(count * nOut).map((_, i) => (i % nOut === Math.floor(i / nOut) % nOut ? 1 : 0));
    return { xs, ys, nIn, nOut };
  };
  // The baseline beside each wasm figure, in the same page and run: network.py's SGD written
  // plainly in JavaScript, one example at a time (the way a JS engine such as TensorFlow
  // Playground's trains), over Float64Arrays made once, sigmoid and the quadratic cost. The
  // ratio to it says what the wasm core gives whatever the host's speed.
  const plainSgd = (json) => {
    const { sizes } = json;
    const L = sizes.length - 1;
    const w = json.weights.map((rows) => Float64Array.from(rows.flat()));
    const b = json.biases.map((v) => Float64Array.from(v));
    const nablaW = w.map((v) => new Float64Array(v.length));
    const nablaB = b.map((v) => new Float64Array(v.length));
    const a = sizes.map((n) => new Float64Array(n));
    const delta = sizes.slice(1).map((n) => new Float64Array(n));
    const sigma = (z) => 1 / (1 + Math.exp(-z));
    /** One mini-batch: examples `first`, …, `first + m − 1` of the flat xs and ys. */
    const step = (xs, ys, first, m, eta) => {
      for (let l = 0; l < L; l++) {
        nablaW[l].fill(0);
        nablaB[l].fill(0);
      }
      for (let e = first; e < first + m; e++) {
        for (let k = 0; k < sizes[0]; k++) a[0][k] = xs[e * sizes[0] + k];
        for (let l = 0; l < L; l++) {
          const [nIn, nOut, wl, al, next] = [sizes[l], sizes[l + 1], w[l], a[l], a[l + 1]];
          for (let j = 0; j < nOut; j++) {
            let z = b[l][j];
            for (let k = 0; k < nIn; k++) z += wl[j * nIn + k] * al[k];
            next[j] = sigma(z);
          }
        }
        const out = a[L];
        for (let j = 0; j < sizes[L]; j++) delta[L - 1][j] = (out[j] - ys[e * sizes[L] + j]) * out[j] * (1 - out[j]); // BP1
        for (let l = L - 1; l >= 0; l--) {
          const [nIn, nOut, dl, al] = [sizes[l], sizes[l + 1], delta[l], a[l]];
          for (let j = 0; j < nOut; j++) {
            nablaB[l][j] += dl[j]; // BP3
            for (let k = 0; k < nIn; k++) nablaW[l][j * nIn + k] += dl[j] * al[k]; // BP4
          }
          if (l > 0) {
            for (let k = 0; k < nIn; k++) { // BP2, σ′ = a(1 − a)
              let s = 0;
              for (let j = 0; j < nOut; j++) s += w[l][j * nIn + k] * dl[j];
              delta[l - 1][k] = s * al[k] * (1 - al[k]);
            }
          }
        }
      }
      const r = eta / m;
      for (let l = 0; l < L; l++) {
        for (let i = 0; i < w[l].length; i++) w[l][i] -= r * nablaW[l][i];
        for (let j = 0; j < b[l].length; j++) b[l][j] -= r * nablaB[l][j];
      }
    };
    return { step, weights: w, biases: b };
  };
  const results = {};
  for (const sizes of [[784, 30, 10], [2, 8, 8, 8, 1]]) {
    const key = `[${sizes}]`;
    const count = 1000;
    const d = synthetic(sizes, count);
    const M = sizes[0] === 784 ? digits : page2d;
    const data = M.Dataset.fromFlat(d.xs, d.ys, d.nIn, d.nOut);
    const net = M.Network.random({ sizes, seed: 0 });
    const batches = [];
    for (let s = 0; s < count; s += 10) batches.push(Uint32Array.from({ length: 10 }, (_, i) => s + i));
    // One call per mini-batch (the page's Play), and a whole shuffled epoch in one call.
    const epoch = () => { for (const b of batches) net.sgdStepOn(data, b, 0.01, { n: count }); };
    results[`${key} sgd m=10 (examples/s)`] = count / (timeIt(epoch) / 1000);
    const F = M === page2d ? full : M;
    const fData = F === M ? data : F.Dataset.fromFlat(d.xs, d.ys, d.nIn, d.nOut);
    const fNet = F === M ? net : F.Network.random({ sizes, seed: 0 });
    const where = F === M ? '' : ', full module';
    let e = 0;
    const oneCall = () => fNet.sgdEpochOn(fData, 10, 0.01, { n: count, seed: 1, epoch: e++ });
    results[`${key} sgd m=10, epoch in one call${where} (examples/s)`] = count / (timeIt(oneCall) / 1000);
    // The plain-JS baseline, from the same start; first checked against the wasm step.
    const json = net.toJSON();
    const check = plainSgd(json);
    const twin = M.Network.fromJSON(json);
    check.step(d.xs, d.ys, 0, 10, 0.5);
    twin.sgdStepOn(data, batches[0], 0.5, { n: count });
    const after = twin.toJSON();
    const off = Math.max(
      ...after.weights.flatMap((rows, l) => rows.flat().map((v, i) => Math.abs(v - check.weights[l][i]))),
      ...after.biases.flatMap((v, l) => v.map((x, j) => Math.abs(x - check.biases[l][j]))));
    twin.free();
    if (!(off <= 1e-12)) throw new Error(`the plain-JS baseline's step is ${off} from the wasm step's`);
    const plain = plainSgd(json);
    const plainEpoch = () => { for (let s = 0; s < count; s += 10) plain.step(d.xs, d.ys, s, 10, 0.01); };
    const baseline = count / (timeIt(plainEpoch) / 1000);
    results[`${key} sgd m=10, plain JS per example (baseline) (examples/s)`] = baseline;
    results[`  ${key} wasm per step ÷ plain JS (ratio)`] = results[`${key} sgd m=10 (examples/s)`] / baseline;
    const xs = Array.from({ length: 200 }, (_, i) => d.xs.subarray(i * d.nIn, (i + 1) * d.nIn));
    results[`${key} forward, one call each (examples/s)`] = xs.length / (timeIt(() => xs.forEach((x) => net.output(x))) / 1000);
    for (const x of new Set([net, fNet, data, fData])) x.free();
  }
  // One frame of the 2-D page's work: a step, train and test cost, every neuron's 100×100 map
  // (written into one Float32Array kept from frame to frame, as the page does).
  const sizes = [2, 8, 8, 8, 1];
  const split = generateData({ kind: 'spiral', n: 500, noise: 0.2, trainShare: 0.5, seed: 1 });
  const hold = (pts) => Dataset.fromFlat(
    Float64Array.from(pts.flatMap((p) => p.x)), Float64Array.from(pts.map((p) => p.label)), 2, 1);
  const train = hold(split.train);
  const test = hold(split.test);
  const net = Network.random({ sizes, seed: 0, activation: 'tanh' });
  const plane = { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const maps = new Float32Array(25 * 100 * 100);
  let cursor = 0;
  const frame = () => {
    const idx = Uint32Array.from({ length: 10 }, (_, i) => (cursor + i) % train.length);
    cursor += 10;
    net.sgdStepOn(train, idx, 0.03, { n: train.length });
    net.evaluateOn(train);
    net.evaluateOn(test);
    net.heatmapInto(maps, 100, plane);
  };
  results['2-D frame compute, [2,8,8,8,1], 250+250 points, 100×100 maps (ms)'] = timeIt(() => { for (let i = 0; i < 20; i++) frame(); }) / 20;
  results['  of which the 100×100 maps of all 25 neurons (ms)'] =
    timeIt(() => { for (let i = 0; i < 20; i++) net.heatmapInto(maps, 100, plane); }) / 20;
  results['  the same maps as a new array each call, heatmap() (ms)'] =
    timeIt(() => { for (let i = 0; i < 20; i++) net.heatmap(100, plane); }) / 20;
  return { results, coreFile, pageFile };
}

/**
 * The page's own Play loop on `query` (URL settings) for `seconds`, read back from the page's
 * frame timings (www/js/frame-timing.js): per frame, the training and measuring (play), the
 * derived numbers (every neuron's heatmap, the probe's backprop), the views' drawing, the
 * network view alone, and frames per second. The first second is a warm-up and not counted.
 */
async function playFrames(h, query, seconds = 4) {
  const page = await h.newPage({}, `/${query}`);
  await page.waitForFunction(() => window.__app?.ready === true, null, { timeout: 30_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const from = await page.evaluate(() => performance.now() + 1000);
  await page.click('#play');
  await page.waitForTimeout(1000 + seconds * 1000);
  const t = await page.evaluate(() => ({ timings: window.__app.timings, now: performance.now(), step: window.__app.step }));
  // Then 2 s more under a trace, for what the frame timings leave out: Chromium records a
  // canvas's drawing as the script runs and rasterises it (in software, without a GPU) when
  // the frame is committed, on the main thread.
  const file = join(tmpdir(), `nndl-play-${process.pid}.json`);
  await h.browser.startTracing(page, { path: file, categories: ['disabled-by-default-devtools.timeline'] });
  await page.waitForTimeout(2000);
  await h.browser.stopTracing();
  const events = JSON.parse(readFileSync(file, 'utf8')).traceEvents;
  rmSync(file, { force: true });
  await page.click('#play');
  await page.context().close();
  const mainThreads = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const commits = events.filter((e) => e.name === 'Commit' && e.ph === 'X' && mainThreads.has(`${e.pid}:${e.tid}`)).map((e) => e.dur / 1000);
  const after = (name) => (t.timings[name] ?? []).filter((e) => e.at >= from);
  const play = after('play');
  const redraw = after('redraw');
  const derive = after('derive');
  // Each redraw runs derive first: pair them to get the drawing alone.
  const draw = redraw.map((r) => r.ms - (derive.filter((d) => d.at <= r.at).at(-1)?.ms ?? 0));
  const ms = (xs) => median(xs.map((e) => (typeof e === 'number' ? e : e.ms)));
  const span = (t.now - from) / 1000;
  return {
    play: ms(play),
    derive: ms(derive),
    draw: ms(draw),
    network: ms(after('network')),
    fps: play.length / span,
    steps: t.step,
    commit: commits.length ? median(commits) : NaN,
  };
}

/**
 * The network view redrawn with every weight new: a new seed is entered `rounds` times and
 * each time the view's own drawing (www/js/frame-timing.js, 'network') is read back. Then as
 * many rounds under a Chromium trace, for what the view's timing leaves out (Blink's style,
 * layout and paint, and the raster): that frame's main-thread CPU time, every view's share
 * included (a new seed redraws them all), and the CPU time of the renderer's other threads
 * (raster, compositor) in the 100 ms after it.
 */
async function fullRedraws(h, query, rounds = 9) {
  const page = await h.newPage({}, `/${query}`);
  await page.waitForFunction(() => window.__app?.ready === true, null, { timeout: 30_000 });
  const times = [];
  let seed = 100;
  const redraw = async () => {
    seed += 1;
    const from = await page.evaluate((s) => {
      performance.mark(`seed-${s}`);
      return performance.now();
    }, seed);
    await page.fill('#set-seed', String(seed));
    await page.press('#set-seed', 'Enter');
    await page.waitForFunction((s) => window.__app.settings.seed === s, seed);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.waitForTimeout(150);
    const drawn = await page.evaluate((t) => window.__app.timings.network.filter((e) => e.at >= t), from);
    return Math.max(...drawn.map((e) => e.ms));
  };
  for (let r = 0; r < rounds; r++) times.push(await redraw());
  const file = join(tmpdir(), `nndl-redraw-${process.pid}.json`);
  await h.browser.startTracing(page, { path: file, categories: ['toplevel', 'devtools.timeline', 'blink.user_timing'] });
  const first = seed + 1;
  for (let r = 0; r < rounds; r++) await redraw();
  await h.browser.stopTracing();
  const events = JSON.parse(readFileSync(file, 'utf8')).traceEvents;
  rmSync(file, { force: true });
  await page.context().close();
  const main = [];
  const other = [];
  for (let s = first; s < first + rounds; s++) {
    const f = frameAfterMark(events, `seed-${s}`);
    if (f) {
      main.push(f.main);
      other.push(f.other);
    }
  }
  return { js: median(times), main: median(main), other: median(other) };
}

/**
 * From a trace: the first animation frame (a main-thread task that runs requestAnimationFrame
 * callbacks) after the mark `name`, as { main: its thread CPU time, other: the CPU time of
 * the renderer's other threads' top-level tasks from its start to 100 ms after its end } (ms).
 */
function frameAfterMark(events, name) {
  const mark = events.find((e) => e.name === name && e.cat.includes('blink.user_timing'));
  if (!mark) return null;
  const { pid } = mark;
  const threads = new Map(events.filter((e) => e.name === 'thread_name' && e.pid === pid).map((e) => [e.tid, e.args.name]));
  const isMain = (e) => threads.get(e.tid) === 'CrRendererMain';
  const tasks = events.filter((e) => e.pid === pid && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && isMain(e) && e.ts > mark.ts);
  tasks.sort((a, b) => a.ts - b.ts);
  const rafs = events.filter((e) => e.pid === pid && e.name === 'FireAnimationFrame' && isMain(e) && e.ts > mark.ts);
  // The frame with the new seed's drawing: the first task holding an animation frame callback
  // after the seed was entered (the settings panel applies it on Enter, the store draws at the
  // next frame).
  const frame = tasks.find((t) => rafs.some((r) => r.ts >= t.ts && r.ts <= t.ts + t.dur));
  if (!frame) return null;
  let other = 0;
  for (const e of events) {
    if (e.pid !== pid || e.ph !== 'X' || isMain(e) || !e.cat.includes('toplevel')) continue;
    if (e.ts < frame.ts || e.ts > frame.ts + frame.dur + 100_000) continue;
    other += e.tdur ?? e.dur;
  }
  return { main: (frame.tdur ?? frame.dur) / 1000, other: other / 1000 };
}

/** Waits in the page until the network view marks its first drawing; its time from navigation. */
const untilDrawn = (page) =>
  page.evaluate(async () => {
    const mark = () => performance.getEntriesByName('network-drawn')[0];
    const t0 = performance.now();
    while (!mark() && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 5));
    return mark() ? mark().startTime : NaN;
  });

/**
 * Run in the page before its own scripts (context.addInitScript): when the network view sets
 * its `network-drawn` mark (the drawing is in the DOM, not yet on the screen), notes when the
 * frame after it has been painted: a message posted from that frame's animation-frame
 * callback arrives once the frame's style, layout and paint are done.
 */
function notePaintAfterDrawn() {
  const mark = performance.mark.bind(performance);
  performance.mark = (name, options) => {
    const entry = mark(name, options);
    if (name === 'network-drawn' && window.__networkPainted === undefined) {
      window.__networkPainted = null;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => { window.__networkPainted = performance.now(); };
        channel.port2.postMessage(null);
      });
    }
    return entry;
  };
}

/** Waits for notePaintAfterDrawn's time (from navigation). */
const untilPainted = (page) =>
  page.evaluate(async () => {
    const t0 = performance.now();
    while (typeof window.__networkPainted !== 'number' && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 5));
    return window.__networkPainted ?? NaN;
  });

/** Top-level slices of work on a thread in a Chromium trace ('toplevel' category). */
const TOP_LEVEL = new Set([
  'ThreadControllerImpl::RunTask',
  // Promise reactions run outside any task, e.g. main() after `await core` (the wasm ready).
  'BlinkScheduler_PerformMicrotaskCheckpoint',
]);

/**
 * CPU time of the page's main thread from navigation to the `network-drawn` mark, from a
 * Chromium trace: the thread time of each top-level slice (a task, or a microtask checkpoint
 * outside a task), the one holding the mark counted up to it. Unlike the wall time it hardly
 * moves with the load of the machine's other processes.
 */
function mainThreadCpuUntilDrawn(events) {
  const mark = events.find((e) => e.name === 'network-drawn' && e.cat.includes('blink.user_timing'));
  if (!mark) return NaN;
  const start = events.find((e) => e.name === 'navigationStart' && e.pid === mark.pid)?.ts ?? 0;
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.pid === mark.pid && e.args.name === 'CrRendererMain').map((e) => e.tid));
  const slices = events
    .filter((e) => e.pid === mark.pid && main.has(e.tid) && e.ph === 'X' && e.dur && TOP_LEVEL.has(e.name))
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  let us = 0;
  let end = -Infinity; // of the slice last counted: one inside it is not counted again
  for (const e of slices) {
    if (e.ts < end) continue;
    end = e.ts + e.dur;
    if (e.ts < start || e.ts > mark.ts) continue;
    const cpu = e.tdur ?? e.dur;
    us += end > mark.ts ? (cpu * (mark.ts - e.ts)) / e.dur : cpu;
  }
  return us / 1000;
}

/** Starts `node <repo>/scripts/serve.mjs` (which serves <repo>/www) in a process of its own. */
async function spawnServer(repo) {
  const server = spawn(process.execPath, [join(repo, 'scripts', 'serve.mjs'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/\S+/.exec(out);
      if (m) resolve(m[0]);
    });
    server.once('exit', (code) => reject(new Error(`serve.mjs exited (${code})`)));
  });
  return { server, url, repo };
}

/**
 * Chromium of our own, driven over the DevTools pipe with nothing but the calls below: unlike
 * Playwright, which attaches to every page and enables its Runtime, Page and Network domains
 * (each request and response is then reported to this process while the page loads), a page
 * here loads with no DevTools domain enabled. Returns { send(method, params, sessionId),
 * close() }.
 */
function plainChromium() {
  const dir = mkdtempSync(join(tmpdir(), 'nndl-reader-'));
  const proc = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, '--headless', '--remote-debugging-pipe', `--user-data-dir=${dir}`, '--no-startup-window'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
  });
  const [toBrowser, fromBrowser] = [proc.stdio[3], proc.stdio[4]];
  const pending = new Map();
  let lastId = 0;
  let buffered = '';
  fromBrowser.on('data', (chunk) => {
    buffered += chunk.toString('utf8');
    for (let end = buffered.indexOf('\0'); end >= 0; end = buffered.indexOf('\0')) {
      const msg = JSON.parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      const p = pending.get(msg.id);
      if (!p) continue;
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
    }
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  return {
    send(method, params = {}, sessionId = undefined) {
      return new Promise((resolve, reject) => {
        const id = ++lastId;
        pending.set(id, { resolve, reject, method });
        toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
      });
    },
    async close() {
      // Asked to close, Chromium ends its helper processes and is done with its profile before
      // it exits (killed, its helpers went on writing there for a moment: ENOTEMPTY below).
      this.send('Browser.close').catch(() => {});
      const late = await Promise.race([exited.then(() => false), new Promise((r) => setTimeout(r, 5000, true))]);
      if (late) proc.kill();
      await exited;
      // Retry all the same, and never fail the run over a leftover temporary folder.
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
      } catch (err) {
        console.warn(`bench: could not remove ${dir}: ${err.code ?? err}`);
      }
    },
  };
}

/** Paths (relative to `www`) of the modules main.js imports statically: all arrive before it runs. */
function firstDrawModules(www) {
  const seen = new Set();
  const queue = ['js/main.js'];
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(join(www, file), 'utf8');
    for (const m of source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) queue.push(normalize(join(dirname(file), m[1])));
  }
  return [...seen];
}

/**
 * Run in the page once it has drawn (null before): the links of its load, in ms from the
 * navigation's start, from navigation, resource and paint timing.
 */
function loadLinks(critical) {
  const drawn = performance.getEntriesByName('network-drawn')[0];
  if (!drawn) return null;
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const path = (e) => new URL(e.name).pathname.slice(1);
  const last = (xs) => Math.max(...xs.map((e) => e.responseEnd));
  const css = res.filter((e) => e.name.endsWith('.css'));
  return {
    htmlIn: nav.responseEnd,
    firstRequest: Math.min(...res.map((e) => e.startTime)),
    cssIn: last(css),
    wasmIn: last(res.filter((e) => /_2d(_relaxed)?\.wasm$/.test(e.name))),
    modulesIn: last([...css, ...res.filter((e) => critical.includes(path(e)))]),
    firstPaint: performance.getEntriesByType('paint')[0]?.startTime ?? -1,
    drawn: drawn.startTime,
  };
}

/**
 * How long a new browser context's window is left to settle before the page is loaded in it.
 * Headless Chromium opens a window per context, with the browser's own toolbar drawn by a
 * WebUI renderer; in the first second or so that renderer takes 250–450 ms of CPU (trace), which
 * on two shared cores landed on the page's load (a reader's browser has its window up already:
 * loads after a 3 s pause drew at 542 ms against 686 ms after 0.3 s, medians of 7, load 10).
 */
const SETTLE_MS = 2000;

/**
 * Makes the page's viewport 1280 × 900 CSS pixels, as the Playwright contexts' (a headless
 * window's size includes the browser's own toolbars), before the page loads: asked on
 * about:blank, so nothing runs during the load.
 */
async function fitViewport(browser, targetId, sessionId) {
  const size = async () =>
    (await browser.send('Runtime.evaluate', { expression: '[innerWidth, innerHeight, outerWidth, outerHeight]', returnByValue: true }, sessionId)).result.value;
  const [w, h, ow, oh] = await size();
  const { windowId } = await browser.send('Browser.getWindowForTarget', { targetId });
  await browser.send('Browser.setWindowBounds', { windowId, bounds: { width: 1280 + ow - w, height: 900 + oh - h } });
  const [w2, h2] = await size();
  if (w2 !== 1280 || h2 !== 900) throw new Error(`the reader's viewport is ${w2} × ${h2}, not 1280 × 900`);
}

/**
 * Navigation → first drawn network as a reader gets it, `rounds` cold loads per server
 * (alternating): each in a fresh browser context whose page, about:blank with its renderer
 * already running (as a browser keeps a spare one) and its window settled (SETTLE_MS), is
 * navigated to the page. No DevTools
 * domain is enabled while it loads, and the page is asked nothing until well after a usual
 * load has drawn (so the painted frame is not timed here: that needs a script of ours in the
 * page, which needs the Page domain). Per server: { times, links }.
 */
async function readerDraws(servers, rounds) {
  const browser = plainChromium();
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    const critical = servers.map(({ repo }) => firstDrawModules(join(repo, 'www')));
    const results = servers.map(() => ({ times: [], links: [] }));
    for (let i = 0; i < rounds; i++) {
      for (let k = 0; k < servers.length; k++) {
        const r = (k + i) % servers.length; // who goes first changes each round
        const { browserContextId } = await browser.send('Target.createBrowserContext');
        const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank', browserContextId, newWindow: true });
        const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true });
        await fitViewport(browser, targetId, sessionId);
        await pause(SETTLE_MS);
        await browser.send('Page.navigate', { url: servers[r].url }, sessionId);
        await pause(1500);
        let links = null;
        for (let tries = 0; !links && tries < 60; tries++) {
          const expression = `(${loadLinks})(${JSON.stringify(critical[r])})`;
          const { result } = await browser.send('Runtime.evaluate', { expression, returnByValue: true }, sessionId);
          links = result.value ?? null;
          if (!links) await pause(250);
        }
        await browser.send('Target.disposeBrowserContext', { browserContextId });
        if (!links) continue;
        results[r].times.push(links.drawn);
        results[r].links.push(links);
      }
    }
    return results;
  } finally {
    await browser.close();
  }
}

/**
 * Navigation → first drawn network through Playwright, `rounds` cold loads per server (a fresh
 * context each, settled (SETTLE_MS); `node scripts/serve.mjs` in its own process, no request
 * interception), and as
 * many traced, for the page's main-thread CPU. Playwright instruments the page while it loads
 * (see plainChromium), which readerDraws does not: these figures compare with the earlier
 * sessions'. With several servers (this tree and others, e.g. a checkout of main), their loads
 * alternate round by round, so a busy moment of the shared machine falls on both alike.
 */
async function firstDraws(h, servers, rounds) {
  const results = servers.map(() => ({ times: [], painted: [], cpu: [] }));
  for (let i = 0; i < 2 * rounds; i++) {
    // Even rounds: wall time. Odd rounds: traced (tracing slows the page), for the CPU time.
    const traced = i % 2 === 1;
    for (let k = 0; k < servers.length; k++) {
      const r = (k + Math.floor(i / 2)) % servers.length; // who goes first changes each round
      const context = await h.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', serviceWorkers: 'block' });
      if (!traced) await context.addInitScript(notePaintAfterDrawn);
      const page = await context.newPage();
      await page.waitForTimeout(SETTLE_MS);
      const file = join(tmpdir(), `nndl-first-draw-${process.pid}.json`);
      if (traced) await h.browser.startTracing(page, { path: file, categories: ['toplevel', 'blink.user_timing'] });
      await page.goto(servers[r].url);
      const ms = await untilDrawn(page);
      if (traced) {
        await h.browser.stopTracing();
        results[r].cpu.push(mainThreadCpuUntilDrawn(JSON.parse(readFileSync(file, 'utf8')).traceEvents));
        rmSync(file, { force: true });
      } else {
        results[r].times.push(ms);
        results[r].painted.push(await untilPainted(page));
      }
      await context.close();
    }
  }
  return results;
}

const median = (xs) => (xs.length ? xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);

/**
 * Everything the 2-D page can load, gzip-compressed, excluding the digits asset and mode (its
 * page, modules, CSS, and the full wasm module with the digits trainer in both its builds,
 * which only the digits page's worker loads). Of the 2-D module's two builds a browser
 * downloads one (js/core-url.js), so the larger one counts.
 */
function pageWeight() {
  const files = [];
  const skip = ['nndl_backprop_bg.wasm', 'nndl_backprop_bg_relaxed.wasm'].map((f) => join('pkg', f));
  const builds2d = ['nndl_backprop_2d.wasm', 'nndl_backprop_2d_relaxed.wasm'].map((f) => join('pkg', f));
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const rel = relative(WWW_ROOT, p);
      if (rel === 'data' || rel === 'digits.html' || rel.startsWith('js/digits') || rel.endsWith('digits.css')) continue;
      if (skip.includes(rel) || builds2d.includes(rel)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else files.push({ rel, gz: gzipSync(readFileSync(p), { level: 9 }).length });
    }
  };
  walk(WWW_ROOT);
  const wasm = builds2d.map((rel) => ({ rel, gz: gzipSync(readFileSync(join(WWW_ROOT, rel)), { level: 9 }).length }));
  files.push(wasm.reduce((a, b) => (b.gz > a.gz ? b : a)));
  files.sort((a, b) => b.gz - a.gz);
  return { files, kb: files.reduce((s, f) => s + f.gz, 0) / 1024 };
}

// `--page` skips the wasm core's figures (the page's frames, weight and first draw only);
// `--load` keeps only the page's weight and its first drawn network (`--rounds N` loads, 5 by
// default); `--against DIR` also loads DIR's www/ (served by DIR/scripts/serve.mjs, e.g. a
// checkout of main) in alternation with this tree's, for a before/after under the same load.
const loadOnly = process.argv.includes('--load');
const pageOnly = loadOnly || process.argv.includes('--page');
const roundsArg = process.argv.indexOf('--rounds');
const loadRounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;
const againstArg = process.argv.indexOf('--against');
const against = againstArg > 0 ? process.argv[againstArg + 1] : null;
const NOT_RUN = { play: NaN, derive: NaN, draw: NaN, network: NaN, fps: NaN };
const startLoad = loadavg()[0].toFixed(2);
const h = await startHarness();
try {
  // A same-origin document with no app running on it, so nothing competes with the timing.
  const { results: core, coreFile, pageFile } = pageOnly
    ? { results: {}, coreFile: null, pageFile: null }
    : await (await h.newPage({}, '/pkg/nndl_backprop.js')).evaluate(inPage);
  // The page's real Play frames: issue 7's [2,8,8,8,1] with 250 train + 250 test points, and
  // the network view's drawing for 6 hidden layers of 16 neurons (1,360 edges) while it trains.
  const small = loadOnly ? NOT_RUN : await playFrames(h, '?sizes=2-8-8-8-1&points=500&train=0.5');
  const wide = loadOnly ? NOT_RUN : await playFrames(h, '?sizes=2-16-16-16-16-16-16-1&points=500&train=0.5');
  const wideFull = loadOnly ? { js: NaN, main: NaN, other: NaN } : await fullRedraws(h, '?sizes=2-16-16-16-16-16-16-1&points=500&train=0.5');
  // First drawn network: a fresh page, navigation start until the page marks it drawn; as a
  // reader loads it, through Playwright, and (for comparison with earlier figures) through the
  // test harness. Each tree is served by its own scripts/serve.mjs in a process of its own.
  const servers = [];
  let readers, pws;
  try {
    for (const repo of against ? [REPO_ROOT, against] : [REPO_ROOT]) servers.push(await spawnServer(repo));
    readers = await readerDraws(servers, loadRounds);
    pws = await firstDraws(h, servers, loadRounds);
  } finally {
    for (const { server } of servers) server.kill();
  }
  const [reader, otherReader] = readers;
  const [firsts, other] = pws;
  const harnessFirsts = [];
  for (let i = 0; i < loadRounds; i++) {
    const p = await h.newPage({}, '/');
    harnessFirsts.push(await untilDrawn(p));
    await p.context().close();
  }
  const weight = pageWeight();
  const targets = {
    '[784,30,10] sgd m=10 (examples/s)': '≥ 80,000',
    '[784,30,10] sgd m=10, epoch in one call (examples/s)': '≥ 80,000',
    '[2,8,8,8,1] sgd m=10 (examples/s)': '≥ 2,700,000',
    '[2,8,8,8,1] sgd m=10, epoch in one call, full module (examples/s)': '≥ 2,700,000',
    '2-D frame compute, [2,8,8,8,1], 250+250 points, 100×100 maps (ms)': '≤ 2',
  };
  const rows = [
    ...Object.entries(core).map(([k, v]) => [k, v, targets[k]]),
    ['page Play frame [2,8,8,8,1], 250+250: compute (ms)', small.play + small.derive, '≤ 2'],
    ['  of which steps, train + test cost, drawn weights (ms)', small.play],
    ['  of which every neuron\'s 100×100 map, probe backprop (ms)', small.derive],
    ['page Play frame [2,8,8,8,1], 250+250: drawing, all views (ms)', small.draw],
    ['  of which the network view (ms)', small.network],
    ['  each frame\'s commit, main thread (canvas raster, software) (ms)', small.commit],
    ['page Play [2,8,8,8,1], 250+250: frames per second', small.fps, '60'],
    ['network view, 6 hidden × 16 (1,360 edges), while playing (ms)', wide.network, '≤ 4'],
    ['network view, 6 hidden × 16, every weight new (new seed) (ms)', wideFull.js, '≤ 4'],
    ['  that frame, all views: main-thread CPU, with paint (trace) (ms)', wideFull.main],
    ['  that frame: the renderer\'s other threads\' CPU (trace) (ms)', wideFull.other],
    ['  page Play frame, 6 × 16: compute (ms)', wide.play + wide.derive],
    ['  page Play frame, 6 × 16: drawing, all views (ms)', wide.draw],
    ['  each frame\'s commit, main thread (canvas raster, software) (ms)', wide.commit],
    ['  page Play, 6 × 16: frames per second', wide.fps],
    [`page weight, ${weight.files.length} files, gzip (KB)`, weight.kb, '≤ 150'],
    [`navigation → first drawn network, a reader's load, median of ${loadRounds} (ms)`, median(reader.times), '≤ 300'],
    [`  through Playwright (page.goto, the page instrumented), median of ${loadRounds} (ms)`, median(firsts.times)],
    ['  … and that frame painted (ms)', median(firsts.painted)],
    [`  page main-thread CPU until drawn (trace), median of ${loadRounds} (ms)`, median(firsts.cpu)],
    ['  through the test harness (every request intercepted) (ms)', median(harnessFirsts)],
  ];
  // Pairs of loads in the same round: how often this tree drew first.
  const wins = (a, b) => a.filter((t, i) => i < b.length && t < b[i]).length;
  if (other) {
    rows.push(
      [`${against}, in alternation: a reader's load, median of ${loadRounds} (ms)`, median(otherReader.times)],
      ['  through Playwright (ms)', median(other.times)],
      ['  … and that frame painted (ms)', median(other.painted)],
      ['  page main-thread CPU until drawn (trace) (ms)', median(other.cpu)],
      [`  rounds of ${loadRounds} where this tree drew first: a reader's load`, wins(reader.times, otherReader.times)],
      ['  … through Playwright', wins(firsts.times, other.times)],
    );
  }
  const fmt = (v) => (v >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));
  console.log(`Chromium ${h.browser.version()}, wasm build in www/pkg/${coreFile ? ` (throughput: ${coreFile} and ${pageFile}, as the pages pick them)` : ''}, load average at the start ${startLoad}, at the end ${loadavg()[0].toFixed(2)}\n`);
  console.log('figure'.padEnd(72) + 'median'.padStart(14) + '   target');
  for (const [k, v, target] of rows.filter(([, v]) => typeof v === 'number' && !Number.isNaN(v))) console.log(k.padEnd(72) + fmt(v).padStart(14) + '   ' + (target ?? ''));
  // Where a reader's load goes: each link's median, in ms from the navigation's start.
  const LINKS = [
    ['htmlIn', 'the HTML in'],
    ['firstRequest', 'first request for a file it names'],
    ['cssIn', 'stylesheets in'],
    ['firstPaint', 'first paint (the page without the network)'],
    ['wasmIn', 'the 2-D wasm in'],
    ['modulesIn', 'everything main.js imports in (and the stylesheets)'],
    ['drawn', 'network drawn'],
  ];
  for (const [name, runs] of [['this tree', reader], ...(other ? [[against, otherReader]] : [])]) {
    console.log(`\na reader's load, ${name}: median of ${runs.links.length} (ms from navigation start)`);
    for (const [key, label] of LINKS) console.log(`  ${label.padEnd(58)}${median(runs.links.map((l) => l[key])).toFixed(1).padStart(10)}`);
  }
  if (weight.kb > 150) {
    console.log('\nheaviest files (gzip KB):');
    for (const f of weight.files.slice(0, 8)) console.log(`  ${f.rel.padEnd(40)}${(f.gz / 1024).toFixed(1).padStart(8)}`);
  }
} finally {
  await h.close();
}
