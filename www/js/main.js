//# allFunctionsCalledOnLoad
// Wires the page together: loads the wasm core, creates the one store, the trainer and the
// animator, connects every view to the store (after refreshing the probe's derived numbers),
// and exposes a read-only window.__app for tests. Nothing is drawn here.
//
// The network comes first: only the modules its first drawing needs are imported statically,
// so the page can draw it as soon as those (and the wasm) have arrived; everything else (the
// other panels, and what only acts on input: the animator, the actions, the keys, the hit
// testing) is imported dynamically after that drawing has been painted, and the link's
// settings (url-state.js) before it only when the link has any. index.html's modulepreload
// links still fetch every module at once, the first drawing's ones first: the browser sends
// at most six requests to a server at a time, so each module fewer on that path counts.

import { core } from './core.js';
import { gradientCheck, probeBackprop, probeLabel } from './derived.js';
import { timed, timings } from './frame-timing.js';
import { applyLanguage, initialLanguage, t } from './i18n.js';
import { onResize } from './measure.js';
import { createMessages, messageFor } from './messages.js';
import { createNetworkView } from './network-view.js';
import { DEFAULT_SETTINGS, createStore } from './state.js';
import { createTrainer } from './training.js';

/** What the page needs once the network is drawn (see above), imported then. */
const laterModules = () =>
  Promise.all([
    import('./url-state.js'),
    import('./animation.js'),
    import('./actions.js'),
    import('./keyboard.js'),
    import('./network-hit.js'),
    import('./card.js'),
    import('./plane.js'),
    import('./equations.js'),
    import('./anatomy.js'),
    import('./status.js'),
    import('./legend.js'),
    import('./controls.js'),
    import('./settings-panel.js'),
    import('./charts.js'),
  ]);

/**
 * Resolves once the frame after this call has been painted, so what was just drawn is on the
 * screen before the page goes on (a hidden page paints no frames: it goes on at once).
 */
const afterPaint = () =>
  new Promise((resolve) => {
    if (document.visibilityState !== 'visible') {
      resolve();
      return;
    }
    requestAnimationFrame(() => {
      // A message posted from a frame callback arrives after that frame's paint.
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
  });

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
/**
 * Whether anything on the page shows the heatmap: the network view when its maps are switched
 * on, and the input plane, which is built only after the network's first drawing (so that
 * drawing does not wait for every neuron's map).
 */
let planeBuilt = false;

/** The wasm module's memory, read (never kept as a view) by window.__app.wasmMemoryBytes. */
let wasmMemory = null;

/** Recomputes derived numbers when what they depend on changed (before any view draws). */
function derive(state, changed) {
  if (state.viewNet && (planeBuilt || state.showMaps) && (changed.has('viewParams') || changed.has('viewNet') || !state.heatmap)) {
    const sizes = state.viewParams.sizes;
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
  wasmMemory = (await core).memory;

  const trainer = createTrainer(store);
  const view = createNetworkView($('net'), $('showing'));

  /**
   * Redraws `v` after each batch of changes; a view that lists what it reads only when one of
   * those changed. A view that joins late draws everything at its first batch.
   */
  const connect = (v, { late = false } = {}) => {
    let first = late;
    store.subscribe((s, changed) => {
      if (first) {
        first = false;
        changed = new Set(Object.keys(s));
      } else if (v.deps && !v.deps.some((k) => changed.has(k))) {
        return;
      }
      try {
        v.render(s, changed);
      } catch (err) {
        fail(err);
      }
    });
  };
  store.subscribe(timed('derive', derive));
  connect(view);
  onResize(() => store.touch('layout'));

  // A link without settings gets the defaults, and the first drawing need not wait for the
  // module that reads them.
  const urlState = location.search ? await import('./url-state.js') : null;
  const fromUrl = urlState ? urlState.settingsFromQuery(location.search) : { patch: {}, errors: [] };
  store.set({ settings: { ...state.settings, ...fromUrl.patch } });
  try {
    trainer.reset({ regenerateData: true });
  } catch (err) {
    // A link with settings the core refuses: say so, and start from the defaults instead.
    fromUrl.errors.push(err.message);
    store.set({ settings: { ...DEFAULT_SETTINGS, sizes: [...DEFAULT_SETTINGS.sizes] } });
    trainer.reset({ regenerateData: true });
  }
  if (fromUrl.errors.length) fail(new Error((urlState ?? (await import('./url-state.js'))).linkProblems(fromUrl.errors)));
  // The network now, without waiting for the next animation frame, and on the screen before
  // the other panels are built (their first drawing would otherwise hold up this frame).
  store.flushNow();
  const [later] = await Promise.all([laterModules(), afterPaint()]);
  const [{ queryFromSettings }, animation, actionsModule, keyboard, hit, card, plane, equations, anatomy, status, legend, controls, settingsPanel, charts] = later;

  // The URL always holds the settings, so the address bar is a link to this experiment.
  const showSettings = (settings) => history.replaceState(null, '', `${location.pathname}${queryFromSettings(settings)}`);
  showSettings(state.settings);
  store.subscribe((s, changed) => {
    if (changed.has('settings')) showSettings(s.settings);
  });

  const animator = animation.createAnimator(store, trainer, { onError: fail });
  const actions = actionsModule.createActions(store, trainer, animator);
  hit.attachHitTesting(view, store);
  keyboard.attachKeyboard(actions);
  $('lang').addEventListener('click', () => actions.setLanguage(document.documentElement.lang === 'en' ? 'zh' : 'en'));
  $('export').addEventListener('click', () => actions.exportJson());
  $('import-file').addEventListener('change', (ev) => {
    const file = ev.target.files?.[0];
    if (file) actions.importJson(file).finally(() => { ev.target.value = ''; });
  });
  $('maps').addEventListener('change', (ev) => store.set({ showMaps: ev.target.checked }));

  const views = [
    card.createCard($('card'), view),
    plane.createPlane($('plane'), {
      onProbe: (x) => store.set({ probe: { x, label: probeLabel(state, x) }, source: state.phase === 'idle' ? 'probe' : state.source }),
    }),
    equations.createEquationsPanel($('equations')),
    anatomy.createAnatomy($('anatomy'), { onSelect: actions.selectSource, onContinue: actions.resume }),
    status.createStatus($('phasebar'), $('counters')),
    legend.createLegend($('legend')),
    controls.createControls($('toolbar'), actions),
    settingsPanel.createSettingsPanel($('settings'), { configure: actions.configure }),
    charts.createCharts($('charts')),
  ];
  // They draw at the next batch (the one `ready` below starts), in full, after derive has
  // computed the heatmap for the plane.
  planeBuilt = true;
  for (const v of views) connect(v, { late: true });
  applyLanguage(document.documentElement.lang === 'en' ? 'en' : 'zh');
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
