// The settings and seeds in the page's URL, so a link reproduces the same data, the same
// initial network and the same run (batches are shuffled from the seed too). Parsing is
// forgiving: a bad parameter is reported and the default used instead.

import { DEFAULT_SETTINGS } from './state.js';

// URL parameter ↔ settings key, and how to read each one.
const FIELDS = [
  ['data', 'dataset', 'name'],
  ['points', 'points', 'int'],
  ['noise', 'noise', 'number'],
  ['train', 'trainShare', 'number'],
  ['dseed', 'dataSeed', 'int'],
  ['sizes', 'sizes', 'sizes'],
  ['act', 'activation', 'name'],
  ['cost', 'cost', 'name'],
  ['init', 'init', 'name'],
  ['seed', 'seed', 'int'],
  ['eta', 'eta', 'number'],
  ['m', 'm', 'int'],
  ['lambda', 'lambda', 'number'],
];

const CHOICES = {
  dataset: ['xor', 'circle', 'gaussians', 'spiral'],
  activation: ['sigmoid', 'tanh', 'relu', 'linear'],
  cost: ['quadratic', 'crossEntropy'],
  init: ['standard', 'scaled'],
};

function parse(kind, key, text) {
  if (kind === 'name') {
    if (!CHOICES[key].includes(text)) throw new Error(`must be one of ${CHOICES[key].join(', ')}`);
    return text;
  }
  if (kind === 'sizes') {
    const sizes = text.split('-').map(Number);
    if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('must be layer sizes like 2-6-3-1');
    if (sizes[0] !== 2) throw new Error('must start with 2 inputs on this page');
    return sizes;
  }
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new Error('must be a number');
  if (kind === 'int' && !Number.isInteger(n)) throw new Error('must be a whole number');
  return n;
}

/** { settings, errors } from a query string; unknown parameters are ignored. */
export function settingsFromQuery(search) {
  const params = new URLSearchParams(search);
  const patch = {};
  const errors = [];
  for (const [param, key, kind] of FIELDS) {
    if (!params.has(param)) continue;
    const text = params.get(param);
    try {
      patch[key] = parse(kind, key, text);
    } catch (err) {
      errors.push(`URL parameter ${param}=${JSON.stringify(text)} ${err.message}; using ${JSON.stringify(DEFAULT_SETTINGS[key])}`);
    }
  }
  return { patch, errors };
}

/** The query string for `settings`, listing only what differs from the defaults. */
export function queryFromSettings(settings) {
  const params = new URLSearchParams();
  for (const [param, key] of FIELDS) {
    const v = settings[key];
    const d = DEFAULT_SETTINGS[key];
    if (JSON.stringify(v) === JSON.stringify(d)) continue;
    params.set(param, Array.isArray(v) ? v.join('-') : String(v));
  }
  const q = params.toString();
  return q ? `?${q}` : '';
}
