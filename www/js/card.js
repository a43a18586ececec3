// The hover card over the network view: the hovered weight or neuron in the book's notation
// ("w³₂₄ = 0.531: from neuron 4 in layer 2 to neuron 2 in layer 3") with ∂C/∂w = a·δ worked
// out for the probe, the last mini-batch's mean, Δw of the last step and the gradient check.

import { h } from './dom.js';
import { t } from './i18n.js';
import {
  activationName, activationPrime, bookLayer, fmt, fmtDelta, fmtTerm, layerActivation, neuronSymbol, sub, weightName,
} from './notation.js';

const line = (cls, ...children) => h('div', { class: `card-line ${cls}` }, ...children);
const label = (text) => h('span', { class: 'card-label', text });
const value = (text, data) => h('span', { class: 'card-value', text, dataset: data });

function gradientCheckLines(state, numeric, backprop) {
  const g = state.gradCheckResult;
  if (!state.gradCheck || !g) return [];
  const rel = Math.abs(numeric - backprop) / Math.max(Math.abs(numeric) + Math.abs(backprop), 1e-300);
  return [
    line('gc', label(`${t('numerical')} (C(w+ε) − C(w−ε))/2ε`), value(fmt(numeric, 6), { numeric: String(numeric) })),
    line('gc', label(t('backpropLabel')), value(fmt(backprop, 6), { backprop: String(backprop) })),
    line('gc', label(t('relError')), value(fmt(rel, 2), { rel: String(rel) })),
  ];
}

function edgeCard(state, { i, j, k }) {
  const params = state.display ?? state.viewParams;
  const w = params.weights[i][j][k];
  const l = bookLayer(i);
  const aName = activationName(l - 1, k);
  const dName = neuronSymbol('δ', i, j);
  const lines = [
    h('div', { class: 'card-title' }, h('span', { class: 'card-sym', text: weightName(i, j, k) }), ` = ${fmt(w)}`),
    h('div', { class: 'card-sub', text: t('edgeFromTo', { k: k + 1, lp: l - 1, j: j + 1, l }) }),
    line('formula', `∂C/∂${weightName(i, j, k)} = ${aName} · ${dName}`),
  ];
  const p = state.probeBP;
  if (p) {
    const a = p.a[i][k];
    const d = p.delta[i][j];
    lines.push(line('probe', label(t('forProbe')), value(`${fmt(a)} × ${fmtTerm(d)} = ${fmt(p.nablaW[i][j][k])}`, { grad: String(p.nablaW[i][j][k]) })));
  }
  if (typeof state.source === 'number' && state.last) {
    const e = state.last.trace.examples[state.source];
    if (e) {
      const text = `${fmt(e.a[i][k])} × ${fmtTerm(e.delta[i][j])} = ${fmt(e.nablaW[i][j][k])}`;
      lines.push(line('example', label(t('forExample', { i: state.source + 1 })), value(text)));
    }
  }
  if (state.last) {
    const tr = state.last.trace;
    lines.push(line('batch', label(t('forBatch', { m: state.last.m })), value(fmt(tr.nablaW[i][j][k]), { grad: String(tr.nablaW[i][j][k]) })));
    lines.push(line('delta-w', label(`${t('lastStep')}: Δw`), value(fmtDelta(tr.deltaW[i][j][k]), { dw: String(tr.deltaW[i][j][k]) })));
  } else {
    lines.push(line('batch', label(t('forBatch', { m: state.settings.m })), value(t('noStepYet'))));
  }
  const g = state.gradCheckResult;
  if (g) lines.push(...gradientCheckLines(state, g.numericW[i][j][k], g.backpropW[i][j][k]));
  return { lines, data: { kind: 'edge', l, j: j + 1, k: k + 1 } };
}

