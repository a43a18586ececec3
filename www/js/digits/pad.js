// The drawing pad: pointer events (mouse, pen and finger alike) draw round strokes; after each
// change the drawing is read back at INK_SIDE × INK_SIDE as ink in [0, 1] and handed to
// onInk(ink, side). The Rust core then scales and centres it like an MNIST digit.

import { sharpContext } from './images.js';

const INK_SIDE = 112;
const SIZE = 220; // CSS pixels, as in digits.css
const INK = '#1d2330';

export class Pad {
  constructor(canvas, { onInk }) {
    this.canvas = canvas;
    this.onInk = onInk;
    this.strokes = []; // each a list of points in [0, 1]²
    this.drawing = null;
    this.size = SIZE;
    this.ctx = sharpContext(canvas, SIZE, SIZE);
    this.reader = document.createElement('canvas');
    this.reader.width = INK_SIDE;
    this.reader.height = INK_SIDE;
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', (e) => this.up(e));
    canvas.addEventListener('pointercancel', (e) => this.up(e));
    this.redraw();
  }

  get empty() {
    return this.strokes.length === 0;
  }

  point(e) {
    const r = this.canvas.getBoundingClientRect();
    return [(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height];
  }

  down(e) {
    if (e.button !== undefined && e.button > 0) return;
    e.preventDefault();
    this.canvas.setPointerCapture?.(e.pointerId);
    this.drawing = [this.point(e)];
    this.strokes.push(this.drawing);
    this.redraw();
    this.changed();
  }

  move(e) {
    if (!this.drawing) return;
    e.preventDefault();
    const events = e.getCoalescedEvents?.() ?? [e];
    for (const ev of events) this.drawing.push(this.point(ev));
    this.redraw();
    this.changed();
  }

  up() {
    this.drawing = null;
  }

  clear() {
    this.strokes = [];
    this.drawing = null;
    this.redraw();
    this.changed();
  }

  /** Paints the strokes at `size` into `ctx` (pen width ∝ size, like a marker on paper). */
  paint(ctx, size, background) {
    ctx.clearRect(0, 0, size, size);
    if (background) {
      ctx.fillStyle = background;
      ctx.fillRect(0, 0, size, size);
    }
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = size * 0.09;
    for (const s of this.strokes) {
      ctx.beginPath();
      ctx.moveTo(s[0][0] * size, s[0][1] * size);
      if (s.length === 1) {
        ctx.arc(s[0][0] * size, s[0][1] * size, ctx.lineWidth / 2, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      for (const [x, y] of s.slice(1)) ctx.lineTo(x * size, y * size);
      ctx.stroke();
    }
  }

  redraw() {
    if (!this.ctx) return;
    this.paint(this.ctx, this.size, '#fff');
    // A faint cross marks the centre, where the digit's mass will be put.
    const c = this.size / 2;
    this.ctx.strokeStyle = 'rgba(29, 35, 48, 0.12)';
    this.ctx.lineWidth = 1;
    this.ctx.beginPath();
    this.ctx.moveTo(c - 8, c);
    this.ctx.lineTo(c + 8, c);
    this.ctx.moveTo(c, c - 8);
    this.ctx.lineTo(c, c + 8);
    this.ctx.stroke();
  }

  /** The drawing as INK_SIDE² ink values (the alpha of the strokes on a clear canvas). */
  ink() {
    const ctx = this.reader.getContext('2d', { willReadFrequently: true });
    this.paint(ctx, INK_SIDE, null);
    const rgba = ctx.getImageData(0, 0, INK_SIDE, INK_SIDE).data;
    const out = new Float32Array(INK_SIDE * INK_SIDE);
    for (let p = 0; p < out.length; p++) out[p] = rgba[p * 4 + 3] / 255;
    return out;
  }

  changed() {
    this.onInk(this.ink(), INK_SIDE);
  }
}
