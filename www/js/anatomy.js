// Mini-batch anatomy: page through the last batch's examples (the network view then shows that
// example's own a, δ and ∇w), and see one weight's per-example gradients ∂C_x/∂w beside
// their mean, the number the step actually uses: w → w − (η/m) Σ_x ∂C_x/∂w.

import { GRADIENT } from './colors.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { sizeOf } from './measure.js';
import { fmt, fmtDelta, fmtTerm, neuronSymbol, weightName } from './notation.js';

/** The parameter the bar chart follows: the hovered one, else the weight moved most. */
function followed(state) {
  const hov = state.hover;
  const tr = state.last.trace;
  if (hov?.kind === 'edge') return { kind: 'w', i: hov.i, j: hov.j, k: hov.k };
  if (hov?.kind === 'neuron' && hov.l > 0) return { kind: 'b', i: hov.l - 1, j: hov.j };
  let best = { kind: 'w', i: 0, j: 0, k: 0 };
  let most = -1;
  tr.nablaW.forEach((layer, i) =>
    layer.forEach((row, j) =>
      row.forEach((g, k) => {
        if (Math.abs(g) > most) [most, best] = [Math.abs(g), { kind: 'w', i, j, k }];
      }),
    ),
  );
  return best;
}

const gradOf = (bp, f) => (f.kind === 'w' ? bp.nablaW[f.i][f.j][f.k] : bp.nablaB[f.i][f.j]);

export function createAnatomy(root, { onSelect, onContinue }) {
  const chips = h('div', { class: 'chips', role: 'group' });
  const prev = h('button', { class: 'icon', type: 'button', 'data-i18n-aria': 'previous', 'aria-label': t('previous'), text: '◀' });
  const next = h('button', { class: 'icon', type: 'button', 'data-i18n-aria': 'next', 'aria-label': t('next'), text: '▶' });
  const empty = h('p', { class: 'muted', 'data-i18n': 'anatomyEmpty', text: t('anatomyEmpty') });
  const held = h('div', { class: 'held' }, h('span', { 'data-i18n': 'phaseHeld', text: t('phaseHeld') }),
    h('button', { type: 'button', class: 'primary', 'data-i18n': 'continue', text: t('continue'), onclick: () => onContinue() }));
  const chart = h('canvas', { class: 'bars', height: 120 });
  const caption = h('p', { class: 'bars-caption' });
  const sum = h('p', { class: 'bars-sum' });
  root.append(h('div', { class: 'pager' }, chips, h('span', { class: 'arrows' }, prev, next)), empty, held, chart, caption, sum);

  let chipKey = '';
  let order = [];
  const current = { state: null };

  function choose(source) {
    onSelect(source);
  }
  function shift(by) {
    const s = current.state;
    const at = order.indexOf(s.source);
    choose(order[(at + by + order.length) % order.length]);
  }
  prev.addEventListener('click', () => shift(-1));
  next.addEventListener('click', () => shift(1));
  chips.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
      shift(ev.key === 'ArrowRight' ? 1 : -1);
      ev.preventDefault();
    }
  });

  function buildChips(state) {
    const m = state.last ? state.last.m : 0;
    const key = `${m}|${document.documentElement.lang}`;
    if (key === chipKey) return;
    chipKey = key;
    order = ['probe', ...(m ? ['mean', ...Array.from({ length: m }, (_, i) => i)] : [])];
    chips.replaceChildren(
      ...order.map((src) =>
        h('button', {
          type: 'button',
          class: `chip${typeof src === 'number' ? ' example' : ''}`,
          dataset: { source: String(src) },
          text: src === 'probe' ? t('probe') : src === 'mean' ? `Σ ${t('mean')}` : String(src + 1),
          onclick: () => choose(src),
        }),
      ),
    );
  }

  function drawBars(state, f) {
    const tr = state.last.trace;
    const grads = tr.examples.map((bp) => gradOf(bp, f));
    const mean = gradOf(tr, f);
    const ctx = chart.getContext('2d');
    const dpr = window.devicePixelRatio || 1;
    const W = Math.round(sizeOf(chart).width) || 300;
    const H = 120;
    // Resizing a canvas reallocates it: only when the size really changed.
    if (chart.width !== Math.round(W * dpr)) chart.width = Math.round(W * dpr);
    if (chart.height !== Math.round(H * dpr)) chart.height = Math.round(H * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const maxAbs = Math.max(1e-12, ...grads.map(Math.abs));
    const mid = H / 2;
    const scale = (H / 2 - 12) / maxAbs;
    const slot = (W - 40) / grads.length;
    const [r, g, b] = GRADIENT;
    ctx.strokeStyle = 'rgba(29, 35, 48, 0.3)';
    ctx.beginPath();
    ctx.moveTo(30, mid);
    ctx.lineTo(W - 6, mid);
    ctx.stroke();
    grads.forEach((v, n) => {
      const x = 34 + n * slot;
      const focused = state.source === n;
      ctx.fillStyle = `rgba(${r}, ${g}, ${b}, ${focused ? 1 : 0.45})`;
      ctx.fillRect(x, v > 0 ? mid - v * scale : mid, Math.max(2, slot - 6), Math.abs(v) * scale);
      ctx.fillStyle = '#59606e';
      ctx.font = '10px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.fillText(String(n + 1), x + (slot - 6) / 2, H - 2);
    });
    ctx.strokeStyle = '#1d2330';
    ctx.setLineDash([5, 3]);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(30, mid - mean * scale);
    ctx.lineTo(W - 6, mid - mean * scale);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#1d2330';
    ctx.textAlign = 'left';
    ctx.fillText(t('mean'), 2, mid - mean * scale + 3);
    const name = f.kind === 'w' ? weightName(f.i, f.j, f.k) : neuronSymbol('b', f.i, f.j);
    caption.textContent = t('anatomyHint', { w: name });
    const delta = f.kind === 'w' ? tr.deltaW[f.i][f.j][f.k] : tr.deltaB[f.i][f.j];
    const last = state.last;
    const step = last.lambda > 0 ? '' : ` = −${fmt(last.eta)} × ${fmtTerm(mean)}`;
    sum.textContent = `(1/${last.m}) Σₓ ∂Cₓ/∂${name} = ${fmt(mean)}  →  Δ${name}${step} = ${fmtDelta(delta)}`;
  }

  // While Play runs the batch changes every frame, faster than anyone reads bars; redrawing
  // at most every 250 ms also spares Play the per-example backprop (state.last is lazy).
  let drawnAt = -Infinity;

  return {
    deps: ['last', 'source', 'hover', 'held', 'step', 'settings', 'layout', 'playing'],
    render(state) {
      const now = performance.now();
      if (state.playing && now - drawnAt < 250) return;
      drawnAt = now;
      current.state = state;
      buildChips(state);
      for (const c of chips.children) {
        const src = c.dataset.source;
        c.setAttribute('aria-pressed', String(String(state.source) === src));
      }
      const has = Boolean(state.last);
      empty.hidden = has;
      chart.hidden = !has;
      caption.hidden = !has;
      sum.hidden = !has;
      held.hidden = !state.held;
      prev.disabled = !has;
      next.disabled = !has;
      if (has) drawBars(state, followed(state));
    },
  };
}
