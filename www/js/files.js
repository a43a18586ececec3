// Export and import: the network (the DESIGN.md JSON format) plus the page's settings, as one
// JSON file, so an experiment can be kept, shared and reloaded exactly. A file is checked
// here before the core sees it (size, shape, what this page can draw); the core checks the rest.

import { checkSetting, checkSizes, isSetting, shown } from './settings-check.js';

export const FORMAT = 'nndl-backprop-playground/1';

/** Far above any network this page can draw (about 40 kB), far below what would hang a tab. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Settings the network itself decides: the file's network wins over its saved settings. */
const FROM_NETWORK = new Set(['sizes', 'activation', 'cost']);

/** The exported document for the current state. */
export function exportDocument(state) {
  return { format: FORMAT, network: state.net.toJSON(), settings: { ...state.settings }, step: state.step, epoch: state.epoch };
}

/** Offers `doc` as a file download (a blob: URL; nothing leaves the machine). */
export function download(doc, name = 'nndl-network.json') {
  const blob = new Blob([`${JSON.stringify(doc, null, 1)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The text of a chosen file, refusing one too large to be a playground network. */
export async function readText(file) {
  if (file.size > MAX_FILE_BYTES) {
    throw new Error(`the file is ${(file.size / 1048576).toFixed(1)} MB; a network this page can draw is far smaller (at most ${MAX_FILE_BYTES / 1048576} MB is read)`);
  }
  if (file.size === 0) throw new Error('the file is empty');
  return file.text();
}

/** The saved settings this page can use, and a note for each one it cannot (kept as they are). */
function usableSettings(saved, current) {
  const settings = {};
  const ignored = [];
  if (saved === undefined) return { settings, ignored };
  if (!isPlainObject(saved)) return { settings, ignored: [`settings = ${shown(saved)} (must be an object)`] };
  for (const [key, value] of Object.entries(saved)) {
    if (!isSetting(key) || FROM_NETWORK.has(key)) continue;
    try {
      checkSetting(key, value);
      settings[key] = value;
    } catch (err) {
      ignored.push(`${key} = ${shown(value)} ${err.message}, kept ${shown(current[key])}`);
    }
  }
  return { settings, ignored };
}

/**
 * { network, settings, ignored } from a file's text: our export, or a bare network object
 * { sizes, weights, biases, activation, cost }. `current` are the page's settings, named in
 * the notes on saved settings that cannot be used. The core validates the network itself.
 */
export function parseDocument(text, current = {}) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`the file is not JSON: ${err.message}`);
  }
  let network;
  let saved;
  if (isPlainObject(doc) && doc.format === FORMAT) {
    if (!isPlainObject(doc.network)) {
      throw new Error(`its "network" must be an object { sizes, weights, biases, activation, cost }, got ${shown(doc.network)}`);
    }
    network = doc.network;
    saved = doc.settings;
  } else if (isPlainObject(doc) && Object.hasOwn(doc, 'sizes')) {
    network = doc;
  } else if (isPlainObject(doc) && Object.hasOwn(doc, 'format')) {
    throw new Error(`its format is ${shown(doc.format)}; this page reads "${FORMAT}" or a bare network { sizes, weights, biases, activation, cost }`);
  } else {
    throw new Error('the file holds neither an exported playground nor a network { sizes, weights, biases, activation, cost }');
  }
  checkNetworkTypes(network);
  return { network, ...usableSettings(saved, current) };
}

/**
 * Throws naming `path` unless `v` is an array nested `depth` deep with numbers at the bottom,
 * none longer than `most` (so the core never copies a huge array it would only refuse).
 */
function numbersAt(v, path, depth, most) {
  if (v === undefined) throw new Error(`the network has no ${path}`);
  if (depth === 0) {
    if (typeof v !== 'number') throw new Error(`the network's ${path} must be a number, got ${shown(v)}`);
    return;
  }
  if (!Array.isArray(v)) throw new Error(`the network's ${path} must be an array, got ${shown(v)}`);
  if (v.length > most) throw new Error(`the network's ${path} holds ${v.length} entries; its sizes allow at most ${most}`);
  v.forEach((x, i) => numbersAt(x, `${path}[${i}]`, depth - 1, most));
}

/**
 * Checked before the core builds anything: sizes this page can draw (so a huge network is
 * refused at once), and the JSON types of each field, named by their place (the core's type
 * errors do not say where). Finiteness, shapes and names are the core's to check.
 */
function checkNetworkTypes(network) {
  try {
    checkSizes(network.sizes);
  } catch (err) {
    throw new Error(network.sizes === undefined ? 'the network has no sizes' : `the network's sizes ${shown(network.sizes)} ${err.message}`);
  }
  const most = Math.max(network.sizes.length, ...network.sizes);
  numbersAt(network.weights, 'weights', 3, most);
  numbersAt(network.biases, 'biases', 2, most);
  for (const key of ['activation', 'cost']) {
    if (network[key] === undefined) throw new Error(`the network has no ${key}`);
    if (typeof network[key] !== 'string') throw new Error(`the network's ${key} must be a name, got ${shown(network[key])}`);
  }
}
