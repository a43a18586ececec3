// The [784, h, 10] network on one canvas, top to bottom: the input x = a¹ as a 28×28 image;
// each hidden neuron j as a 28×28 tile of its incoming weights w²_j· (or, after a Step, of
// their gradient ∂C/∂w²_j·), framed in the colour of its activation a²_j; the hidden→output
// edges coloured by w³ like the 2-D view; the ten outputs a³ as circles.
//
// It only draws what it is given (view.set({...})) and reports hover/clicks; the Step
// animation is a `phase` and a progress t ∈ [0, 1] that the animator advances.

import { activationColor, gradientColor, weightColor, weightStrength } from '../colors.js';
import { drawDigit, drawSigned, maxAbs, sharpContext, weightScale } from './images.js';
import { SIDE, PIXELS } from './data.js';

const HEIGHT = 430;
const INPUT_SIZE = 112;
const INPUT_TOP = 18;
const HIDDEN_TOP = 196;
const OUTPUT_Y = HEIGHT - 62;
const RADIUS = 17;
const MAX_TILE = 52;
const RANGE = [0, 1];

function tileCanvas() {
  const c = document.createElement('canvas');
  c.width = SIDE;
  c.height = SIDE;
  return c;
}

export class NetworkView {
  constructor(canvas, { onHover, onSelect } = {}) {
    this.canvas = canvas;
    this.onHover = onHover ?? (() => {});
    this.onSelect = onSelect ?? (() => {});
    this.s = {
      input: null, // 784 bytes or numbers in [0, 1]
      label: null, // the desired digit, if known
      hidden: null, // a² for the input
      output: null, // a³ for the input
      deltaHidden: null, // δ² and δ³ for the input (during a Step)
      deltaOutput: null,
      weights: null, // { w2, b2, w3, b3 }
      nextWeights: null, // after the Step's update, cross-faded in during 'update'
      gradient: null, // { nablaW2, nablaW3 } of the last Step
      mode: 'weights', // what the tiles show: 'weights' | 'gradient'
      phase: null, // null | 'forward' | 'output-error' | 'backward' | 'update'
      t: 1,
      selected: null,
    };
    this.tiles = [];
    this.tileScale = 1;
    this.fullAt = 3; // the |w| drawn at full colour in the tiles
    this.nextTiles = [];
    this.gradTiles = [];
    this.layout = null;
    this.hover = null;
    canvas.addEventListener('pointermove', (e) => this.pointer(e, false));
    canvas.addEventListener('pointerdown', (e) => this.pointer(e, true));
    canvas.addEventListener('pointerleave', () => this.setHover(null));
    new ResizeObserver(() => this.draw()).observe(canvas.parentElement);
  }

  get hiddenCount() {
    return this.s.weights ? this.s.weights.b2.length : 0;
  }

  /** Merges `changes` into the view's state and redraws. */
  set(changes) {
    const s = this.s;
    Object.assign(s, changes);
    if ('weights' in changes && s.weights) [this.tileScale, this.fullAt] = weightScale(s.weights.w2);
    if ('weights' in changes) this.tiles = this.paintTiles(s.weights?.w2, this.tiles, this.tileScale);
    if ('nextWeights' in changes) this.nextTiles = this.paintTiles(s.nextWeights?.w2, this.nextTiles, this.tileScale);
    if ('gradient' in changes) {
      const g = s.gradient?.nablaW2;
      this.gradTiles = this.paintTiles(g, this.gradTiles, g ? 3 / maxAbs(g) : 1);
    }
    this.draw();
  }

  /** One small canvas per hidden neuron: its 784 values as a 28×28 picture. */
  paintTiles(rows, cache, scale) {
    if (!rows) return [];
    const h = rows.length / PIXELS;
    const out = cache.length === h ? cache : Array.from({ length: h }, tileCanvas);
    for (let j = 0; j < h; j++) {
      const ctx = out[j].getContext('2d');
      drawSigned(ctx, rows.subarray(j * PIXELS, (j + 1) * PIXELS), 0, 0, SIDE, scale);
    }
    return out;
  }

  computeLayout(width) {
    const h = this.hiddenCount;
    const margin = 16;
    const slot = Math.min(MAX_TILE + 8, (width - 2 * margin) / Math.max(h, 1));
    const tile = Math.max(6, Math.floor(slot - Math.max(2, slot * 0.14)));
    const rowWidth = slot * h;
    const x0 = (width - rowWidth) / 2 + (slot - tile) / 2;
    const tiles = Array.from({ length: h }, (_, j) => ({ x: x0 + j * slot, y: HIDDEN_TOP, size: tile }));
    const spacing = Math.min(84, (width - 2 * margin) / 10);
    const ox = (width - spacing * 9) / 2;
    const outputs = Array.from({ length: 10 }, (_, i) => ({ x: ox + i * spacing, y: OUTPUT_Y }));
    const input = { x: (width - INPUT_SIZE) / 2, y: INPUT_TOP, size: INPUT_SIZE };
    return { width, tiles, outputs, input, tile };
  }

