// Training curves: train and test cost, and train and test accuracy, against the step
// number, from state.history. Hovering a chart reads off the values at that step.

import { t } from './i18n.js';
import { sizeOf } from './measure.js';
import { fmt } from './notation.js';

const TRAIN = '#2f5d8c';
const TEST = '#c0672a';

function drawChart(canvas, history, pick, { maxY, hoverStep }) {
  const dpr = window.devicePixelRatio || 1;
  const W = Math.round(sizeOf(canvas).width) || 280;
  const H = 90;
  if (canvas.width !== Math.round(W * dpr)) canvas.width = Math.round(W * dpr);
  if (canvas.height !== Math.round(H * dpr)) canvas.height = Math.round(H * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, W, H);
  const left = 34;
  const lastStep = Math.max(1, history.at(-1)?.step ?? 1);
  const top = maxY(history);
  const x = (step) => left + ((W - left - 6) * step) / lastStep;
  const y = (v) => H - 14 - ((H - 22) * v) / top;
  ctx.strokeStyle = '#e2e5ea';
  ctx.fillStyle = '#5d6473';
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'right';
  for (const v of [0, top / 2, top]) {
    ctx.beginPath();
    ctx.moveTo(left, y(v));
    ctx.lineTo(W - 6, y(v));
    ctx.stroke();
    ctx.fillText(fmt(v, 2), left - 4, y(v) + 3);
  }
  ctx.textAlign = 'left';
  ctx.fillText('0', left, H - 2);
  ctx.textAlign = 'right';
  ctx.fillText(String(lastStep), W - 6, H - 2);
  for (const [which, colour] of [['train', TRAIN], ['test', TEST]]) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.6;
    ctx.beginPath();
    let started = false;
    for (const h of history) {
      const v = h[which] ? pick(h[which]) : null;
      if (v === null || !Number.isFinite(v)) continue;
      if (started) ctx.lineTo(x(h.step), y(v));
      else ctx.moveTo(x(h.step), y(v));
      started = true;
    }
    ctx.stroke();
  }
  if (hoverStep !== null) {
    ctx.strokeStyle = 'rgba(29, 35, 48, 0.5)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x(hoverStep), 4);
    ctx.lineTo(x(hoverStep), H - 14);
    ctx.stroke();
  }
  return { left, W, lastStep };
}

export function createCharts(root) {
  const costCanvas = root.querySelector('[data-chart="cost"]');
  const accCanvas = root.querySelector('[data-chart="accuracy"]');
  const readout = root.querySelector('.chart-readout');
  let hover = null; // { chart, step }
  let last = null;
  let geometry = { left: 34, W: 280, lastStep: 1 };

  function nearest(history, step) {
    return history.reduce((b, h) => (Math.abs(h.step - step) < Math.abs(b.step - step) ? h : b), history[0]);
  }

  for (const [chart, canvas] of [['cost', costCanvas], ['accuracy', accCanvas]]) {
    canvas.addEventListener('pointermove', (ev) => {
      if (!last?.history.length) return;
      const box = canvas.getBoundingClientRect();
      const step = ((ev.clientX - box.left - geometry.left) / (geometry.W - geometry.left - 6)) * geometry.lastStep;
      hover = { chart, step: nearest(last.history, step).step };
      render(last);
    });
    canvas.addEventListener('pointerleave', () => {
      hover = null;
      if (last) render(last);
    });
  }

  function render(state) {
    last = state;
    const history = state.history;
    const hoverStep = hover?.step ?? null;
    const costMax = (hs) => {
      let top = 1e-6;
      for (const h of hs) {
        for (const c of [h.train?.cost ?? 0, h.test?.cost ?? 0]) if (Number.isFinite(c) && c > top) top = c;
      }
      return top;
    };
    geometry = drawChart(costCanvas, history, (e) => e.cost, { maxY: costMax, hoverStep });
    drawChart(accCanvas, history, (e) => e.accuracy, { maxY: () => 1, hoverStep });
    const at = hover ? history.find((h) => h.step === hover.step) : history.at(-1);
    if (!at) {
      if (readout.firstChild) readout.textContent = '';
      return;
    }
    const pct = (e) => (e ? `${(e.accuracy * 100).toFixed(1)}%` : '–');
    const cost = (e) => (e ? fmt(e.cost) : '–');
    const text = `${t('chartCost')} — ${t('chartAt', { step: at.step, tr: cost(at.train), te: cost(at.test) })} · ${t('chartAccuracy')} — ${t('chartAt', { step: at.step, tr: pct(at.train), te: pct(at.test) })}`;
    if (readout.textContent !== text) readout.textContent = text;
    if (readout.dataset.step !== String(at.step)) readout.dataset.step = String(at.step);
  }

  // While Play runs the history grows every frame; the charts (two canvases of curves and
  // their numbers, text being the costly part of a canvas) follow at most every 100 ms, and
  // in full as soon as Play stops.
  let drawnAt = -Infinity;
  return {
    deps: ['history', 'settings', 'layout', 'playing'],
    render(state) {
      const now = performance.now();
      if (state.playing && now - drawnAt < 100) {
        last = state;
        return;
      }
      drawnAt = now;
      render(state);
    },
  };
}
