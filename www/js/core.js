// The wasm core, started as early as the page can. index.html runs this module by itself (an
// async module script): as soon as it and the glue have arrived, the 2-D module is fetched
// (its preload), compiled and instantiated, while main.js's other imports are still on their
// way. main.js imports this same module (a document holds one instance per URL), so `core` is
// that one promise, started once; it resolves to the module's exports, `memory` among them.
// The 2-D page takes the core without the digits trainer, which it never uses
// (scripts/build.sh builds it beside the full module and checks that this one glue drives both).
import init from '../pkg/nndl_backprop.js';

export const core = init({ module_or_path: new URL('../pkg/nndl_backprop_2d.wasm', import.meta.url) });
// main.js awaits `core` and reports a failure; until it does, a rejection is not unhandled.
core.catch(() => {});
