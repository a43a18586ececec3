// The input plane: the network's output a^L as a heatmap over [−1, 1]², the training points
// (filled) and test points (hollow), the last mini-batch ringed, and the probe the learner
// drags with mouse, pen or touch. The heatmap is state.heatmap (one Rust call per change of
// weights, shared with the per-neuron pictures). While Play trains, only the heatmap changes:
// the axes and points are drawn once into a layer of their own and copied over it.

import { GRADIENT, classColor, heatmapRGB } from './colors.js';
import { sizeOf } from './measure.js';
import { fmt } from './notation.js';

/** heatmapRGB at LUT_SIZE evenly spaced values of a ∈ [0, 1] (no colour step is visible). */
const LUT_SIZE = 1024;
const LUT = new Uint8ClampedArray(LUT_SIZE * 4);
for (let i = 0; i < LUT_SIZE; i++) LUT.set([...heatmapRGB(i / (LUT_SIZE - 1)).map(Math.round), 255], i * 4);
/** The same colours as whole pixels (r, g, b, 255 in memory order), one store per cell. */
const LUT_PIXELS = new Uint32Array(LUT.buffer);

/**
 * Draws `text` with its baseline at (x, y) — left- or right-aligned, filled, optionally with a
 * 3 px halo — by copying it from a canvas of its own, drawn once per text, font and colours.
 * Drawing text (or setting the font) on a canvas in the document makes Chromium restyle the
 * page on the spot, which during Play meant styling the network view's changes twice a frame.
 */
const labels = new Map();
function label(ctx, text, x, y, { font, fill, halo = null, align = 'left' }) {
  const dpr = window.devicePixelRatio || 1;
  const key = `${dpr}|${font}|${fill}|${halo}|${text}`;
  let l = labels.get(key);
  if (!l) {
    if (labels.size >= 500) labels.clear(); // a probe dragged over many values: start again
    const c = document.createElement('canvas');
    const g = c.getContext('2d');
    g.font = font;
    const m = g.measureText(text);
    const pad = 3; // room for the halo
    const ascent = Math.ceil(m.fontBoundingBoxAscent);
    l = { c, width: Math.ceil(m.width) + 2 * pad, height: ascent + Math.ceil(m.fontBoundingBoxDescent) + 2 * pad, pad, ascent };
    c.width = Math.ceil(l.width * dpr);
    c.height = Math.ceil(l.height * dpr);
    g.scale(dpr, dpr);
    g.font = font; // (a new size resets the context)
    if (halo) {
      g.lineWidth = 3;
      g.strokeStyle = halo;
      g.strokeText(text, pad, pad + ascent);
    }
    g.fillStyle = fill;
    g.fillText(text, pad, pad + ascent);
    labels.set(key, l);
  }
  const left = align === 'right' ? x - l.width + l.pad : x - l.pad;
  // On whole device pixels, so the copy is as sharp as text drawn in place.
  const snap = (v) => Math.round(v * dpr) / dpr;
  ctx.drawImage(l.c, snap(left), snap(y - l.ascent - l.pad), l.c.width / dpr, l.c.height / dpr);
}

