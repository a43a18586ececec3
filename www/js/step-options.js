// The learning rate and the options of Network.sgdStepOn, { lambda, n }, read for the wasm core
// with one call into JS each (about four each through Reflect: a get, a check for undefined, a
// read of the number, and a slot in wasm-bindgen's table for the value in between). A number, or
// the default when the option is absent, comes back as it is; anything else as NaN, which sends
// the core to its full reading, which accepts or refuses the value and names the fault
// (src/wasm/dataset.rs; the glue imports this file, scripts/build.sh's feature js-options).

/** A number as it is, undefined as `absent`, anything else as NaN. */
const number = (value, absent) => (value === undefined ? absent : typeof value === 'number' ? value : NaN);

/** The learning rate η: a number as it is, anything else NaN (for the core's full reading). */
export function stepEta(eta) {
  return typeof eta === 'number' ? eta : NaN;
}

// Each reads its own property by name: one function for both, options[key] was a megamorphic
// keyed load in V8 (1 % of a [2,8,8,8,1] step in Chromium's profile).
export function stepLambda(options) {
  if (options === undefined || options === null) return 0;
  if (typeof options !== 'object') return NaN;
  try {
    return number(options.lambda, 0);
  } catch {
    // As the full reading does: a getter that throws counts as an absent option.
    return 0;
  }
}

export function stepN(options, defaultN) {
  if (options === undefined || options === null) return defaultN;
  if (typeof options !== 'object') return NaN;
  try {
    return number(options.n, defaultN);
  } catch {
    return defaultN;
  }
}
