// What each playground setting may be, checked in one place for everything that arrives from
// outside the controls: a shared link (url-state.js) and an imported file (actions.js). A bad
// value is named in a message a person can act on and the current one is kept; it never
// reaches the trainer. The core checks again; these ranges also keep the page drawable.

/** What the page can draw and train at a comfortable speed (the settings panel's steppers too). */
export const LIMITS = Object.freeze({ hiddenLayers: 8, neurons: 16, outputs: 4 });

export const CHOICES = Object.freeze({
  dataset: ['xor', 'circle', 'gaussians', 'spiral'],
  activation: ['sigmoid', 'tanh', 'relu', 'linear'],
  cost: ['quadratic', 'crossEntropy'],
  init: ['standard', 'scaled'],
});

const MAX_SEED = Number.MAX_SAFE_INTEGER; // 2^53 − 1, as the core's seed limit

const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);
const whole = (min, max) => (v) => {
  if (!isNumber(v) || !Number.isInteger(v) || v < min || v > max) throw new Error(`must be a whole number from ${min} to ${max}`);
};
const between = (min, max) => (v) => {
  if (!isNumber(v) || v < min || v > max) throw new Error(`must be a number from ${min} to ${max}`);
};
const oneOf = (key) => (v) => {
  if (!CHOICES[key].includes(v)) throw new Error(`must be one of ${CHOICES[key].join(', ')}`);
};

/** Layer sizes this page can train and draw: 2 inputs, up to 8 hidden layers of 16, up to 4 outputs. */
export function checkSizes(sizes) {
  if (!Array.isArray(sizes) || sizes.length < 2 || sizes.some((n) => !isNumber(n) || !Number.isInteger(n) || n < 1)) {
    throw new Error('must be layer sizes like 2-6-3-1');
  }
  if (sizes[0] !== 2) throw new Error('must start with 2 inputs on this page');
  const hidden = sizes.slice(1, -1);
  if (hidden.length > LIMITS.hiddenLayers) throw new Error(`may have at most ${LIMITS.hiddenLayers} hidden layers on this page`);
  if (hidden.some((n) => n > LIMITS.neurons)) throw new Error(`may have at most ${LIMITS.neurons} neurons in a hidden layer on this page`);
  if (sizes.at(-1) > LIMITS.outputs) throw new Error(`may have at most ${LIMITS.outputs} output neurons on this page`);
}

const RULES = Object.freeze({
  dataset: oneOf('dataset'),
  // At least one training point for any share the page offers (10 × 0.1 = 1).
  points: whole(10, 10_000),
  noise: between(0, 1),
  trainShare: between(0.1, 0.9),
  dataSeed: whole(0, MAX_SEED),
  sizes: checkSizes,
  activation: oneOf('activation'),
  cost: oneOf('cost'),
  init: oneOf('init'),
  seed: whole(0, MAX_SEED),
  eta: (v) => {
    if (!isNumber(v) || v <= 0) throw new Error('must be a finite number > 0 (the learning rate η)');
  },
  m: whole(1, 10_000),
  lambda: (v) => {
    if (!isNumber(v) || v < 0) throw new Error('must be a finite number ≥ 0 (L2 λ)');
  },
});

/** True for the names of settings (own keys only: "__proto__" or "toString" are not settings). */
export const isSetting = (key) => Object.hasOwn(RULES, key);

/** Throws an Error saying what `value` must be when it is not a valid `key`. */
export function checkSetting(key, value) {
  if (!isSetting(key)) throw new Error('is not a setting');
  RULES[key](value);
}

/** A value for a message: short, one line, whatever it is (text from outside can be huge). */
export function shown(value, max = 40) {
  let s;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    s = Object.prototype.toString.call(value);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) s = String(value);
  s = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '�');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
