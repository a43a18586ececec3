// Which build of the wasm core to load: the relaxed-SIMD one (fused multiply-adds) where the
// browser validates relaxed SIMD, else the plain one. Why, and what differs: README.md.

// A module whose one function returns f64x2.relaxed_madd of three zero vectors.
const ZERO = [0xfd, 0x0c, ...new Array(16).fill(0)]; // v128.const 0
const BODY = [0x00, ...ZERO, ...ZERO, ...ZERO, 0xfd, 0x87, 0x02, 0x0b]; // f64x2.relaxed_madd, end
export const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // \0asm, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, BODY.length + 2, 0x01, BODY.length, ...BODY, // code section
]);

/** www/pkg/`name`.wasm, or `name`_relaxed.wasm when `validate` says true of the probe. */
function pick(name, validate) {
  let relaxed = false;
  try {
    relaxed = validate(RELAXED_PROBE) === true;
  } catch {}
  return new URL(`../pkg/${name}${relaxed ? '_relaxed' : ''}.wasm`, import.meta.url);
}

const browser = (bytes) => WebAssembly.validate(bytes);

/** The digits worker's core, the whole module. */
export const coreUrl = (validate = browser) => pick('nndl_backprop_bg', validate);

/** The 2-D page's core, without the digits trainer. */
export const pageCoreUrl = (validate = browser) => pick('nndl_backprop_2d', validate);

/** The glue's `init` on the build `urlFor` picks, or on the plain one should that fail to load. */
export function initCore(init, urlFor) {
  const url = urlFor();
  return init({ module_or_path: url }).catch((err) => {
    const plain = urlFor(() => false);
    if (url.href === plain.href) throw err;
    return init({ module_or_path: plain });
  });
}
