//# allFunctionsCalledOnLoad
// A tiny seeded PRNG (mulberry32), so the same seed gives the same batches in every browser;
// the tests draw their reproducible junk from it too. Not for anything that needs real randomness.
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
