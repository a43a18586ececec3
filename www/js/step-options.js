// The options of Network.sgdStepOn, { lambda, n }, read for the wasm core with one call into JS
// each (about four each through Reflect: a get, a check for undefined, a read of the number, and
// a slot in wasm-bindgen's table for the value in between). A number, or the default when the
// option is absent, comes back as it is; anything else as NaN, which sends the core to its full
// reading, which accepts or refuses the options and names the fault (src/wasm/dataset.rs,
// `step_options_per_step`; the glue imports this file, scripts/build.sh's feature js-options).

/** options[key] when it is a number, `absent` when it is undefined (or options is), else NaN. */
function option(options, key, absent) {
  if (options === undefined || options === null) return absent;
  if (typeof options !== 'object') return NaN;
  let value;
  try {
    value = options[key];
  } catch {
    // As the full reading does: a getter that throws counts as an absent option.
    return absent;
  }
  if (value === undefined) return absent;
  return typeof value === 'number' ? value : NaN;
}

export const stepLambda = (options) => option(options, 'lambda', 0);
export const stepN = (options, defaultN) => option(options, 'n', defaultN);
