// Export and import: the network (the DESIGN.md JSON format) plus the page's settings, as one
// JSON file, so an experiment can be kept, shared and reloaded exactly.

export const FORMAT = 'nndl-backprop-playground/1';

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

/**
 * { network, settings } from a file's text: our export, or a bare network object
 * { sizes, weights, biases, activation, cost }. The core validates the network itself.
 */
export function parseDocument(text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`the file is not JSON: ${err.message}`);
  }
  if (doc && typeof doc === 'object' && doc.format === FORMAT) return { network: doc.network, settings: doc.settings ?? {} };
  if (doc && typeof doc === 'object' && Array.isArray(doc.sizes)) return { network: doc, settings: {} };
  throw new Error('the file holds neither an exported playground nor a network { sizes, weights, biases, activation, cost }');
}
