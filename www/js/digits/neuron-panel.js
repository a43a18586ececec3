// The hidden-neuron panel: neuron j's incoming weights w²_j· and the last Step's gradient
// ∂C/∂w²_j· as large 28×28 pictures, its numbers (b²_j, a²_j, mean δ²_j), and its ten
// outgoing weights w³_·j as bars. Also the ten output bars under the drawing pad.

import { h } from '../dom.js';
import { weightColor, activationColor } from '../colors.js';
import { contentWidth, drawSigned, maxAbs, sharpContext } from './images.js';
import { PIXELS } from './data.js';

const BIG = 150;

const fmt = (v) => (v === null || v === undefined ? '–' : (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(3)));

export function drawNeuron(els, { j, weights, gradient, hidden, scale, t }) {
  const h2 = weights.b2.length;
  els.title.textContent = t('neuron', { j });
  const wctx = sharpContext(els.w, BIG, BIG);
  drawSigned(wctx, weights.w2.subarray(j * PIXELS, (j + 1) * PIXELS), 0, 0, BIG, scale);
  const gctx = sharpContext(els.g, BIG, BIG);
  gctx.clearRect(0, 0, BIG, BIG);
  if (gradient) {
    // Scaled like the tiles: the largest |∂C/∂w| over the whole layer at full colour.
    drawSigned(gctx, gradient.nablaW2.subarray(j * PIXELS, (j + 1) * PIXELS), 0, 0, BIG, 3 / maxAbs(gradient.nablaW2));
  } else {
    gctx.fillStyle = '#f2f3f6';
    gctx.fillRect(0, 0, BIG, BIG);
    gctx.fillStyle = '#5d6473';
    gctx.font = '12px system-ui, sans-serif';
    gctx.textAlign = 'center';
    gctx.fillText(t('noGradient'), BIG / 2, BIG / 2 + 4);
  }
  const rows = [
    [t('bias'), weights.b2[j]],
    [t('activationOf'), hidden ? hidden[j] : null],
    [t('deltaOf'), gradient ? gradient.nablaB2[j] : null],
  ];
  els.numbers.replaceChildren(...rows.map(([k, v]) => h('div', {}, h('dt', { text: k }), h('dd', { text: fmt(v) }))));
  drawOutgoing(els.out, Array.from({ length: 10 }, (_, i) => weights.w3[i * h2 + j]));
}

/** Ten bars, one per output i, for w³_ij: teal up for > 0, vermilion down for < 0. */
function drawOutgoing(canvas, w) {
  const width = Math.max(200, Math.floor(contentWidth(canvas.parentElement)));
  const height = 78;
  const ctx = sharpContext(canvas, width, height);
  ctx.clearRect(0, 0, width, height);
  const mid = 34;
  const m = Math.max(maxAbs(w), 1);
  const slot = width / 10;
  ctx.strokeStyle = '#cfd4dc';
  ctx.beginPath();
  ctx.moveTo(0, mid);
  ctx.lineTo(width, mid);
  ctx.stroke();
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  w.forEach((v, i) => {
    const bh = (Math.abs(v) / m) * 28;
    ctx.fillStyle = weightColor(v);
    ctx.fillRect(i * slot + slot * 0.2, v >= 0 ? mid - bh : mid, slot * 0.6, bh);
    ctx.fillStyle = '#5d6473';
    ctx.fillText(String(i), i * slot + slot / 2, height - 4);
  });
}

/** The ten output activations as labelled bars; the largest one is the network's answer. */
export function renderOutputs(list, output) {
  let best = -1;
  if (output) for (let i = 0; i < 10; i++) if (best < 0 || output[i] > output[best]) best = i;
  const items = Array.from({ length: 10 }, (_, i) => {
    const a = output ? output[i] : 0;
    const bar = h('span', { class: 'bar' });
    bar.style.width = `${(a * 100).toFixed(1)}%`;
    bar.style.backgroundColor = activationColor(a, [0, 1]);
    return h(
      'li',
      { class: i === best ? 'best' : '' },
      h('span', { class: 'digit', text: String(i) }),
      h('span', { class: 'track' }, bar),
      h('span', { class: 'value', text: output ? a.toFixed(2) : '–' }),
    );
  });
  list.replaceChildren(...items);
  return best;
}
