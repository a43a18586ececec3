#!/usr/bin/env node
// Checks that the wasm-bindgen output (after wasm-opt) still validates, compiles and
// instantiates through its generated --target web glue, outside a browser.
//   node scripts/check-wasm.mjs www/pkg/nndl_backprop.js www/pkg/nndl_backprop_bg.wasm
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';

const [glue = 'www/pkg/nndl_backprop.js', wasm = 'www/pkg/nndl_backprop_bg.wasm'] = process.argv.slice(2);
const bytes = readFileSync(wasm);
// Node before 22 has relaxed SIMD behind a flag; set it for the relaxed-SIMD build only.
if (!WebAssembly.validate(bytes) && wasm.includes('relaxed')) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
if (!WebAssembly.validate(bytes)) {
  console.error(`check-wasm: ${wasm} does not validate`);
  process.exit(1);
}
try {
  const mod = await import(pathToFileURL(resolve(glue)).href);
  const exports = await mod.default({ module_or_path: bytes });
  const names = Object.keys(mod).filter((k) => k !== 'default' && k !== 'initSync');
  if (!(exports?.memory instanceof WebAssembly.Memory)) throw new Error('init() returned no wasm memory');
  console.log(`check-wasm: ${wasm} loads (${bytes.length} bytes; JS exports: ${names.join(', ') || 'none'})`);
} catch (err) {
  console.error(`check-wasm: instantiating ${wasm} through ${glue} failed: ${err?.stack ?? err}`);
  process.exit(1);
}
