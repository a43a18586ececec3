// What is happening now: the phase bar (1 forward pass → 2 output error → 3 backpropagate →
// 4 update) and the counters (step, epoch, cost of the last mini-batch, accuracy).

import { fmt } from './notation.js';

const PHASES = ['forward', 'output-error', 'backward', 'update'];

export function createStatus(phaseBar, counters) {
  const items = PHASES.map((p) => phaseBar.querySelector(`[data-phase="${p}"]`));
  const field = (name) => counters.querySelector(`[data-counter="${name}"]`);
  const out = {
    step: field('step'),
    epoch: field('epoch'),
    cost: field('cost'),
    train: field('train'),
    test: field('test'),
  };
  const pct = (ev) => (ev ? `${(ev.accuracy * 100).toFixed(0)}%` : '–');

  // While Play runs these are rewritten every frame: a text or attribute set to the value it
  // already has still makes Chromium restyle (and relayout) it, so each is set only on change.
  const shown = new Map();
  const text = (el, s) => {
    if (shown.get(el) !== s) {
      shown.set(el, s);
      el.textContent = s;
    }
  };

  return {
    deps: ['phase', 'held', 'step', 'epoch', 'lastCost', 'accuracy', 'settings'],
    render(state) {
      const at = PHASES.indexOf(state.phase);
      if (phaseBar.dataset.phase !== state.phase) {
        items.forEach((el, n) => {
          el.classList.toggle('active', n === at);
          el.classList.toggle('done', at >= 0 && n < at);
        });
        phaseBar.dataset.phase = state.phase;
      }
      if (phaseBar.classList.contains('held') !== state.held) phaseBar.classList.toggle('held', state.held);
      text(out.step, String(state.step));
      // The epoch being worked through, counted from 1 as soon as training has started.
      text(out.epoch, String(state.step > 0 ? state.epoch + 1 : 0));
      text(out.cost, state.lastCost === null ? '–' : fmt(state.lastCost));
      text(out.train, pct(state.accuracy?.train));
      text(out.test, pct(state.accuracy?.test));
    },
  };
}
