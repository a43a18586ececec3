// The settings and seeds in the page's URL, so a link reproduces the same data, the same
// initial network and the same run (batches are shuffled from the seed too). Parsing is
// forgiving: a bad parameter is reported and the default used instead.

import { t } from './i18n.js';
import { checkSetting, shown } from './settings-check.js';
import { DEFAULT_SETTINGS } from './state.js';

// URL parameter ↔ settings key, and how to read each one.
const FIELDS = [
  ['data', 'dataset', 'name'],
  ['points', 'points', 'number'],
  ['noise', 'noise', 'number'],
  ['train', 'trainShare', 'number'],
  ['dseed', 'dataSeed', 'number'],
  ['sizes', 'sizes', 'sizes'],
  ['act', 'activation', 'name'],
  ['cost', 'cost', 'name'],
  ['init', 'init', 'name'],
  ['seed', 'seed', 'number'],
  ['eta', 'eta', 'number'],
  ['m', 'm', 'number'],
  ['lambda', 'lambda', 'number'],
];

/** Longer than any value the page writes (a seed is 16 digits, sizes at most 2-16-…-4). */
const MAX_TEXT = 80;

/** The text of one parameter as a value; settings-check.js then says whether it may be used. */
function parse(kind, text) {
  if (text.length > MAX_TEXT) throw new Error(`is too long (${text.length} characters)`);
  if (kind === 'name') return text;
  if (kind === 'sizes') return text.split('-').map((n) => (/^\d{1,6}$/.test(n) ? Number(n) : NaN));
  // Number() also reads "0x10", "1e3" and "" (as 0); a link only ever holds plain decimals.
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text.trim())) throw new Error('must be a number');
  return Number(text);
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
      const value = parse(kind, text);
      checkSetting(key, value);
      patch[key] = value;
    } catch (err) {
      errors.push(`${param}=${shown(text)} ${err.message}; using ${shown(DEFAULT_SETTINGS[key])}`);
    }
  }
  return { patch, errors };
}

/** One message for the problems settingsFromQuery found: what the page did, then one line each. */
export function linkProblems(errors) {
  return `${t('linkIgnored')}\n${errors.map((e) => `• ${e}`).join('\n')}`;
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