  /** How far the current phase has got, for parts drawn from `phase` onwards. */
  reveal(phase) {
    const order = ['forward', 'output-error', 'backward', 'update'];
    const { phase: p, t } = this.s;
    if (p === null) return 1;
    const i = order.indexOf(p);
    const k = order.indexOf(phase);
    return i > k ? 1 : i === k ? t : 0;
  }

  draw() {
    const wrap = this.canvas.parentElement;
    const width = Math.max(320, Math.floor(wrap.clientWidth));
    const ctx = sharpContext(this.canvas, width, HEIGHT);
    const L = (this.layout = this.computeLayout(width));
    ctx.clearRect(0, 0, width, HEIGHT);
    if (!this.s.weights) return;
    const inStep = this.s.phase !== null;
    const forward = inStep ? this.reveal('forward') : 1;
    this.drawFan(ctx, L, forward);
    this.drawEdges(ctx, L);
    this.drawInput(ctx, L);
    this.drawTiles(ctx, L, forward);
    this.drawOutputs(ctx, L, forward);
  }

  drawInput(ctx, L) {
    const { input } = L;
    ctx.fillStyle = '#fff';
    ctx.strokeStyle = '#cfd4dc';
    ctx.lineWidth = 1;
    if (this.s.input) {
      drawDigit(ctx, this.s.input, input.x, input.y, input.size);
      ctx.strokeRect(input.x - 0.5, input.y - 0.5, input.size + 1, input.size + 1);
    } else {
      ctx.setLineDash([4, 4]);
      ctx.strokeRect(input.x, input.y, input.size, input.size);
      ctx.setLineDash([]);
    }
  }

  /** Faint lines from the input to every hidden neuron: all 784 pixels feed each one. */
  drawFan(ctx, L, forward) {
    const { input, tiles } = L;
    const a = this.s.hidden;
    ctx.lineWidth = 1;
    tiles.forEach((tile, j) => {
      const fromX = input.x + input.size * ((j + 0.5) / tiles.length);
      ctx.strokeStyle = a ? activationColor(a[j], RANGE) : '#c9ced6';
      ctx.globalAlpha = a ? 0.15 + 0.45 * forward * a[j] : 0.25;
      ctx.beginPath();
      ctx.moveTo(fromX, input.y + input.size + 2);
      ctx.lineTo(tile.x + tile.size / 2, tile.y - 5);
      ctx.stroke();
    });
    ctx.globalAlpha = 1;
  }

