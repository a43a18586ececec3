// The wasm core, started as early as the page can: index.html runs this module by itself (an
// async module script), so the 2-D module is fetched, compiled and instantiated while
// main.js's other imports are still on their way. main.js imports this same instance: `core`
// is that one promise, resolving to the module's exports. The build is the 2-D core (without
// the digits trainer) that core-url.js picks; should the relaxed-SIMD one fail to load (a
// server without it), the plain one still can.
import init from '../pkg/nndl_backprop.js';
import { initCore, pageCoreUrl } from './core-url.js';

export const core = initCore(init, pageCoreUrl);
// main.js awaits `core` and reports a failure; until it does, a rejection is not unhandled.
core.catch(() => {});
