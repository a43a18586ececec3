// Which build of the digits page's wasm core to load. Both are the same Rust code; one is
// compiled with relaxed SIMD, whose f64x2.relaxed_madd is one fused multiply-add where the
// CPU has them (x86-64 with FMA, ARM64), so a [784,30,10] training step runs ≈ 23 % fewer
// instructions in V8 (BENCHMARKS.md). A browser without relaxed SIMD gets the plain build.
// The two can differ in the last bits of a sum (one rounding instead of two), far below the
// 1e-12 every result is held to.

// A module whose one function returns f64x2.relaxed_madd of three zero vectors: it
// validates exactly where relaxed SIMD is supported.
const ZERO = [0xfd, 0x0c, ...new Array(16).fill(0)]; // v128.const 0
const BODY = [0x00, ...ZERO, ...ZERO, ...ZERO, 0xfd, 0x87, 0x02, 0x0b]; // f64x2.relaxed_madd, end
export const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // \0asm, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, BODY.length + 2, 0x01, BODY.length, ...BODY, // code section
]);

/** The URL of the core to load: the relaxed-SIMD build when `validate` accepts the probe. */
export function coreUrl(validate = (bytes) => WebAssembly.validate(bytes)) {
  let relaxed = false;
  try {
    relaxed = validate(RELAXED_PROBE) === true;
  } catch {
    relaxed = false;
  }
  const file = relaxed ? 'nndl_backprop_bg_relaxed.wasm' : 'nndl_backprop_bg.wasm';
  return new URL(`../../pkg/${file}`, import.meta.url);
}
