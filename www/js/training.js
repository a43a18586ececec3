// Training, as network.py does it: a seeded shuffle of the training set each epoch, the next
// m examples as a mini-batch, one SGD step (recorded in full by sgdStepTrace for the views).
// It owns every wasm Network the page creates and frees the ones it drops.

import { Network, generateData, target } from '../pkg/nndl_backprop.js';
import { meanActivations, probeLabel } from './derived.js';

/** mulberry32: a tiny seeded PRNG, so the same seed gives the same batches in every browser. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates over 0..n−1, seeded by the network seed and the epoch. */
export function epochOrder(n, seed, epoch) {
  const next = rng(Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b));
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Settings that regenerate the points, and those that need a fresh network. */
export const DATA_KEYS = ['dataset', 'points', 'noise', 'trainShare', 'dataSeed'];
export const NETWORK_KEYS = ['sizes', 'activation', 'cost', 'init', 'seed'];

export function createTrainer(store) {
  const { state } = store;

  /** Frees the old network the views were drawing, unless it is the one being trained. */
  function dropViewNet() {
    if (state.viewNet && state.viewNet !== state.net) state.viewNet.free();
  }

  function withTargets(points, outputs) {
    return points.map((p) => ({ x: p.x, label: p.label, y: Array.from(target(p.label, outputs)) }));
  }

  function buildData() {
    const s = state.settings;
    const split = generateData({ kind: s.dataset, n: s.points, noise: s.noise, trainShare: s.trainShare, seed: s.dataSeed });
    const outputs = s.sizes[s.sizes.length - 1];
    return { train: withTargets(split.train, outputs), test: withTargets(split.test, outputs) };
  }

  function evaluate(net, data) {
    const asExamples = (ps) => ps.map((p) => ({ x: p.x, y: p.y }));
    const train = data.train.length ? net.evaluate(asExamples(data.train)) : null;
    const test = data.test.length ? net.evaluate(asExamples(data.test)) : null;
    return { train, test };
  }

  /** Accuracy and cost now, appended to the history the charts draw (thinned when long). */
  function measure(net, data, step, history) {
    const accuracy = evaluate(net, data);
    let next = [...history, { step, train: accuracy.train, test: accuracy.test }];
    if (next.length > 1200) next = next.filter((_, i) => i % 2 === 0 || i === next.length - 1);
    return { accuracy, history: next };
  }

  /** Makes `net` (with `data`) the network being trained, from step 0. */
  function install(net, data) {
    dropViewNet();
    state.net?.free();
    const probe = { ...state.probe, label: probeLabel({ data }, state.probe.x) };
    store.set({
      net,
      viewNet: net,
      viewParams: net.toJSON(),
      data,
      order: epochOrder(data.train.length, state.settings.seed, 0),
      cursor: 0,
      epoch: 0,
      step: 0,
      last: null,
      lastCost: null,
      ...measure(net, data, 0, []),
      phase: 'idle',
      phaseLayer: null,
      phaseLog: [],
      held: false,
      display: null,
      source: 'probe',
      probe,
    });
  }

  /** A fresh network from the settings' seed: Reset always gives back the same weights. */
  function reset({ regenerateData = false } = {}) {
    const s = state.settings;
    // Build everything that can fail first, so a bad setting leaves the page as it was.
    const data = regenerateData || state.data.train.length === 0 ? buildData() : state.data;
    const net = Network.random({ sizes: s.sizes, seed: s.seed, activation: s.activation, cost: s.cost, init: s.init });
    install(net, data);
  }

  /**
   * An imported network (and the settings saved with it). Its shape, activation and cost
   * win over the saved settings; the data are regenerated when they differ.
   */
  function load(networkJson, saved = {}) {
    const net = Network.fromJSON(networkJson);
    const sizes = Array.from(net.sizes);
    if (sizes[0] !== 2) {
      net.free();
      throw new Error(`this page trains networks with 2 inputs; the file's network has ${sizes[0]}`);
    }
    const old = state.settings;
    const known = Object.fromEntries(Object.entries(saved).filter(([k]) => k in old));
    const next = { ...old, ...known, sizes, activation: net.activation, cost: net.cost };
    const regenerate = DATA_KEYS.some((k) => next[k] !== old[k]) || sizes.at(-1) !== old.sizes.at(-1);
    store.set({ settings: next });
    let data;
    try {
      data = regenerate ? buildData() : state.data;
    } catch (err) {
      net.free();
      store.set({ settings: old });
      throw err;
    }
    install(net, data);
  }

  /** The next m training examples, moving to a new shuffled epoch when one runs out. */
  function nextBatch() {
    const m = state.settings.m;
    let { order, cursor, epoch } = state;
    if (cursor >= order.length) {
      epoch += 1;
      cursor = 0;
      order = epochOrder(order.length, state.settings.seed, epoch);
    }
    // Like network.py, the last mini-batch of an epoch may be shorter than m.
    const indices = order.slice(cursor, cursor + m);
    return { indices, position: { order, cursor: cursor + indices.length, epoch } };
  }

  /**
   * One SGD step on the next mini-batch. With `record` (Step), the drawn network stays the
   * old one until the animation reaches the update; Play passes record: false for all but
   * the last step of a frame. Returns true on success; on an error the network, the batch
   * position and the counters stay as they were and the error is rethrown.
   */
  function step({ record = true, keepOldView = false } = {}) {
    const s = state.settings;
    const { indices, position } = nextBatch();
    const batch = indices.map((i) => ({ x: state.data.train[i].x, y: state.data.train[i].y }));
    const options = { lambda: s.lambda, n: state.data.train.length };
    if (!record) {
      const { cost } = state.net.sgdStep(batch, s.eta, options);
      store.set({ ...position, step: state.step + 1, lastCost: cost });
      return;
    }
    const before = state.net.toJSON();
    const old = keepOldView ? state.net.clone() : null;
    let trace;
    try {
      trace = state.net.sgdStepTrace(batch, s.eta, options);
    } catch (err) {
      old?.free();
      throw err;
    }
    dropViewNet();
    const last = {
      batch,
      indices,
      eta: s.eta,
      lambda: s.lambda,
      n: options.n,
      m: batch.length,
      trace,
      meanA: meanActivations(trace),
      before,
      after: state.net.toJSON(),
    };
    store.set({
      ...position,
      step: state.step + 1,
      lastCost: trace.cost,
      last,
      viewNet: old ?? state.net,
      viewParams: old ? before : last.after,
    });
  }

  /** The animation calls this when it reaches the update: from now on the new weights show. */
  function showTrainedNetwork() {
    dropViewNet();
    store.set({ viewNet: state.net, viewParams: state.last.after, ...measure(state.net, state.data, state.step, state.history) });
  }

  /**
   * Changes settings. Data settings regenerate the points; anything that shapes the network
   * (sizes, activation, cost, init, seed) or the data starts a fresh network from the seed.
   * η, m and λ only change how the next step is taken. On an error nothing changes.
   */
  function configure(patch) {
    const old = state.settings;
    const next = { ...old, ...patch };
    const changed = (keys) => keys.some((k) => JSON.stringify(old[k]) !== JSON.stringify(next[k]));
    const dataChanged = changed(DATA_KEYS) || next.sizes.at(-1) !== old.sizes.at(-1);
    const netChanged = dataChanged || changed(NETWORK_KEYS);
    store.set({ settings: next });
    if (!netChanged) return false;
    try {
      reset({ regenerateData: dataChanged });
    } catch (err) {
      store.set({ settings: old });
      throw err;
    }
    return true;
  }

  /** After Play's unrecorded steps: draw the trained network as it now is, and measure it. */
  function refreshAccuracy() {
    const patch = measure(state.net, state.data, state.step, state.history);
    if (state.viewNet === state.net) patch.viewParams = state.net.toJSON();
    store.set(patch);
  }

  return { reset, load, step, showTrainedNetwork, refreshAccuracy, configure };
}
