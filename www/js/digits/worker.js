// The digits page's training thread: the wasm module and the DigitsTrainer live here, so an
// epoch of SGD never blocks the page. It answers requests { id, type, …args } with
// { id, result } or { id, error }, and while training it posts { event: 'progress' | 'epoch' }.
//
// Training runs in chunks of mini-batches sized to take about CHUNK_MS each; between chunks
// it yields to the message queue, so a Pause or a drawing to classify is served promptly.

import init, { DigitsTrainer, drawingToDigit } from '../../pkg/nndl_backprop.js';
import { coreUrl, initCore } from '../core-url.js';

const CHUNK_MS = 50;

let trainer = null;
let running = null; // { stop: boolean } while a train request is under way
// Should the relaxed-SIMD build fail to load (a server without it), the plain one still can.
const ready = initCore(init, coreUrl);

/** Everything the page redraws after the weights change. */
function snapshot() {
  return { weights: trainer.weights(), progress: trainer.progress };
}

function needTrainer() {
  if (!trainer) throw new Error('the digits are not loaded yet');
  return trainer;
}

// A message to ourselves lets queued requests (Pause, a drawing) run first, without the
// 4 ms that nested setTimeout calls are clamped to.
const channel = new MessageChannel();
const yieldToMessages = () =>
  new Promise((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(0);
  });

/** Train until `epochs` epochs have ended or a stop request arrives. */
async function train({ epochs }) {
  const t = needTrainer();
  if (running) throw new Error('training is already running');
  const run = { stop: false };
  running = run;
  let k = 5;
  let finished = 0;
  // At least 25 reports an epoch, so the progress bar moves smoothly however fast training is.
  const most = Math.max(1, Math.floor(t.progress.batchesPerEpoch / 25));
  let epochStart = performance.now();
  try {
    while (!run.stop && finished < epochs) {
      const t0 = performance.now();
      const r = t.trainBatches(k);
      const ms = performance.now() - t0;
      // Aim each chunk at CHUNK_MS (growing at most twofold a chunk): long enough to be
      // efficient, short enough for Pause and the pad to be answered promptly.
      k = Math.max(1, Math.min(most, 2 * k, Math.round((k * CHUNK_MS) / Math.max(ms, 0.1))));
      postMessage({ event: 'progress', cost: r.cost, ...snapshot() });
      if (r.epochFinished) {
        finished += 1;
        const seconds = (performance.now() - epochStart) / 1000;
        postMessage({ event: 'epoch', evaluation: t.evaluate(), tests: t.testResults(), seconds, ...snapshot() });
        epochStart = performance.now();
      }
      await yieldToMessages();
    }
  } finally {
    running = null;
  }
  return { stopped: run.stop, epochs: finished, ...snapshot() };
}

const handlers = {
  async load({ bytes, settings }) {
    trainer?.free();
    trainer = null;
    trainer = new DigitsTrainer(new Uint8Array(bytes), settings);
    return {
      settings: trainer.settings,
      trainIndices: trainer.trainIndices(),
      testIndices: trainer.testIndices(),
      evaluation: trainer.evaluate(),
      tests: trainer.testResults(),
      ...snapshot(),
    };
  },
  reset({ settings }) {
    if (running) throw new Error('pause training before changing the network');
    needTrainer().reset(settings);
    return { settings: trainer.settings, evaluation: trainer.evaluate(), tests: trainer.testResults(), ...snapshot() };
  },
  setTraining({ settings }) {
    needTrainer().setTraining(settings);
    return { settings: trainer.settings, progress: trainer.progress };
  },
  step() {
    if (running) throw new Error('pause training before stepping');
    const record = needTrainer().step();
    const out = { record, ...snapshot() };
    if (record.epochFinished) {
      out.evaluation = trainer.evaluate();
      out.tests = trainer.testResults();
    }
    return out;
  },
  train,
  stop() {
    if (running) running.stop = true;
    return { wasRunning: running !== null };
  },
  forward({ pixels }) {
    return needTrainer().forward(pixels);
  },
  drawing({ ink, width, height }) {
    const x = drawingToDigit(ink, width, height);
    return { x, ...needTrainer().forward(x) };
  },
  network() {
    return needTrainer().toJSON();
  },
};

self.onmessage = async ({ data }) => {
  const { id, type, args } = data;
  try {
    await ready;
    const handler = handlers[type];
    if (!handler) throw new Error(`unknown request ${type}`);
    postMessage({ id, result: await handler(args ?? {}) });
  } catch (err) {
    const error = { message: err?.message ?? String(err), diverged: Boolean(err?.diverged) };
    // A refused step changed nothing, so the trainer's progress says where it happened.
    if (error.diverged && trainer) error.at = { ...trainer.progress, eta: trainer.settings.eta };
    postMessage({ id, error });
  }
};