function neuronCard(state, { l, j }) {
  const lb = l + 1;
  if (l === 0) {
    const x = state.probeBP?.a[0][j];
    return {
      lines: [
        h('div', { class: 'card-title' }, h('span', { class: 'card-sym', text: `x${sub(j + 1)}` }), ` = ${fmt(x)}`),
        h('div', { class: 'card-sub', text: t('inputNeuron', { j: j + 1 }) }),
      ],
      data: { kind: 'neuron', l: 1, j: j + 1 },
    };
  }
  const i = l - 1;
  const params = state.display ?? state.viewParams;
  const b = params.biases[i][j];
  const lines = [
    h('div', { class: 'card-title', text: t('neuronIn', { j: j + 1, l: lb }) }),
  ];
  const p = state.probeBP;
  if (p) {
    const z = p.z[i][j];
    const act = layerActivation(state.viewNet, i);
    const rows = [
      [neuronSymbol('z', i, j), fmt(z), { z: String(z) }],
      [`${neuronSymbol('a', i, j)} = σ(z)`, fmt(p.a[l][j]), { a: String(p.a[l][j]) }],
      [`σ′(${neuronSymbol('z', i, j)})`, fmt(activationPrime(act, z)), { sp: String(activationPrime(act, z)) }],
      [neuronSymbol('δ', i, j), fmt(p.delta[i][j]), { delta: String(p.delta[i][j]) }],
      [neuronSymbol('b', i, j), fmt(b), { b: String(b) }],
      [`∂C/∂${neuronSymbol('b', i, j)} = δ`, fmt(p.nablaB[i][j]), { gradB: String(p.nablaB[i][j]) }],
    ];
    lines.push(h('div', { class: 'card-sub', text: t('forProbe') }));
    lines.push(h('div', { class: 'card-grid' }, rows.map(([k, v, d]) => [label(k), value(v, d)])));
  }
  if (state.last) {
    const tr = state.last.trace;
    lines.push(line('batch', label(t('forBatch', { m: state.last.m })), value(`∂C/∂b = ${fmt(tr.nablaB[i][j])}`)));
    lines.push(line('delta-w', label(`${t('lastStep')}: Δb`), value(fmtDelta(tr.deltaB[i][j]))));
  }
  const g = state.gradCheckResult;
  if (g) lines.push(...gradientCheckLines(state, g.numericB[i][j], g.backpropB[i][j]));
  return { lines, data: { kind: 'neuron', l: lb, j: j + 1 } };
}

export function createCard(cardEl, view) {
  return {
    deps: ['hover', 'pinned', 'probeBP', 'last', 'display', 'viewParams', 'gradCheckResult', 'source', 'settings', 'layout'],
    render(state) {
      const hov = state.hover;
      if (!hov || !state.viewParams) {
        // Play renders this every frame: leave a hidden, empty card alone (setting `hidden`
        // again would still make Chromium restyle it).
        if (!cardEl.hidden) cardEl.hidden = true;
        if (cardEl.firstChild) cardEl.replaceChildren();
        return;
      }
      const { lines, data } = hov.kind === 'edge' ? edgeCard(state, hov) : neuronCard(state, hov);
      cardEl.replaceChildren(...lines);
      cardEl.dataset.kind = data.kind;
      cardEl.dataset.l = data.l;
      cardEl.dataset.j = data.j;
      cardEl.dataset.k = data.k ?? '';
      cardEl.classList.toggle('pinned', state.pinned);
      cardEl.hidden = false;
      place(cardEl, view.geometry(), hov);
    },
  };
}

/** Puts the card beside the pointer (or the item), flipping sides to stay inside the view. */
function place(cardEl, geo, hov) {
  if (!geo) return;
  const anchor =
    hov.px !== undefined
      ? [hov.px, hov.py]
      : hov.kind === 'edge'
        ? [(geo.xs[hov.i] + geo.xs[hov.i + 1]) / 2, (geo.ys[hov.i][hov.k] + geo.ys[hov.i + 1][hov.j]) / 2]
        : [geo.xs[hov.l], geo.ys[hov.l][hov.j]];
  const [x, y] = anchor;
  const w = cardEl.offsetWidth;
  const hgt = cardEl.offsetHeight;
  const gap = 18;
  let left = x + gap;
  if (left + w > geo.W - 4) left = x - w - gap;
  let top = y + gap;
  if (top + hgt > geo.H - 4) top = y - hgt - gap;
  cardEl.style.left = `${Math.max(4, Math.min(geo.W - w - 4, left))}px`;
  cardEl.style.top = `${Math.max(4, top)}px`;
}
