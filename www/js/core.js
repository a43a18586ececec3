// Starts the wasm core loading the moment the page's modules begin to run: main.js imports
// this module first, so the module is compiled while the other modules are still being
// evaluated, rather than after them. The 2-D page takes the core without the digits trainer,
// which it never uses (scripts/build.sh builds it beside the full module and checks that
// this one glue drives both).

import init from '../pkg/nndl_backprop.js';

/** Resolves to the instantiated core's exports (`memory` among them) once it is ready. */
export const core = init({ module_or_path: new URL('../pkg/nndl_backprop_2d.wasm', import.meta.url) });
