// Wires the page together: loads the wasm core, creates the one store, the trainer and the
// animator, connects every view to the store (after refreshing the probe's derived numbers),
// and exposes a read-only window.__app for tests. Nothing is drawn here.

import init from '../pkg/nndl_backprop.js';
import { createActions } from './actions.js';
import { createAnatomy } from './anatomy.js';
import { createAnimator } from './animation.js';
import { createCard } from './card.js';
import { createCharts } from './charts.js';
import { createControls } from './controls.js';
import { gradientCheck, probeBackprop, probeLabel } from './derived.js';
import { createEquationsPanel } from './equations.js';
import { timed, timings } from './frame-timing.js';
import { applyLanguage, initialLanguage, t } from './i18n.js';
import { attachKeyboard } from './keyboard.js';
import { createLegend } from './legend.js';
import { onResize } from './measure.js';
import { createMessages, messageFor } from './messages.js';
import { attachHitTesting } from './network-hit.js';
import { createNetworkView } from './network-view.js';
import { createPlane } from './plane.js';
import { createSettingsPanel } from './settings-panel.js';
import { DEFAULT_SETTINGS, createStore } from './state.js';
import { createStatus } from './status.js';
import { createTrainer } from './training.js';
import { linkProblems, queryFromSettings, settingsFromQuery } from './url-state.js';

const $ = (id) => document.getElementById(id);

/**
 * Every neuron's activation over the plane: one Rust call each time the drawn weights change,
 * on a grid of 100 × 100 cells, or coarser (down to 50 × 50) for networks so large that it
 * would cost more than 100² cells × 25 neurons (about 1.5 ms).
 */
const HEATMAP_BUDGET = 100 * 100 * 25;
const heatmapRes = (neurons) => Math.max(50, Math.min(100, Math.floor(Math.sqrt(HEATMAP_BUDGET / neurons))));
const PLANE = Object.freeze({ xMin: -1, xMax: 1, yMin: -1, yMax: 1 });
/** The heatmap's numbers: heatmapInto rewrites this one array, so no new 1 MB array per frame. */
let heatmapGrid = new Float32Array(0);

/** The wasm module's memory, read (never kept as a view) by window.__app.wasmMemoryBytes. */
let wasmMemory = null;

/** Recomputes derived numbers when what they depend on changed (before any view draws). */
function derive(state, changed) {
  if (state.viewNet && (changed.has('viewParams') || changed.has('viewNet') || !state.heatmap)) {
    const sizes = Array.from(state.viewNet.sizes);
    const neurons = sizes.slice(1).reduce((s, n) => s + n, 0);
    const res = heatmapRes(neurons);
    if (heatmapGrid.length !== neurons * res * res) heatmapGrid = new Float32Array(neurons * res * res);
    state.viewNet.heatmapInto(heatmapGrid, res, PLANE);
    // A new object each time (views compare it), over the same array (always the newest numbers).
    state.heatmap = { res, sizes, grid: heatmapGrid };
    changed.add('heatmap');
  }
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
    /** Bytes of wasm linear memory now: it only grows, so a flat figure means no leak in wasm. */
    get wasmMemoryBytes() { return wasmMemory ? wasmMemory.buffer.byteLength : 0; },
    /** For bench/browser.mjs: { part: [{ at, ms }, …] } of the recent frames (frame-timing.js). */
    get timings() { return timings(); },
  };
  Object.defineProperty(window, '__app', { value: Object.freeze(api), configurable: false, writable: false });
}

async function main() {
  const store = createStore();
  const { state } = store;
  exposeForTests(state);
  const messages = createMessages($('message'), { onDismiss: () => store.set({ message: null }) });
  store.subscribe((s) => messages.render(s));
  const fail = (err) => store.set({ message: messageFor(err, state) });
  window.addEventListener('error', (ev) => fail(ev.error ?? ev.message));
  window.addEventListener('unhandledrejection', (ev) => fail(ev.reason));

  applyLanguage(initialLanguage());
  wasmMemory = (await init()).memory;

  const trainer = createTrainer(store);
  const animator = createAnimator(store, trainer, { onError: fail });
  const actions = createActions(store, trainer, animator);
  const view = createNetworkView($('net'), $('showing'));
  attachHitTesting(view, store);
  const views = [
    view,
    createCard($('card'), view),
    createPlane($('plane'), {
      onProbe: (x) => store.set({ probe: { x, label: probeLabel(state, x) }, source: state.phase === 'idle' ? 'probe' : state.source }),
    }),
    createEquationsPanel($('equations')),
    createAnatomy($('anatomy'), { onSelect: actions.selectSource, onContinue: actions.resume }),
    createStatus($('phasebar'), $('counters')),
    createLegend($('legend')),
    createControls($('toolbar'), actions),
    createSettingsPanel($('settings'), { configure: actions.configure }),
    createCharts($('charts')),
  ];
  attachKeyboard(actions);
  $('lang').addEventListener('click', () => actions.setLanguage(document.documentElement.lang === 'en' ? 'zh' : 'en'));
  $('export').addEventListener('click', () => actions.exportJson());
  $('import-file').addEventListener('change', (ev) => {
    const file = ev.target.files?.[0];
    if (file) actions.importJson(file).finally(() => { ev.target.value = ''; });
  });
  $('maps').addEventListener('change', (ev) => store.set({ showMaps: ev.target.checked }));

  store.subscribe(timed('derive', derive));
  for (const v of views) {
    store.subscribe((s, changed) => {
      // A view that lists what it reads is redrawn only when one of those changed.
      if (v.deps && !v.deps.some((k) => changed.has(k))) return;
      try {
        v.render(s, changed);
      } catch (err) {
        fail(err);
      }
    });
  }
  // The URL always holds the settings, so the address bar is a link to this experiment.
  store.subscribe((s, changed) => {
    if (changed.has('settings')) history.replaceState(null, '', `${location.pathname}${queryFromSettings(s.settings)}`);
  });
  onResize(() => store.touch('layout'));
  applyLanguage(document.documentElement.lang === 'en' ? 'en' : 'zh');

  const fromUrl = settingsFromQuery(location.search);
  store.set({ settings: { ...state.settings, ...fromUrl.patch } });
  try {
    trainer.reset({ regenerateData: true });
  } catch (err) {
    // A link with settings the core refuses: say so, and start from the defaults instead.
    fromUrl.errors.push(err.message);
    store.set({ settings: { ...DEFAULT_SETTINGS, sizes: [...DEFAULT_SETTINGS.sizes] } });
    trainer.reset({ regenerateData: true });
  }
  if (fromUrl.errors.length) fail(new Error(linkProblems(fromUrl.errors)));
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
