// Wires the page together: loads the wasm core, creates the one store, the trainer and the
// animator, connects every view to the store (after refreshing the probe's derived numbers),
// and exposes a read-only window.__app for tests. Nothing is drawn here.

import init from '../pkg/nndl_backprop.js';
import { createAnatomy } from './anatomy.js';
import { createAnimator } from './animation.js';
import { createCard } from './card.js';
import { createControls } from './controls.js';
import { gradientCheck, probeBackprop, probeLabel } from './derived.js';
import { createEquationsPanel } from './equations.js';
import { applyLanguage, initialLanguage, rememberLanguage, t } from './i18n.js';
import { createLegend } from './legend.js';
import { createMessages, messageFor } from './messages.js';
import { attachHitTesting } from './network-hit.js';
import { createNetworkView } from './network-view.js';
import { createPlane } from './plane.js';
import { createStore } from './state.js';
import { createStatus } from './status.js';
import { createTrainer } from './training.js';

const $ = (id) => document.getElementById(id);

/** Recomputes the probe's numbers when what they depend on changed (before any view draws). */
function derive(state, changed) {
  const inputs = ['probe', 'viewNet', 'viewParams', 'data'];
  if (state.viewNet && (inputs.some((k) => changed.has(k)) || !state.probeBP)) {
    state.probeBP = probeBackprop(state);
    changed.add('probeBP');
  }
  if (state.gradCheck && state.viewNet && (changed.has('probeBP') || changed.has('gradCheck'))) {
    state.gradCheckResult = gradientCheck(state);
  } else if (!state.gradCheck) {
    state.gradCheckResult = null;
  }
}

function exposeForTests(state) {
  const copy = (v) => (v === null || v === undefined ? v : structuredClone(v));
  const api = {
    get ready() { return state.ready; },
    get network() { return state.net ? state.net.toJSON() : null; },
    get drawnNetwork() { return copy(state.viewParams); },
    get settings() { return copy(state.settings); },
    get step() { return state.step; },
    get epoch() { return state.epoch; },
    get phase() { return state.phase; },
    get phaseLog() { return copy(state.phaseLog); },
    get held() { return state.held; },
    get playing() { return state.playing; },
    get source() { return state.source; },
    get probe() { return copy(state.probe); },
    get probeBackprop() { return copy(state.probeBP); },
    get hover() { return copy(state.hover); },
    get gradientCheck() { return copy(state.gradCheckResult); },
    get message() { return copy(state.message); },
    get data() { return copy(state.data); },
    /** The last step: its batch, η, λ, n, the networks before and after, and the full trace. */
    get lastStep() {
      const l = state.last;
      return l && copy({ batch: l.batch, indices: l.indices, eta: l.eta, lambda: l.lambda, n: l.n, m: l.m, before: l.before, after: l.after });
    },
    get lastTrace() { return copy(state.last?.trace ?? null); },
  };
  Object.defineProperty(window, '__app', { value: Object.freeze(api), configurable: false, writable: false });
}

async function main() {
  const store = createStore();
  const { state } = store;
  exposeForTests(state);
  const messages = createMessages($('message'), { onDismiss: () => store.set({ message: null }) });
  store.subscribe((s) => messages.render(s));
  const fail = (err) => store.set({ message: messageFor(err) });
  window.addEventListener('error', (ev) => fail(ev.error ?? ev.message));
  window.addEventListener('unhandledrejection', (ev) => fail(ev.reason));

  applyLanguage(initialLanguage());
  await init();

  const trainer = createTrainer(store);
  const animator = createAnimator(store, trainer, { onError: fail });
  const view = createNetworkView($('net'), $('showing'));
  attachHitTesting(view, store);
  const card = createCard($('card'), view);
  const plane = createPlane($('plane'), {
    onProbe: (x) => store.set({ probe: { x, label: probeLabel(state, x) }, source: state.phase === 'idle' ? 'probe' : state.source }),
  });
  const equations = createEquationsPanel($('equations'));
  const anatomy = createAnatomy($('anatomy'), {
    onSelect: (source) => {
      if (source !== 'probe' && source !== 'mean') animator.hold();
      store.set({ source });
    },
    onContinue: () => animator.resume(),
  });
  const status = createStatus($('phasebar'), $('counters'));
  const legend = createLegend($('legend'));
  const controls = createControls($('toolbar'), {
    step: () => animator.step(),
    togglePlay: () => (state.playing ? animator.pause() : animator.play()),
    reset: () => {
      animator.pause();
      animator.finish();
      trainer.reset();
    },
    setSpeed: (speed) => store.set({ speed }),
    setSetting: (key, value) => {
      if (key === 'm' && !(Number.isInteger(value) && value >= 1 && value <= state.data.train.length)) {
        fail(new Error(`mini-batch size m must be a whole number from 1 to ${state.data.train.length}, got ${value}`));
        return;
      }
      // η and m change how the next step is taken, never the network: no reset.
      store.set({ settings: { ...state.settings, [key]: value }, message: null });
    },
    setFlag: (key, value) => {
      store.set({ [key]: value });
      if (key === 'holdBeforeUpdate' && !value) animator.resume();
    },
  });
  $('lang').addEventListener('click', () => {
    const next = document.documentElement.lang === 'en' ? 'zh' : 'en';
    applyLanguage(next);
    rememberLanguage(next);
    store.touch('settings');
  });

  store.subscribe(derive);
  for (const v of [view, card, plane, equations, anatomy, status, legend, controls]) {
    store.subscribe((s, changed) => {
      try {
        v.render(s, changed);
      } catch (err) {
        fail(err);
      }
    });
  }
  window.addEventListener('resize', () => store.touch('viewParams'));
  applyLanguage(document.documentElement.lang === 'en' ? 'en' : 'zh');

  trainer.reset({ regenerateData: true });
  store.set({ ready: true });
  document.body.classList.add('ready');
  $('loading').hidden = true;
  document.title = t('title');
}

main().catch((err) => {
  const box = $('message');
  box.querySelector('.message-text').textContent = `${t('errorPrefix')}: ${err?.message ?? err}`;
  box.hidden = false;
  console.error(err);
});
