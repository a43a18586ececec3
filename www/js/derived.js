//# allFunctionsCalledOnLoad
// Numbers the views show that are computed from the state rather than stored: the probe's
// backprop on the drawn network, the gradient check, and the a/δ/∇w of whatever the network
// view is showing (the probe, one example of the last mini-batch, or the batch mean).

import { target } from '../pkg/nndl_backprop.js';

/** The desired output for the probe: the class of the nearest training point. */
export function probeLabel(state, x) {
  let best = Infinity;
  let label = 0;
  for (const p of state.data.train) {
    const d = (p.x[0] - x[0]) ** 2 + (p.x[1] - x[1]) ** 2;
    if (d < best) {
      best = d;
      label = p.label;
    }
  }
  return label;
}

/** Output neurons of the drawn network. */
const outputs = (state) => state.viewParams.sizes.at(-1);

/** backprop for the probe on the drawn network: z, a, δ, ∂C/∂b, ∂C/∂w, cost. */
export function probeBackprop(state) {
  const net = state.viewNet;
  const y = target(state.probe.label, outputs(state));
  return { ...net.backprop(state.probe.x, y), y: Array.from(y) };
}

/** The gradient check for the probe, or null when it is off. */
export function gradientCheck(state) {
  if (!state.gradCheck) return null;
  const y = target(state.probe.label, outputs(state));
  return state.viewNet.gradientCheck(state.probe.x, y, 1e-5);
}

/** Mean over the batch of every example's activations (for the "mean" view). */
export function meanActivations(trace) {
  const m = trace.examples.length;
  return trace.examples[0].a.map((layer, l) =>
    layer.map((_, j) => trace.examples.reduce((s, e) => s + e.a[l][j], 0) / m),
  );
}

/**
 * What the network view draws, for state.source:
 *   { kind, a, delta, nablaW, nablaB, x, y, index } — a[0] is the input, delta[i] is δ^(i+2).
 */
export function shownSource(state) {
  const last = state.last;
  const src = state.source;
  if (src === 'mean' && last) {
    const t = last.trace;
    return { kind: 'mean', a: last.meanA, delta: t.nablaB, nablaW: t.nablaW, nablaB: t.nablaB };
  }
  if (typeof src === 'number' && last && src < last.trace.examples.length) {
    const e = last.trace.examples[src];
    const ex = last.batch[src];
    return { kind: 'example', index: src, a: e.a, delta: e.delta, nablaW: e.nablaW, nablaB: e.nablaB, x: ex.x, y: ex.y };
  }
  const p = state.probeBP;
  if (!p) return null;
  return { kind: 'probe', a: p.a, delta: p.delta, nablaW: p.nablaW, nablaB: p.nablaB, x: state.probe.x, y: p.y };
}

/** Largest |value| in a nested array (for scaling glows), at least `floor`. */
export function maxAbs(nested, floor = 1e-12) {
  let m = floor;
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (Math.abs(v) > m) m = Math.abs(v);
  };
  walk(nested);
  return m;
}
