// Training, as network.py does it: a seeded shuffle of the training set each epoch, the next
// m examples as a mini-batch, one SGD step (recorded in full by sgdStepTrace for Step; Play's
// per-frame steps run on the points held in wasm memory). It owns every wasm Network and
// Dataset the page creates and frees the ones it drops.

import { Dataset, Network, generateData, target } from '../pkg/nndl_backprop.js';
import { meanActivations, probeLabel } from './derived.js';
import { rng } from './rng.js';


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

  // The points of `data` again, held in wasm memory for the per-frame calls (sgdStepOn,
  // evaluateOn): built once per data set, the previous one freed.
  let held = { data: null, train: null, test: null };
  function heldFor(data) {
    if (held.data !== data) {
      const outputs = data.train[0]?.y.length ?? data.test[0]?.y.length ?? state.settings.sizes.at(-1);
      const toDataset = (ps) =>
        Dataset.fromFlat(Float64Array.from(ps.flatMap((p) => p.x)), Float64Array.from(ps.flatMap((p) => p.y)), 2, outputs);
      const train = toDataset(data.train);
      let test;
      try {
        test = toDataset(data.test);
      } catch (err) {
        train.free(); // refused: keep what was held, leak nothing
        throw err;
      }
      const next = { data, train, test };
      held.train?.free();
      held.test?.free();
      held = next;
    }
    return held;
  }

  function evaluate(net, data) {
    const sets = heldFor(data);
    const train = data.train.length ? net.evaluateOn(sets.train) : null;
    const test = data.test.length ? net.evaluateOn(sets.test) : null;
    return { train, test };
  }

  /** Replaces state.last's record, freeing what an unread Play record still held. */
  function releaseLast() {
    state.last?.release?.();
  }

  /** Accuracy and cost now, appended (in place) to the history the charts draw (thinned when long). */
  function measure(net, data, step, history) {
    const accuracy = evaluate(net, data);
    let next = history;
    next.push({ step, train: accuracy.train, test: accuracy.test });
    if (next.length > 1200) next = next.filter((_, i) => i % 2 === 0 || i === next.length - 1);
    return { accuracy, history: next };
  }

  /** Makes `net` (with `data`) the network being trained, from step 0. */
  function install(net, data) {
    dropViewNet();
    releaseLast();
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

  /** The next m training examples after `position`, moving to a new shuffled epoch when one runs out. */
  function nextBatch(position = state) {
    const m = state.settings.m;
    let { order, cursor, epoch } = position;
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
   * Step: one SGD step on the next mini-batch, recorded in full (sgdStepTrace). With
   * `keepOldView` the drawn network stays the old one until the animation reaches the update.
   * On an error the network, the batch position and the counters stay as they were and the
   * error is rethrown.
   */
  function step({ keepOldView = false } = {}) {
    const s = state.settings;
    const { indices, position } = nextBatch();
    const batch = batchOf(indices);
    const options = { lambda: s.lambda, n: state.data.train.length };
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
    releaseLast();
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

  const batchOf = (indices) => indices.map((i) => ({ x: state.data.train[i].x, y: state.data.train[i].y }));

  /**
   * The record of a Play step (state.last), made only if a view reads it: until then a copy
   * of the network from before the step is kept, and the first read replays the step on it
   * with sgdStepTrace (the same step, bit for bit). release() frees an unread copy.
   */
  function deferredRecord(copy, indices, eta, lambda, n) {
    const batch = batchOf(indices);
    let full = null;
    const read = () => {
      if (!full) {
        const before = copy.toJSON();
        const trace = copy.sgdStepTrace(batch, eta, { lambda, n });
        full = { trace, meanA: meanActivations(trace), before, after: copy.toJSON() };
        copy.free();
      }
      return full;
    };
    return {
      batch, indices, eta, lambda, n, m: batch.length,
      get trace() { return read().trace; },
      get meanA() { return read().meanA; },
      get before() { return read().before; },
      get after() { return read().after; },
      release() { if (!full) copy.free(); },
    };
  }

  /**
   * Play's frame: `count` SGD steps on the points held in wasm (sgdStepOn), then the drawn
   * network (viewNet is the trained one) and the train and test cost, measured once. On an
   * error the steps before it stand, they are shown and measured, and the error is rethrown.
   */
  function playFrame(count) {
    const s = state.settings;
    const { train } = heldFor(state.data);
    const options = { lambda: s.lambda, n: train.length };
    let position = state;
    let taken = 0;
    let cost = state.lastCost;
    let last = null;
    try {
      for (let i = 0; i < count; i++) {
        const next = nextBatch(position);
        // Only the frame's last step is kept for the views; it needs the network before it.
        const copy = i === count - 1 ? state.net.clone() : null;
        try {
          cost = state.net.sgdStepOn(train, Uint32Array.from(next.indices), s.eta, options);
        } catch (err) {
          copy?.free();
          throw err;
        }
        if (copy) last = deferredRecord(copy, next.indices, s.eta, s.lambda, options.n);
        position = next.position;
        taken += 1;
      }
    } finally {
      if (taken > 0) {
        const patch = { order: position.order, cursor: position.cursor, epoch: position.epoch, step: state.step + taken, lastCost: cost };
        if (last) {
          releaseLast();
          patch.last = last;
        }
        store.set({ ...patch, viewParams: state.net.toJSON(), ...measure(state.net, state.data, patch.step, state.history) });
      }
    }
  }

  return { reset, load, step, showTrainedNetwork, playFrame, configure };
}