  /** w³_ij from hidden j to output i, as in the 2-D view; magenta |∂C/∂w³| when backpropagating. */
  drawEdges(ctx, L) {
    const { tiles, outputs } = L;
    const h = tiles.length;
    const { w3 } = this.s.weights;
    const g = this.s.gradient?.nablaW3;
    const back = this.s.phase ? this.reveal('backward') : 0;
    const showGrad = g && (this.s.phase === 'backward' || (this.s.phase === null && this.s.mode === 'gradient'));
    const gMax = g ? maxAbs(g) : 1;
    const w = this.s.phase === 'update' && this.s.nextWeights ? this.s.nextWeights.w3 : w3;
    const sel = this.s.selected ?? this.hover?.j ?? null;
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < h; j++) {
        const v = w[i * h + j];
        const from = tiles[j];
        const dim = sel !== null && sel !== j ? 0.25 : 1;
        if (showGrad) {
          const s = Math.abs(g[i * h + j]) / gMax;
          ctx.strokeStyle = gradientColor(Math.min(1, 0.08 + s) * (this.s.phase ? back : 1) * dim);
          ctx.lineWidth = 0.6 + 2.6 * s;
        } else {
          ctx.strokeStyle = weightColor(v);
          ctx.globalAlpha = (0.25 + 0.6 * weightStrength(v)) * dim;
          ctx.lineWidth = 0.4 + 2.2 * weightStrength(v);
        }
        ctx.beginPath();
        ctx.moveTo(from.x + from.size / 2, from.y + from.size + 14);
        ctx.lineTo(outputs[i].x, outputs[i].y - RADIUS - 2);
        ctx.stroke();
        ctx.globalAlpha = 1;
      }
    }
  }

  drawTiles(ctx, L, forward) {
    const { tiles } = L;
    const s = this.s;
    const back = s.phase ? this.reveal('backward') : 1;
    const update = s.phase === 'update' ? s.t : 0;
    const showGrad = s.gradient && (s.phase === 'backward' || (s.phase === null && s.mode === 'gradient'));
    const dHidden = s.deltaHidden;
    const dMax = dHidden ? maxAbs(dHidden) : 1;
    const sel = s.selected ?? this.hover?.j ?? null;
    tiles.forEach((tile, j) => {
      const { x, y, size } = tile;
      ctx.imageSmoothingEnabled = false;
      if (this.tiles[j]) ctx.drawImage(this.tiles[j], x, y, size, size);
      if (update > 0 && this.nextTiles[j]) {
        ctx.globalAlpha = update;
        ctx.drawImage(this.nextTiles[j], x, y, size, size);
      }
      if (showGrad && this.gradTiles[j]) {
        ctx.globalAlpha = s.phase === 'backward' ? back : 1;
        ctx.drawImage(this.gradTiles[j], x, y, size, size);
      }
      ctx.globalAlpha = 1;
      ctx.imageSmoothingEnabled = true;
      // The frame: activation a²_j; during backprop a magenta ring as thick as |δ²_j|.
      const frame = Math.max(2, Math.min(4, size / 10));
      if (s.hidden) {
        ctx.strokeStyle = activationColor(s.hidden[j], RANGE);
        ctx.globalAlpha = forward;
        ctx.lineWidth = frame;
        ctx.strokeRect(x - frame / 2, y - frame / 2, size + frame, size + frame);
        ctx.globalAlpha = 1;
      }
      if (showGrad && dHidden) {
        ctx.strokeStyle = gradientColor(back);
        ctx.lineWidth = 1 + 3 * (Math.abs(dHidden[j]) / dMax);
        ctx.strokeRect(x - frame - 2, y - frame - 2, size + 2 * frame + 4, size + 2 * frame + 4);
      }
      if (sel === j) {
        ctx.strokeStyle = '#1d2330';
        ctx.lineWidth = 1.5;
        ctx.strokeRect(x - frame - 3.5, y - frame - 3.5, size + 2 * frame + 7, size + 2 * frame + 7);
      }
      const every = size >= 16 ? 1 : size >= 8 ? 5 : 10;
      if ((j + 1) % every === 0 || every === 1) {
        ctx.fillStyle = '#5d6473';
        ctx.font = '10px system-ui, sans-serif';
        ctx.textAlign = 'center';
        ctx.fillText(String(j), x + size / 2, y + size + 12);
      }
    });
  }

  drawOutputs(ctx, L, forward) {
    const s = this.s;
    const err = s.phase ? this.reveal('output-error') : 1;
    const showErr = s.phase !== null || (s.mode === 'gradient' && s.gradient);
    const dOut = s.deltaOutput;
    const dMax = dOut ? maxAbs(dOut) : 1;
    const best = s.output ? argmax(s.output) : -1;
    L.outputs.forEach(({ x, y }, i) => {
      const a = s.output ? s.output[i] : null;
      ctx.beginPath();
      ctx.arc(x, y, RADIUS, 0, 2 * Math.PI);
      ctx.fillStyle = a === null ? '#eef0f3' : activationColor(a * forward, RANGE);
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
      if (dOut && err > 0 && showErr) {
        ctx.beginPath();
        ctx.arc(x, y, RADIUS + 4, 0, 2 * Math.PI);
        ctx.strokeStyle = gradientColor(err);
        ctx.lineWidth = 1 + 5 * (Math.abs(dOut[i]) / dMax);
        ctx.stroke();
      }
      if (a !== null) {
        ctx.fillStyle = a * forward > 0.55 ? '#1d2330' : '#f7f7f2';
        ctx.font = '10px system-ui, sans-serif';
        ctx.textAlign = 'center';
        ctx.fillText((a * forward).toFixed(2), x, y + 3.5);
      }
      ctx.font = `${i === best ? 700 : 500} 15px system-ui, sans-serif`;
      ctx.fillStyle = i === best ? '#1d2330' : '#5d6473';
      ctx.fillText(String(i), x, y + RADIUS + 20);
      if (s.label === i) {
        ctx.strokeStyle = '#1d2330';
        ctx.lineWidth = 1.2;
        ctx.strokeRect(x - 10, y + RADIUS + 5, 20, 21);
        ctx.font = '10px system-ui, sans-serif';
        ctx.fillStyle = '#5d6473';
        ctx.fillText('y = 1', x, y + RADIUS + 38);
      }
    });
  }

  /** The hidden neuron or output under a pointer event, if any. */
  hit(e) {
    const L = this.layout;
    if (!L) return null;
    const r = this.canvas.getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    const pad = 4;
    for (let j = 0; j < L.tiles.length; j++) {
      const t = L.tiles[j];
      if (px >= t.x - pad && px <= t.x + t.size + pad && py >= t.y - pad && py <= t.y + t.size + 14) {
        return { j, x: t.x + t.size / 2, y: t.y + t.size + 16 };
      }
    }
    for (let i = 0; i < 10; i++) {
      const o = L.outputs[i];
      if (Math.hypot(px - o.x, py - o.y) <= RADIUS + 4) return { i, x: o.x, y: o.y + RADIUS + 6 };
    }
    return null;
  }

  pointer(e, click) {
    const hit = this.hit(e);
    this.setHover(hit);
    if (click && hit?.j !== undefined) this.onSelect(hit.j);
  }

  setHover(hit) {
    const same = (a, b) => a?.j === b?.j && a?.i === b?.i;
    if (same(hit, this.hover)) return;
    this.hover = hit;
    this.canvas.classList.toggle('pointing', hit !== null);
    this.onHover(hit);
    this.draw();
  }
}

export function argmax(v) {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
