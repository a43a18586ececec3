// sgdStepOn's options ({ lambda, n }) as the page's modules read them, through
// www/js/step-options.js (one call into JS each; see src/wasm/dataset.rs): every options value
// sgdStep accepts gives the same step, bit for bit, and every one it refuses gets the same
// message and leaves the network as it was; so does every learning rate. Run in Node on the built www/pkg/ (the --target web
// glue instantiates from bytes there too, and imports step-options.js beside the page's code).
// The wasm tests (tests/wasm.rs) hold the other reading, through Reflect, to the same lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WWW_ROOT } from './harness.mjs';

const GLUE = join(WWW_ROOT, 'pkg', 'nndl_backprop.js');
const MODULES = ['nndl_backprop_2d.wasm', 'nndl_backprop_bg.wasm'];
const built = existsSync(GLUE) && MODULES.every((m) => existsSync(join(WWW_ROOT, 'pkg', m)));

const throwing = {
  get n() {
    throw new Error('no n here');
  },
};

/** Options both readings accept: none, empty, either number alone, both, a getter. */
const ACCEPTED = [
  undefined,
  null,
  {},
  { n: 7 },
  { lambda: 0.5 },
  { lambda: 0.25, n: 50 },
  [],
  { get n() { return 9; } },
  throwing,
];
/** Options both refuse, each with its own message. */
const REFUSED = [
  5,
  'fast',
  true,
  () => ({ n: 3 }),
  { n: 0 },
  { n: -0 },
  { n: 2.5 },
  { n: '3' },
  { n: null },
  { n: NaN },
  { n: Infinity },
  { n: 1e9 },
  { n: 3n },
  { lambda: 'x' },
  { lambda: null, n: 3 },
  { lambda: NaN },
  { lambda: -1 },
  { lambda: Infinity },
];

for (const file of MODULES) {
  test(`${file}: sgdStepOn reads its options as sgdStep does`, { skip: !built && 'run scripts/build.sh first' }, async () => {
    const M = await import(`${pathToFileURL(GLUE).href}?${file}`);
    await M.default({ module_or_path: readFileSync(join(WWW_ROOT, 'pkg', file)) });
    const xs = Float64Array.from([0.5, -0.25, -0.1, 0.9, 0.3, 0.3]);
    const ys = Float64Array.from([1, 0, 0, 1, 1, 1]);
    const data = M.Dataset.fromFlat(xs, ys, 2, 2);
    const batch = [{ x: [0.5, -0.25], y: [1, 0] }, { x: [-0.1, 0.9], y: [0, 1] }, { x: [0.3, 0.3], y: [1, 1] }];
    const indices = Uint32Array.from([0, 1, 2]);
    const fresh = () => M.Network.random({ sizes: [2, 3, 2], seed: 4 });
    const snapshot = (net) => JSON.stringify(net.toJSON());
    // The message of the Error fn throws (never a wasm trap); a call that returns fails as `what`.
    const message = (fn, what) => {
      try {
        fn();
      } catch (err) {
        assert.ok(err instanceof Error && !(err instanceof WebAssembly.RuntimeError), String(err));
        return err.message;
      }
      assert.fail(`${what}: accepted`);
    };
    for (const [i, options] of ACCEPTED.entries()) {
      const [a, b] = [fresh(), fresh()];
      for (let step = 0; step < 3; step++) {
        const cost = a.sgdStepOn(data, indices, 0.5, options);
        assert.equal(cost, b.sgdStep(batch, 0.5, options).cost, `accepted #${i}: cost`);
      }
      assert.equal(snapshot(a), snapshot(b), `accepted #${i}: network`);
      a.free();
      b.free();
    }
    for (const [i, options] of REFUSED.entries()) {
      const [a, b] = [fresh(), fresh()];
      const before = snapshot(a);
      const on = message(() => a.sgdStepOn(data, indices, 0.5, options), `refused #${i}`);
      assert.equal(on, message(() => b.sgdStep(batch, 0.5, options), `refused #${i}`), `refused #${i}`);
      assert.equal(snapshot(a), before, `refused #${i} changed the network`);
      // The network still steps afterwards.
      assert.ok(Number.isFinite(a.sgdStepOn(data, indices, 0.5, { n: 3 })));
      a.free();
      b.free();
    }
    // The learning rate, read through step-options.js as well: accepted and refused as sgdStep
    // does, with its message.
    for (const eta of [0.5, 3, 1e-9, 1e300]) {
      const [a, b] = [fresh(), fresh()];
      assert.equal(a.sgdStepOn(data, indices, eta), b.sgdStep(batch, eta).cost, `η = ${eta}: cost`);
      assert.equal(snapshot(a), snapshot(b), `η = ${eta}: network`);
      a.free();
      b.free();
    }
    for (const eta of ['0.5', 'fast', null, undefined, {}, [0.5], true, 0, -1, NaN, Infinity, -0, 10n, Symbol('η')]) {
      const [a, b] = [fresh(), fresh()];
      const before = snapshot(a);
      const what = `η = ${String(eta)}`;
      const on = message(() => a.sgdStepOn(data, indices, eta, { n: 3 }), what);
      assert.match(on, /learning rate eta must be a/);
      assert.equal(on, message(() => b.sgdStep(batch, eta, { n: 3 }), what), what);
      assert.equal(snapshot(a), before, `η = ${String(eta)} changed the network`);
      a.free();
      b.free();
    }
  });
}
