// The digits boundary (DigitsTrainer, drawingToDigit) loaded in Node from the built
// www/pkg/: every bad argument throws an Error that names it, never a wasm trap, and leaves
// the network exactly as it was; the shapes the worker relies on hold; runs are repeatable.
// (No browser is needed: --target web glue instantiates from bytes in Node too.)
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WWW_ROOT } from './harness.mjs';

const GLUE = join(WWW_ROOT, 'pkg', 'nndl_backprop.js');
const WASM = join(WWW_ROOT, 'pkg', 'nndl_backprop_bg.wasm');
const built = existsSync(GLUE) && existsSync(WASM);

/** A small valid mnist.bin: `n` digits, digit i labelled i % 10, a bar whose place is its label. */
function smallFile(n = 60) {
  const bytes = new Uint8Array(20 + n * 785);
  const view = new DataView(bytes.buffer);
  bytes.set([78, 78, 68, 76]); // "NNDL"
  view.setUint32(4, 1, true);
  view.setUint32(8, n, true);
  view.setUint32(12, 28, true);
  view.setUint32(16, 28, true);
  for (let i = 0; i < n; i++) {
    const label = i % 10;
    bytes[20 + i] = label;
    const at = 20 + n + i * 784;
    for (let k = 4; k < 24; k++) bytes[at + (4 + 2 * label) * 28 + k] = 200 + (i % 50);
  }
  return bytes;
}

function throwsNamed(fn, pattern, what) {
  let caught;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `${what}: no error thrown`);
  assert.ok(caught instanceof Error && !(caught instanceof WebAssembly.RuntimeError), `${what}: ${caught}`);
  assert.match(caught.message, pattern, what);
}

const sigmoid = (z) => 1 / (1 + Math.exp(-z));

/**
 * network.py's update_mini_batch and backprop, transcribed loop by loop for [784, h, 10],
 * sigmoid and quadratic cost: the outside reference for one Step. `net` is toJSON()'s shape
 * (weights[i][j][k] = w^{i+2}_jk); it is updated in place.
 */
function networkPyStep(net, batch, eta) {
  const [w2, w3] = net.weights;
  const [b2, b3] = net.biases;
  const h = b2.length;
  const nw2 = w2.map((row) => row.map(() => 0));
  const nw3 = w3.map((row) => row.map(() => 0));
  const nb2 = b2.map(() => 0);
  const nb3 = b3.map(() => 0);
  for (const { x, label } of batch) {
    const z2 = b2.map((b, j) => b + w2[j].reduce((s, w, k) => s + w * x[k], 0));
    const a2 = z2.map(sigmoid);
    const z3 = b3.map((b, i) => b + w3[i].reduce((s, w, j) => s + w * a2[j], 0));
    const a3 = z3.map(sigmoid);
    const d3 = a3.map((a, i) => (a - (i === label ? 1 : 0)) * sigmoid(z3[i]) * (1 - sigmoid(z3[i]))); // BP1
    const d2 = z2.map((z, j) => d3.reduce((s, d, i) => s + w3[i][j] * d, 0) * sigmoid(z) * (1 - sigmoid(z))); // BP2
    for (let i = 0; i < 10; i++) {
      nb3[i] += d3[i]; // BP3
      for (let j = 0; j < h; j++) nw3[i][j] += a2[j] * d3[i]; // BP4
    }
    for (let j = 0; j < h; j++) {
      nb2[j] += d2[j];
      for (let k = 0; k < 784; k++) nw2[j][k] += x[k] * d2[j];
    }
  }
  const r = eta / batch.length;
  w2.forEach((row, j) => row.forEach((w, k) => (row[k] = w - r * nw2[j][k])));
  w3.forEach((row, i) => row.forEach((w, j) => (row[j] = w - r * nw3[i][j])));
  b2.forEach((b, j) => (b2[j] = b - r * nb2[j]));
  b3.forEach((b, i) => (b3[i] = b - r * nb3[i]));
}

function maxDifference(a, b) {
  const flat = (n) => [n.weights.flat(2), n.biases.flat()].flat();
  const [fa, fb] = [flat(a), flat(b)];
  assert.equal(fa.length, fb.length);
  return fa.reduce((m, v, q) => Math.max(m, Math.abs(v - fb[q])), 0);
}

