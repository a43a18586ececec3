// Browser benchmarks (issue 7): the wasm core's training and forward throughput in headless
// Chromium, one 2-D frame's compute, the page's weight and its time to the first drawn network.
// Prints a table with each figure beside its target. Not a test: numbers only, never a failure.
// Run: node bench/browser.mjs   (after `bash scripts/build.sh`)

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startHarness, WWW_ROOT } from '../tests/browser/harness.mjs';

/** Runs inside the page: everything timed there, with performance.now(), median of rounds. */
async function inPage() {
  const { default: init, Network, Dataset, generateData } = await import('/pkg/nndl_backprop.js');
  await init();
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const timeIt = (fn, rounds = 7) => {
    fn();
    const times = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      fn();
      times.push(performance.now() - t0);
    }
    return median(times);
  };
  const synthetic = (sizes, count) => {
    const [nIn, nOut] = [sizes[0], sizes[sizes.length - 1]];
    const xs = new Float64Array(count * nIn).map((_, i) => ((i * 7) % 97) / 97);
    const ys = new Float64Array(count * nOut).map((_, i) => (i % nOut === Math.floor(i / nOut) % nOut ? 1 : 0));
    return { xs, ys, nIn, nOut };
  };
  const results = {};
  for (const sizes of [[784, 30, 10], [2, 8, 8, 8, 1]]) {
    const key = `[${sizes}]`;
    const count = 1000;
    const d = synthetic(sizes, count);
    const data = Dataset.fromFlat(d.xs, d.ys, d.nIn, d.nOut);
    const net = Network.random({ sizes, seed: 0 });
    const batches = [];
    for (let s = 0; s < count; s += 10) batches.push(Uint32Array.from({ length: 10 }, (_, i) => s + i));
    const epoch = () => { for (const b of batches) net.sgdStepOn(data, b, 0.01, { n: count }); };
    results[`${key} sgd m=10 (examples/s)`] = count / (timeIt(epoch) / 1000);
    const xs = Array.from({ length: 200 }, (_, i) => d.xs.subarray(i * d.nIn, (i + 1) * d.nIn));
    results[`${key} forward, one call each (examples/s)`] = xs.length / (timeIt(() => xs.forEach((x) => net.output(x))) / 1000);
    net.free();
    data.free();
  }
  // One frame of the 2-D page's work: a step, train and test cost, every neuron's 100×100 map.
  const sizes = [2, 8, 8, 8, 1];
  const split = generateData({ kind: 'spiral', n: 500, noise: 0.2, trainShare: 0.5, seed: 1 });
  const hold = (pts) => Dataset.fromFlat(
    Float64Array.from(pts.flatMap((p) => p.x)), Float64Array.from(pts.map((p) => p.label)), 2, 1);
  const train = hold(split.train);
  const test = hold(split.test);
  const net = Network.random({ sizes, seed: 0, activation: 'tanh' });
  let cursor = 0;
  const frame = () => {
    const idx = Uint32Array.from({ length: 10 }, (_, i) => (cursor + i) % train.length);
    cursor += 10;
    net.sgdStepOn(train, idx, 0.03, { n: train.length });
    net.evaluateOn(train);
    net.evaluateOn(test);
    net.heatmap(100, { xMin: -1, xMax: 1, yMin: -1, yMax: 1 });
  };
  results['2-D frame compute, [2,8,8,8,1], 250+250 points, 100×100 maps (ms)'] = timeIt(() => { for (let i = 0; i < 20; i++) frame(); }) / 20;
  results['  of which the 100×100 maps of all 25 neurons (ms)'] =
    timeIt(() => { for (let i = 0; i < 20; i++) net.heatmap(100, {}); }) / 20;
  return results;
}

/** Everything the 2-D page can load, gzip-compressed, excluding the digits asset and mode. */
function pageWeight() {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const rel = relative(WWW_ROOT, p);
      if (rel === 'data' || rel === 'digits.html' || rel.startsWith('js/digits') || rel.endsWith('digits.css')) continue;
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(WWW_ROOT);
  let gz = 0;
  for (const f of files) gz += gzipSync(readFileSync(f), { level: 9 }).length;
  return { files: files.length, kb: gz / 1024 };
}

const h = await startHarness();
try {
  // A same-origin document with no app running on it, so nothing competes with the timing.
  const page = await h.newPage({}, '/pkg/nndl_backprop.js');
  const core = await page.evaluate(inPage);
  // First drawn network: a fresh page, navigation start until the page marks it drawn.
  const firsts = [];
  for (let i = 0; i < 5; i++) {
    const p = await h.newPage({}, '/');
    firsts.push(await p.evaluate(async () => {
      const mark = () => performance.getEntriesByName('network-drawn')[0];
      const t0 = performance.now();
      while (!mark() && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 5));
      return mark() ? mark().startTime : NaN;
    }));
    await p.context().close();
  }
  const weight = pageWeight();
  const rows = [
    ...Object.entries(core).map(([k, v]) => [k, v]),
    [`page weight, ${weight.files} files, gzip (KB)`, weight.kb],
    ['navigation → first drawn network, median of 5 (ms)', firsts.sort((a, b) => a - b)[2]],
  ];
  const targets = {
    '[784,30,10] sgd m=10 (examples/s)': '≥ 80,000',
    '[2,8,8,8,1] sgd m=10 (examples/s)': '≥ 2,700,000',
    '2-D frame compute, [2,8,8,8,1], 250+250 points, 100×100 maps (ms)': '≤ 2',
    [`page weight, ${weight.files} files, gzip (KB)`]: '≤ 150',
    'navigation → first drawn network, median of 5 (ms)': '≤ 300',
  };
  const fmt = (v) => (v >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));
  console.log(`Chromium ${h.browser.version()}, wasm build in www/pkg/\n`);
  console.log('figure'.padEnd(72) + 'median'.padStart(14) + '   target');
  for (const [k, v] of rows) console.log(k.padEnd(72) + fmt(v).padStart(14) + '   ' + (targets[k] ?? ''));
} finally {
  await h.close();
}
