// 28×28 pictures on a canvas: a digit (its pixels are the inputs a¹ = x, drawn in the
// activation scale), and 784 weights or gradients (drawn in the weight scale: teal > 0,
// vermilion < 0). Each is painted into one small 28×28 canvas and scaled up without
// smoothing, so every pixel stays a crisp square.

import { activationRGB, weightRGB } from '../colors.js';
import { SIDE, PIXELS } from './data.js';

const scratch = document.createElement('canvas');
scratch.width = SIDE;
scratch.height = SIDE;
const scratchCtx = scratch.getContext('2d');
const imageData = scratchCtx.createImageData(SIDE, SIDE);

// The activation scale at 256 levels, so a byte pixel is one lookup.
const ACTIVATION_LUT = Array.from({ length: 256 }, (_, v) => activationRGB(v / 255));

function blit(ctx, x, y, size) {
  scratchCtx.putImageData(imageData, 0, 0);
  const smoothing = ctx.imageSmoothingEnabled;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, x, y, size, size);
  ctx.imageSmoothingEnabled = smoothing;
}

function put(p, [r, g, b]) {
  const d = imageData.data;
  d[p * 4] = r;
  d[p * 4 + 1] = g;
  d[p * 4 + 2] = b;
  d[p * 4 + 3] = 255;
}

/** A digit: `pixels` are 784 bytes (0–255) or 784 numbers in [0, 1]. */
export function drawDigit(ctx, pixels, x, y, size) {
  const bytes = pixels instanceof Uint8Array;
  for (let p = 0; p < PIXELS; p++) {
    const v = bytes ? pixels[p] : Math.round(Math.min(Math.max(pixels[p], 0), 1) * 255);
    put(p, ACTIVATION_LUT[v]);
  }
  blit(ctx, x, y, size);
}

/**
 * 784 weights (or gradients) sign-coloured. `scale` multiplies each value before colouring:
 * 1 for weights (so a colour means the same weight everywhere on the page), and
 * 3 / max|g| for a gradient, whose own largest value then shows at full strength.
 */
export function drawSigned(ctx, values, x, y, size, scale = 1) {
  for (let p = 0; p < PIXELS; p++) put(p, weightRGB(values[p] * scale));
  blit(ctx, x, y, size);
}

/**
 * drawSigned's scale for a layer's weight pictures: a weight 3 × the layer's mean |w| away
 * from 0 shows at (nearly) full colour. N(0, 1) weights then look as they would unscaled,
 * and the small N(0, 1/n_in) ones still show their pattern. Returns [scale, fullAt].
 */
export function weightScale(values) {
  let sum = 0;
  for (const v of values) sum += Math.abs(v);
  const mean = sum / Math.max(values.length, 1) || 1;
  return [1 / mean, 3 * mean];
}

/** The largest |v|, for drawSigned's scale (1 when all are 0). */
export function maxAbs(values) {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m || 1;
}

/** The width inside an element's padding: what a child canvas of width 100% gets. */
export function contentWidth(el) {
  const cs = getComputedStyle(el);
  return el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
}

/** A canvas whose backing store matches the device pixel ratio; returns its 2-D context. */
export function sharpContext(canvas, cssWidth, cssHeight) {
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  canvas.width = Math.round(cssWidth * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}
