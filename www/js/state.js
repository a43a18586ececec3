//# allFunctionsCalledOnLoad
// The one place the page's state lives, and the once-per-frame redraw that follows a change.
// Modules change state only through set(); views subscribe and redraw from what they read.
// It holds no logic about networks or training (that is training.js).

import { record } from './frame-timing.js';

export const DEFAULT_SETTINGS = Object.freeze({
  dataset: 'xor',
  points: 200,
  noise: 0.1,
  trainShare: 0.5,
  dataSeed: 1,
  // With η = 3 and m = 10 this network learns xor visibly: about 85% of the training points
  // right after 200 steps and 97% after 300 (sigmoid + quadratic, as in the book).
  sizes: Object.freeze([2, 6, 3, 1]),
  activation: 'sigmoid',
  cost: 'quadratic',
  init: 'standard',
  seed: 53,
  eta: 3,
  m: 10,
  lambda: 0,
});

export function createStore() {
  const state = {
    ready: false,
    settings: { ...DEFAULT_SETTINGS, sizes: [...DEFAULT_SETTINGS.sizes] },
    // The network being trained (a wasm object) and the one the views draw. They differ only
    // while a step is being animated: the views show the old weights until phase 4.
    net: null,
    viewNet: null,
    // viewNet's { sizes, weights, biases, … } (its toJSON), kept so views need not ask wasm.
    viewParams: null,
    data: { train: [], test: [] },
    // Training position: a seeded shuffle of the training indices, a cursor into it, counters.
    order: [],
    cursor: 0,
    epoch: 0,
    step: 0,
    lastCost: null,
    accuracy: null,
    // [{ step, train: { cost, accuracy }, test }] for the charts.
    history: [],
    // The last mini-batch step: { batch, indices, eta, m, trace, before, after } (JSON networks).
    last: null,
    // Animation: phase is 'idle' | 'forward' | 'output-error' | 'backward' | 'update'.
    phase: 'idle',
    phaseLayer: null,
    phaseEq: null,
    phaseProgress: 0,
    phaseLog: [],
    held: false,
    holdBeforeUpdate: false,
    speed: 1,
    playing: false,
    // What the network view shows: 'probe', 'mean' (of the last batch) or an example index.
    source: 'probe',
    probe: { x: [0.5, 0.5], label: 0 },
    probeBP: null,
    // { res, sizes, grid }: every neuron's activation over the plane (net.heatmap).
    heatmap: null,
    showMaps: false,
    display: null,
    hover: null,
    pinned: false,
    gradCheck: false,
    gradCheckResult: null,
    message: null,
    // Bumped when an observed element changes size, so views redraw at the new size.
    layout: 0,
  };

  const listeners = new Set();
  let frame = 0;
  let dirty = new Set();

  function flush() {
    cancelAnimationFrame(frame);
    frame = 0;
    const changed = dirty;
    dirty = new Set();
    const t0 = performance.now();
    for (const fn of listeners) fn(state, changed);
    record('redraw', performance.now() - t0);
  }

  return {
    state,
    /** Merges `patch` into the state and schedules one redraw for this frame. */
    set(patch) {
      for (const key of Object.keys(patch)) {
        if (!(key in state)) throw new Error(`state has no field "${key}"`);
        state[key] = patch[key];
        dirty.add(key);
      }
      if (!frame) frame = requestAnimationFrame(flush);
    },
    /** Marks fields as changed without replacing them (after an in-place edit). */
    touch(...keys) {
      this.set(Object.fromEntries(keys.map((k) => [k, state[k]])));
    },
    /** fn(state, changedKeys) runs after every batch of changes, once per frame. */
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** Runs the listeners now (tests and the first paint do not wait for a frame). */
    flushNow() {
      if (frame) flush();
    },
  };
}
