//# allFunctionsCalledOnLoad
// The page's three colour scales, used by every view and legend so a colour means one thing:
// activation a (sequential, dark → bright, colour-blind safe), weight/bias sign and size
// (diverging: vermilion < 0, neutral grey near 0, teal > 0), and gradient size (magenta).

// A cividis-like ramp: equal steps look equally different, and it survives colour blindness.
const ACTIVATION_STOPS = [
  [0, 32, 77],
  [49, 68, 107],
  [102, 105, 112],
  [149, 143, 120],
  [203, 186, 105],
  [255, 233, 69],
];
const NEGATIVE = [208, 88, 58];
const POSITIVE = [27, 127, 121];
const NEUTRAL = [214, 218, 224];
export const GRADIENT = [181, 23, 158];

const css = ([r, g, b], alpha = 1) =>
  alpha >= 1 ? `rgb(${r | 0}, ${g | 0}, ${b | 0})` : `rgba(${r | 0}, ${g | 0}, ${b | 0}, ${alpha.toFixed(3)})`;
const mix = (p, q, t) => [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t, p[2] + (q[2] - p[2]) * t];
// NaN (a heatmap cell of a network gone to ±∞) falls to 0 instead of breaking the lookup.
const clamp01 = (t) => (t > 1 ? 1 : t >= 0 ? t : 0);

/** RGB of the activation scale at t ∈ [0, 1]. */
export function activationRGB(t) {
  const u = clamp01(t) * (ACTIVATION_STOPS.length - 1);
  const i = Math.min(Math.floor(u), ACTIVATION_STOPS.length - 2);
  return mix(ACTIVATION_STOPS[i], ACTIVATION_STOPS[i + 1], u - i);
}

/** The range an activation function's values are drawn over (the legend shows it). */
export function activationRange(name) {
  switch (name) {
    case 'tanh':
    case 'linear':
      return [-1, 1];
    case 'relu':
      return [0, 2];
    default:
      return [0, 1];
  }
}

export const activationColor = (a, [lo, hi]) => css(activationRGB((a - lo) / (hi - lo)));

/** Text that stays legible on an activation fill. */
export const activationInk = (a, [lo, hi]) => ((a - lo) / (hi - lo) > 0.55 ? '#1d2330' : '#f7f7f2');

/**
 * Weight magnitude → 0..1. tanh keeps small weights apart and makes every |w| ≳ 3 look
 * equally strong, which is what a learner needs to see on a sigmoid network.
 */
export const weightStrength = (w) => Math.tanh(Math.abs(w) / 1.5);

/** RGB of a weight of sign `negative` and strength s (weightStrength) on the diverging scale. */
export const strengthRGB = (negative, s) => mix(NEUTRAL, negative ? NEGATIVE : POSITIVE, s);

export function weightRGB(w) {
  return strengthRGB(w < 0, weightStrength(w));
}
export const weightColor = (w) => css(weightRGB(w));

export const gradientColor = (alpha = 1) => css(GRADIENT, alpha);

/** The class colours on the plane are the activation scale's ends: a^L ≈ y means "right". */
export const classColor = (label) => css(activationRGB(label ? 1 : 0));

/** Heatmap cells are the activation colour washed towards white, so points stand out. */
export function heatmapRGB(t, wash = 0.45) {
  return mix(activationRGB(t), [255, 255, 255], wash);
}

/** Paints a horizontal legend bar for `scale(t)` (t from 0 to 1) into a canvas. */
export function paintLegend(canvas, scale) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  for (let x = 0; x < width; x++) {
    ctx.fillStyle = scale(x / (width - 1));
    ctx.fillRect(x, 0, 1, height);
  }
}

export const legendScales = {
  activation: (t) => css(activationRGB(t)),
  weight: (t) => weightColor((t * 2 - 1) * 4),
  gradient: (t) => css(mix([246, 246, 248], GRADIENT, t)),
};