export function createPlane(canvas, { onProbe }) {
  const ctx = canvas.getContext('2d');
  const cells = document.createElement('canvas');
  const cellsCtx = cells.getContext('2d');
  const dots = document.createElement('canvas');
  let dotsKey = null;
  let heatKey = null;
  let image = null;
  let size = 0;
  let dragging = false;

  const toPlane = (px, py) => [(px / size) * 2 - 1, 1 - (py / size) * 2];
  const toPixel = ([x, y]) => [((x + 1) / 2) * size, ((1 - y) / 2) * size];

  function resize() {
    const cssSize = Math.round(sizeOf(canvas).width);
    const dpr = window.devicePixelRatio || 1;
    if (cssSize === size && canvas.width === Math.round(cssSize * dpr)) return false;
    size = cssSize;
    canvas.width = Math.round(cssSize * dpr);
    canvas.height = Math.round(cssSize * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return true;
  }

  /**
   * Refills the heatmap image: a^L of the output neuron, or with several outputs (one-hot
   * classes) of neuron 2, the one that says "class 1".
   */
  function refreshHeatmap(state) {
    const { res, grid, sizes } = state.heatmap;
    const before = sizes.slice(1, -1).reduce((s, n) => s + n, 0) + (sizes.at(-1) > 1 ? 1 : 0);
    const offset = before * res * res;
    if (cells.width !== res) cells.width = res;
    if (cells.height !== res) cells.height = res;
    // One image kept from frame to frame (Play refills it every frame), written a pixel at a time.
    if (image?.width !== res) image = cellsCtx.createImageData(res, res);
    const px = new Uint32Array(image.data.buffer);
    for (let c = 0; c < res * res; c++) {
      const a = grid[offset + c];
      // NaN (a network gone to ±∞) takes the colour of 0, as heatmapRGB does.
      px[c] = LUT_PIXELS[a > 1 ? LUT_SIZE - 1 : a >= 0 ? Math.round(a * (LUT_SIZE - 1)) : 0];
    }
    cellsCtx.putImageData(image, 0, 0);
  }

  /** The axes and every point, into the `dots` layer: redrawn only for new data or a new size. */
  function refreshDots(state) {
    const dpr = window.devicePixelRatio || 1;
    const key = `${size}|${dpr}`;
    if (dotsKey?.data === state.data && dotsKey.key === key) return;
    dotsKey = { data: state.data, key };
    dots.width = Math.round(size * dpr);
    dots.height = Math.round(size * dpr);
    const g = dots.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawAxes(g);
    for (const p of state.data.test) drawPoint(g, p, true);
    for (const p of state.data.train) drawPoint(g, p, false);
  }

  function drawAxes(g) {
    g.strokeStyle = 'rgba(29, 35, 48, 0.18)';
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(size / 2, 0);
    g.lineTo(size / 2, size);
    g.moveTo(0, size / 2);
    g.lineTo(size, size / 2);
    g.stroke();
    g.fillStyle = 'rgba(29, 35, 48, 0.55)';
    g.font = '11px system-ui, sans-serif';
    g.textAlign = 'right';
    g.fillText('x₁ →', size - 6, size / 2 - 6);
    g.textAlign = 'left';
    g.fillText('↑ x₂', size / 2 + 6, 14);
    g.fillText('−1', 4, size / 2 + 14);
    g.textAlign = 'right';
    g.fillText('1', size - 4, size / 2 + 14);
  }

  function drawPoint(g, p, test) {
    const [px, py] = toPixel(p.x);
    g.beginPath();
    g.arc(px, py, test ? 4 : 3.6, 0, 2 * Math.PI);
    if (test) {
      // Test points are hollow: the network never trains on them.
      g.lineWidth = 3.2;
      g.strokeStyle = 'rgba(255, 255, 255, 0.9)';
      g.stroke();
      g.lineWidth = 1.8;
      g.strokeStyle = classColor(p.label);
      g.stroke();
    } else {
      g.fillStyle = classColor(p.label);
      g.fill();
      g.lineWidth = 1;
      g.strokeStyle = p.label ? 'rgba(29, 35, 48, 0.75)' : 'rgba(255, 255, 255, 0.9)';
      g.stroke();
    }
  }

  function drawBatch(state) {
    const last = state.last;
    if (!last || (state.phase === 'idle' && state.source === 'probe')) return;
    const [r, g, b] = GRADIENT;
    last.indices.forEach((idx, n) => {
      const [px, py] = toPixel(state.data.train[idx].x);
      const focused = state.source === n;
      ctx.beginPath();
      ctx.arc(px, py, focused ? 10 : 7.5, 0, 2 * Math.PI);
      ctx.lineWidth = focused ? 3 : 1.8;
      ctx.strokeStyle = `rgba(${r}, ${g}, ${b}, ${focused ? 1 : 0.85})`;
      ctx.stroke();
      if (focused || state.source === 'mean' || state.phase !== 'idle') {
        label(ctx, String(n + 1), px + 8, py - 7, { font: `${focused ? 'bold ' : ''}10px system-ui, sans-serif`, fill: `rgb(${r}, ${g}, ${b})` });
      }
    });
  }

  function drawProbe(state) {
    const [px, py] = toPixel(state.probe.x);
    ctx.beginPath();
    ctx.arc(px, py, 10, 0, 2 * Math.PI);
    ctx.fillStyle = 'rgba(255, 255, 255, 0.55)';
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#1d2330';
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(px - 6, py);
    ctx.lineTo(px + 6, py);
    ctx.moveTo(px, py - 6);
    ctx.lineTo(px, py + 6);
    ctx.stroke();
    const out = state.probeBP?.a.at(-1);
    if (out) {
      const text = `aᴸ = ${out.map((v) => fmt(v, 2)).join(', ')}`;
      const right = px > size - 90;
      label(ctx, text, right ? px - 14 : px + 14, py < 24 ? py + 22 : py - 12, {
        font: '12px system-ui, sans-serif',
        fill: '#1d2330',
        halo: 'rgba(255, 255, 255, 0.9)',
        align: right ? 'right' : 'left',
      });
    }
  }

  function pointerToProbe(ev) {
    const box = canvas.getBoundingClientRect();
    const [x, y] = toPlane(ev.clientX - box.left, ev.clientY - box.top);
    const clamp = (v) => Math.max(-1, Math.min(1, v));
    onProbe([clamp(x), clamp(y)]);
  }

  // Pointer events cover mouse, pen and touch alike; capture keeps the drag when the
  // pointer leaves the canvas. CSS sets touch-action: none so the page does not scroll.
  canvas.addEventListener('pointerdown', (ev) => {
    dragging = true;
    canvas.setPointerCapture(ev.pointerId);
    canvas.classList.add('dragging');
    pointerToProbe(ev);
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (dragging) pointerToProbe(ev);
  });
  const stop = (ev) => {
    dragging = false;
    canvas.classList.remove('dragging');
    if (canvas.hasPointerCapture(ev.pointerId)) canvas.releasePointerCapture(ev.pointerId);
  };
  canvas.addEventListener('pointerup', stop);
  canvas.addEventListener('pointercancel', stop);

  return {
    render(state, changed) {
      if (!state.viewNet || !state.heatmap) return;
      const resized = resize();
      // Not laid out yet (or hidden): a 0-wide canvas cannot be drawn into or drawn from. The
      // ResizeObserver (measure.js) asks for a render once the plane has a size.
      if (size === 0) return;
      if (state.heatmap !== heatKey) {
        refreshHeatmap(state);
        heatKey = state.heatmap;
      }
      if (!resized && changed && !['heatmap', 'probe', 'probeBP', 'last', 'source', 'phase', 'data'].some((k) => changed.has(k))) return;
      refreshDots(state);
      ctx.imageSmoothingEnabled = true;
      ctx.clearRect(0, 0, size, size);
      ctx.drawImage(cells, 0, 0, size, size);
      ctx.drawImage(dots, 0, 0, size, size);
      drawBatch(state);
      drawProbe(state);
    },
  };
}
