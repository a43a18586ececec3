// Each neuron's activation over the whole input plane as a small picture (a data: URL for an
// SVG <image>), cut from the one heatmap grid the page computes per change of weights.
// It shows which region of the plane lights a neuron up; the input neurons show x₁ and x₂.

import { activationRGB } from './colors.js';

const canvas = document.createElement('canvas');
const ctx = canvas.getContext('2d');
const inputCache = new Map();
/** Cells along a thumbnail's side (at most; every step-th cell of the grid). */
const THUMB = 25;

/** Paints value(col, row) ∈ [lo, hi] on a size × size picture and returns it as a PNG URL. */
function paint(size, value, [lo, hi]) {
  canvas.width = size;
  canvas.height = size;
  const img = ctx.createImageData(size, size);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const [r, g, b] = activationRGB((value(col, row) - lo) / (hi - lo));
      img.data.set([r, g, b, 255], (row * size + col) * 4);
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL('image/png');
}

/** Picture of neuron `index` (counting from the first neuron of layer 2) from state.heatmap. */
export function neuronMapURL({ res, grid }, index, range) {
  const step = Math.max(1, Math.floor(res / THUMB)); // a thumbnail needs no more
  const size = Math.floor(res / step);
  const offset = index * res * res;
  return paint(size, (col, row) => grid[offset + row * step * res + col * step], range);
}

/** x₁ grows to the right, x₂ upwards, over [−1, 1]. */
export function inputMapURL(j) {
  if (!inputCache.has(j)) {
    const size = 24;
    inputCache.set(j, paint(size, (col, row) => (j === 0 ? (col + 0.5) / size : 1 - (row + 0.5) / size) * 2 - 1, [-1, 1]));
  }
  return inputCache.get(j);
}
