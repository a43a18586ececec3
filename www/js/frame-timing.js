//# allFunctionsCalledOnLoad
// How long each part of a frame took, kept for the browser benchmark (bench/browser.mjs) and
// read through window.__app.timings. Always on: two performance.now() calls per timed part,
// and a fixed-size ring per part, so a long Play session never grows it.

const KEEP = 600;
const rings = new Map();

/** Records that part `name` took `ms` milliseconds, ending now. */
export function record(name, ms) {
  let ring = rings.get(name);
  if (!ring) rings.set(name, (ring = []));
  ring.push({ at: performance.now(), ms });
  if (ring.length > KEEP) ring.splice(0, ring.length - KEEP);
}

/** fn wrapped so that each call is recorded under `name`. */
export function timed(name, fn) {
  return (...args) => {
    const t0 = performance.now();
    try {
      return fn(...args);
    } finally {
      record(name, performance.now() - t0);
    }
  };
}

/** { name: [{ at, ms }, …] } for the last KEEP calls of each part (copies). */
export function timings() {
  return Object.fromEntries([...rings].map(([name, ring]) => [name, ring.slice()]));
}
