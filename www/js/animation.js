// Time: the four phases of one animated Step (forward pass, output error, backpropagation,
// update) and Play, which trains continuously with the animation off. Each frame it sets the
// phase, layer and progress in the state; the views draw whatever those say.

import { record } from './frame-timing.js';

/** The phases of one step for a network with L layers, in the order the chapter gives them. */
export function stepSegments(L) {
  const segs = [];
  for (let l = 2; l <= L; l++) segs.push({ phase: 'forward', layer: l, eq: 'eq25', ms: 650 });
  segs.push({ phase: 'output-error', layer: L, eq: 'BP1', ms: 900 });
  for (let l = L; l >= 2; l--) {
    segs.push({ phase: 'backward', layer: l, eq: 'BP4', ms: 700 });
    if (l > 2) segs.push({ phase: 'backward', layer: l - 1, eq: 'BP2', ms: 700 });
  }
  segs.push({ phase: 'update', layer: null, eq: 'SGD', ms: 1300 });
  return segs;
}

const ease = (p) => (p < 0.5 ? 2 * p * p : 1 - (-2 * p + 2) ** 2 / 2);
const lerp = (a, b, p) => (Array.isArray(a) ? a.map((v, i) => lerp(v, b[i], p)) : a + (b - a) * p);

export function createAnimator(store, trainer, { onError }) {
  const { state } = store;
  const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');
  let run = null; // { segs, index, elapsed, last } while a step is being animated
  let frame = 0;
  let playFrame = 0;

  function enter(seg, p) {
    const patch = { phase: seg.phase, phaseLayer: seg.layer, phaseEq: seg.eq, phaseProgress: p };
    if (seg.phase === 'update') {
      const { before, after } = state.last;
      patch.display = { weights: lerp(before.weights, after.weights, ease(p)), biases: lerp(before.biases, after.biases, ease(p)) };
    }
    store.set(patch);
  }

  function finish() {
    cancelAnimationFrame(frame);
    frame = 0;
    if (!run) return;
    run = null;
    trainer.showTrainedNetwork();
    store.set({ phase: 'idle', phaseLayer: null, phaseEq: null, phaseProgress: 0, display: null, held: false });
  }

  function tick(now) {
    frame = 0;
    if (!run) return;
    const dt = run.last === null ? 0 : now - run.last;
    run.last = now;
    if (!state.held) run.elapsed += dt * state.speed;
    let seg = run.segs[run.index];
    // Reduced motion: nothing slides or grows; each phase appears whole and is held briefly.
    const ms = reducedMotion.matches ? 500 : seg.ms;
    if (run.elapsed >= ms) {
      run.index += 1;
      run.elapsed = 0;
      if (run.index >= run.segs.length) return finish();
      seg = run.segs[run.index];
      store.set({ phaseLog: [...state.phaseLog, { phase: seg.phase, layer: seg.layer, eq: seg.eq }] });
      if (seg.phase === 'update' && state.holdBeforeUpdate) store.set({ held: true });
    }
    const p = reducedMotion.matches ? 1 : Math.min(1, run.elapsed / seg.ms);
    enter(seg, p);
    frame = requestAnimationFrame(tick);
  }

  /** Step: one mini-batch, trained at once, then shown phase by phase. */
  function step() {
    pause();
    finish();
    try {
      trainer.step({ keepOldView: true });
    } catch (err) {
      onError(err);
      return false;
    }
    const segs = stepSegments(state.viewParams.sizes.length);
    const first = segs[0];
    run = { segs, index: 0, elapsed: 0, last: null };
    store.set({
      source: typeof state.source === 'number' && state.source < state.last.m ? state.source : 'mean',
      phaseLog: [{ phase: first.phase, layer: first.layer, eq: first.eq }],
      held: false,
    });
    enter(first, 0);
    frame = requestAnimationFrame(tick);
    return true;
  }

  /** Stops the clock before the update so the learner can page through the examples. */
  function hold() {
    if (run && state.phase !== 'update') store.set({ held: true });
  }

  function resume() {
    if (run) store.set({ held: false });
  }

  /** Play: several steps a frame on the data held in wasm; the views redraw once a frame. */
  function playTick() {
    playFrame = 0;
    if (!state.playing) return;
    const t0 = performance.now();
    try {
      // The steps before a failing one did happen and are shown; then Play stops.
      trainer.playFrame(Math.max(1, Math.round(state.speed * 2)));
    } catch (err) {
      pause();
      onError(err);
      return;
    }
    record('play', performance.now() - t0);
    playFrame = requestAnimationFrame(playTick);
  }

  function play() {
    finish();
    store.set({ playing: true, source: 'probe' });
    if (!playFrame) playFrame = requestAnimationFrame(playTick);
  }

  function pause() {
    cancelAnimationFrame(playFrame);
    playFrame = 0;
    if (state.playing) store.set({ playing: false });
  }

  return {
    step,
    play,
    pause,
    hold,
    resume,
    finish,
    get running() {
      return run !== null;
    },
  };
}