describe('DigitsTrainer (the wasm boundary of the digits page)', { skip: !built && 'run scripts/build.sh first' }, () => {
  let mod;
  before(async () => {
    mod = await import(pathToFileURL(GLUE).href);
    await mod.default({ module_or_path: readFileSync(WASM) });
  });

  test('a bad file or setting throws an Error naming it', () => {
    const good = smallFile();
    const bad = (mutate) => {
      const b = good.slice();
      mutate(b, new DataView(b.buffer));
      return b;
    };
    const cases = [
      [() => new mod.DigitsTrainer('mnist.bin', {}), /bytes must be a Uint8Array or an ArrayBuffer/],
      [() => new mod.DigitsTrainer(good.subarray(0, 10), {}), /truncated: 10 bytes/],
      [() => new mod.DigitsTrainer(bad((b) => (b[0] = 0)), {}), /does not start with "NNDL"/],
      [() => new mod.DigitsTrainer(bad((b, v) => v.setUint32(4, 7, true)), {}), /format version 7/],
      [() => new mod.DigitsTrainer(bad((b, v) => v.setUint32(12, 27, true)), {}), /28×28 pixels, the header says 27×28/],
      [() => new mod.DigitsTrainer(bad((b) => (b[25] = 11)), {}), /label of digit #5 is 11/],
      [() => new mod.DigitsTrainer(good.subarray(0, good.length - 5), {}), /truncated/],
      [() => new mod.DigitsTrainer(good, { hiden: 30 }), /unknown key "hiden"/],
      [() => new mod.DigitsTrainer(good, 'fast'), /settings must be an object/],
      [() => new mod.DigitsTrainer(good, { hidden: 0 }), /hidden must be a whole number from 1 to 1024, got 0/],
      [() => new mod.DigitsTrainer(good, { hidden: 2.5 }), /hidden must be a whole number/],
      [() => new mod.DigitsTrainer(good, { hidden: '30' }), /hidden must be a number, got the string "30"/],
      [() => new mod.DigitsTrainer(good, { eta: NaN }), /learning rate eta must be a finite number > 0, got NaN/],
      [() => new mod.DigitsTrainer(good, { eta: 0 }), /learning rate eta/],
      [() => new mod.DigitsTrainer(good, { batch: 0 }), /mini-batch size batch must be a whole number from 1/],
      [() => new mod.DigitsTrainer(good, { batch: 49 }), /mini-batch size m must be 1 to 48, got 49/],
      [() => new mod.DigitsTrainer(good, { cost: 'l2' }), /cost must be 'quadratic' or 'crossEntropy', got "l2"/],
      [() => new mod.DigitsTrainer(good, { init: 'zeros' }), /init must be 'standard' or 'scaled'/],
      [() => new mod.DigitsTrainer(good, { seed: -1 }), /seed must be a whole number/],
      [() => new mod.DigitsTrainer(good, { lambda: -0.5 }), /lambda must be a finite number >= 0/],
    ];
    for (const [fn, pattern] of cases) throwsNamed(fn, pattern, String(pattern));
  });

  test('a refused call leaves the network exactly as it was, and it still trains', () => {
    const t = new mod.DigitsTrainer(smallFile(), { hidden: 5, seed: 3 });
    const snapshot = () => JSON.stringify(t.toJSON());
    const before = snapshot();
    const calls = [
      [() => t.reset({ hidden: 0 }), /hidden/],
      [() => t.reset({ eta: -1 }), /learning rate eta/],
      [() => t.setTraining({ hidden: 3 }), /unknown key "hidden"/],
      [() => t.setTraining({ eta: Infinity }), /learning rate eta/],
      [() => t.trainBatches(0), /k \(mini-batches\) must be a whole number from 1 to 100000, got 0/],
      [() => t.trainBatches('5'), /k \(mini-batches\) must be a number/],
      [() => t.classify([0.5, 0.5]), /pixels must have 784 numbers, got 2/],
      [() => t.classify(new Float64Array(784).fill(1.5)), /pixels\[0\] must be in \[0, 1\], got 1.5/],
      [() => t.classify(new Float64Array(784).fill(NaN)), /pixels\[0\] must be a finite number/],
      [() => t.classify({}), /pixels must be an array of numbers/],
      [() => t.forward(new Uint8Array(783)), /pixels must have 784 numbers, got 783/],
      [() => t.hiddenWeights(5), /j \(hidden neuron\) must be a whole number from 0 to 4, got 5/],
      [() => t.hiddenWeights(-1), /j \(hidden neuron\)/],
      [() => mod.drawingToDigit(new Float32Array(4), 2, 3), /width × height = 6 values, got 4/],
      [() => mod.drawingToDigit(new Float32Array(4), 0, 4), /width must be a whole number from 1 to 1024/],
      [() => mod.drawingToDigit([0, 0, 0, 0], 2, 2), /ink must be a Float32Array or Float64Array/],
      [() => mod.drawingToDigit(new Float32Array([0, 2]), 2, 1), /drawing\[1\] must be ink in \[0, 1\]/],
    ];
    for (const [fn, pattern] of calls) {
      throwsNamed(fn, pattern, String(pattern));
      assert.equal(snapshot(), before, `${pattern} changed the network`);
    }
    const r = t.trainBatches(3);
    assert.equal(r.batches, 3);
    assert.notEqual(snapshot(), before, 'training still works');
    t.free();
  });

  test('junk arguments to every method throw Errors, never a wasm trap', () => {
    const t = new mod.DigitsTrainer(smallFile(), { hidden: 4 });
    const junk = [undefined, null, NaN, Infinity, -Infinity, -1, 0, 0.5, 1e300, 2 ** 53, '', 'x', true, [], [1, 2], {},
      { eta: 'x' }, new Float64Array(3), new Uint8Array(784).fill(255), new Float32Array(784), () => 1, Symbol('s')];
    const methods = [
      (a) => t.reset(a), (a) => t.setTraining(a), (a) => t.trainBatches(a), (a) => t.classify(a),
      (a) => t.forward(a), (a) => t.hiddenWeights(a), (a) => mod.drawingToDigit(a, 28, 28),
      (a) => mod.drawingToDigit(new Float32Array(784), a, 28), (a) => new mod.DigitsTrainer(a, {}),
      (a) => new mod.DigitsTrainer(smallFile(), a),
    ];
    let thrown = 0;
    for (const call of methods) {
      for (const a of junk) {
        try {
          const out = call(a);
          if (out instanceof mod.DigitsTrainer) out.free();
        } catch (err) {
          thrown += 1;
          assert.ok(err instanceof Error && !(err instanceof WebAssembly.RuntimeError), `a trap: ${err}`);
          assert.ok(err.message.length > 10, `an error a person can act on: ${err.message}`);
        }
      }
    }
    assert.ok(thrown > 100, `most junk is refused (${thrown})`);
    assert.equal(t.trainBatches(1).batches, 1, 'the trainer still works');
    t.free();
  });

  test('one Step on real digits is what network.py computes (an outside reference)', () => {
    const real = join(WWW_ROOT, 'data', 'mnist.bin');
    const bytes = existsSync(real) ? new Uint8Array(readFileSync(real)) : smallFile(500);
    const count = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    const t = new mod.DigitsTrainer(bytes, { hidden: 30, eta: 3, batch: 10, seed: 4 });
    const net = t.toJSON();
    const record = t.step();
    const batch = [...record.digits].map((i) => ({
      x: [...bytes.subarray(20 + count + i * 784, 20 + count + (i + 1) * 784)].map((v) => v / 255),
      label: bytes[20 + i],
    }));
    assert.deepEqual(batch.map((e) => e.label), [...record.labels]);
    networkPyStep(net, batch, 3);
    const diff = maxDifference(net, t.toJSON());
    assert.ok(diff < 1e-9, `largest difference from network.py after one step: ${diff}`);
    t.free();
  });

  test('shapes: step, weights, test results; the same seed gives the same run', () => {
    const file = smallFile();
    const a = new mod.DigitsTrainer(file, { hidden: 6, batch: 4, seed: 9, init: 'scaled' });
    const s = a.step();
    assert.equal(s.digits.length, 4);
    assert.equal(s.hidden.length, 4 * 6);
    assert.equal(s.output.length, 4 * 10);
    assert.equal(s.nablaW2.length, 6 * 784);
    assert.equal(s.nablaW3.length, 10 * 6);
    assert.ok(Number.isFinite(s.cost));
    const w = a.weights();
    assert.equal(w.w2.length, 6 * 784);
    assert.deepEqual([...a.hiddenWeights(2)].map(Math.fround), [...w.w2.subarray(2 * 784, 3 * 784)]);
    const p = a.progress;
    assert.deepEqual(p, { epoch: 0, digitsDone: 4, trainSize: 48, testSize: 12, batchesPerEpoch: 12 });
    const r = a.trainBatches(1000);
    assert.deepEqual({ batches: r.batches, epochFinished: r.epochFinished }, { batches: 11, epochFinished: true });
    assert.match(a.evaluate().line, /^Epoch 0: \d+ \/ 12$/);
    const tr = a.testResults();
    assert.equal(tr.order.length, 12);
    assert.equal(tr.predictions.length, 12);

    const b = new mod.DigitsTrainer(file, { hidden: 6, batch: 4, seed: 9, init: 'scaled' });
    b.step();
    b.trainBatches(1000);
    assert.deepEqual(b.toJSON(), a.toJSON(), 'deterministic from the seed');
    assert.equal(a.classify(new Uint8Array(784)).length, 10);
    // toJSON is the JS API's network shape: the 2-D page's Network takes it as it is.
    const net = mod.Network.fromJSON(a.toJSON());
    const x = new Float64Array(784).fill(0.5);
    assert.deepEqual([...net.output(x)], [...a.classify(x)]);
    net.free();
    a.free();
    b.free();
  });
});
