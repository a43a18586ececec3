// The digits page: loads mnist.bin (with progress), starts the training worker and wires the
// views to one state object. Views only draw what they are handed; all training happens in
// the worker (js/digits/worker.js), so the page stays live while it runs.

import { legendScales, paintLegend } from '../colors.js';
import { h } from '../dom.js';
import { StepAnimation } from './animation.js';
import { drawChart } from './chart.js';
import { startWorker } from './client.js';
import { digitsView, fetchWithProgress, PIXELS } from './data.js';
import { drawDigit, sharpContext } from './images.js';
import { NetworkView } from './network-view.js';
import { drawNeuron, renderOutputs } from './neuron-panel.js';
import { Pad } from './pad.js';
import { applyLanguage, initialLanguage, rememberLanguage, t } from './strings.js';
import {
  renderLoader, renderPerEpoch, renderProgress, renderSource, renderStuck, renderTileScale, showCard, syncButtons,
} from './render.js';
import { TestBrowser } from './test-browser.js';

const $ = (id) => document.getElementById(id);

const state = {
  digits: null,
  settings: null, // as the worker holds them
  loaded: null, // null while fetching, 'worker' while the worker starts, then the counts
  seconds: null, // how long the last epoch took
  testIndices: null,
  weights: null,
  progress: null,
  record: null, // the last Step: { digits, labels, hidden, output, deltas, nablas }
  example: 0, // which example of the last Step the network view shows
  source: null, // what the view's input is: { kind: 'batch' | 'drawing' | 'test', … }
  forward: null, // { hidden, output } for the source
  accuracies: [],
  log: [],
  evaluation: null,
  training: false,
  stepping: false,
  selected: null, // hidden neuron picked by a click
  hovered: null,
  mode: 'weights',
};

const worker = startWorker(onWorkerEvent);
const animation = new StepAnimation(null, $('phasebar'));
const view = new NetworkView($('net'), {
  onHover: (hit) => {
    state.hovered = hit?.j ?? null;
    showCard(state, hit);
    renderNeuron();
  },
  onSelect: (j) => {
    state.selected = state.selected === j ? null : j;
    view.set({ selected: state.selected });
    renderNeuron();
  },
});
animation.view = view;
const tests = new TestBrowser(
  { wrong: $('tests-wrong'), all: $('tests-all'), prev: $('tests-prev'), next: $('tests-next'),
    count: $('tests-count'), page: $('tests-page'), grid: $('tests') },
  { onPick: pickTest, t },
);
const pad = new Pad($('pad'), { onInk: classifyDrawing });

// --- Messages ------------------------------------------------------------------------------

/** Where a refused step was (epoch, digits already trained on), what went wrong and what to try. */
function divergedText(err) {
  // Rust prints ±∞ as "inf"; a learner reads "Infinity" as JS does.
  const msg = err.message.replace(/\b(-?)inf\b/g, '$1Infinity');
  const at = err.at;
  if (!at) return t('diverged', { msg });
  return t('divergedAt', { msg, epoch: at.epoch, done: at.digitsDone, n: at.trainSize, eta: at.eta });
}

function showError(err) {
  const box = $('message');
  const text = err.diverged ? divergedText(err) : `${t('errorPrefix')}: ${err.message}`;
  box.querySelector('.message-text').textContent = text;
  box.hidden = false;
}
$('message').querySelector('.message-close').addEventListener('click', () => ($('message').hidden = true));

// --- Loading -------------------------------------------------------------------------------

async function boot() {
  const lang = initialLanguage();
  applyLanguage(lang);
  document.body.dataset.state = 'loading';
  renderLoader(state);
  for (const c of document.querySelectorAll('canvas[data-scale]')) paintLegend(c, legendScales[c.dataset.scale]);
  try {
    const buffer = await fetchWithProgress('data/mnist.bin', (f) => {
      $('data-progress').value = f ?? 0;
      $('data-percent').textContent = f === null ? '…' : `${Math.round(f * 100)}%`;
    });
    state.digits = digitsView(buffer);
    state.loaded = 'worker';
    renderLoader(state);
    const copy = buffer.slice(0);
    const r = await worker.request('load', { bytes: copy, settings: readSettings() }, [copy]);
    state.testIndices = r.testIndices;
    state.settings = r.settings;
    tests.setData(state.digits, r.testIndices);
    state.loaded = { n: state.digits.count, train: r.trainIndices.length, test: r.testIndices.length };
    renderLoader(state);
    $('loader').classList.add('done');
    $('app').hidden = false;
    fresh(r);
    document.body.dataset.state = 'ready';
  } catch (err) {
    showError(err);
    document.body.dataset.state = 'failed';
  }
}

/** A new network: empty log and chart, fresh pictures. */
function fresh(r) {
  state.accuracies = [];
  state.log = [r.evaluation.line];
  state.record = null;
  state.selected = null;
  view.set({ gradient: null, deltaHidden: null, deltaOutput: null, selected: null });
  setMode('weights');
  $('mode-gradient').disabled = true;
  $('batch-strip').replaceChildren();
  applySnapshot(r);
  afterEvaluation(r.evaluation, r.tests, false);
  // A new network has no mini-batch to show: feed it the first test digit instead.
  if (!state.source || state.source.kind === 'batch') pickTest(0, false);
  refreshSource();
  renderNeuron();
}

function applySnapshot({ weights, progress }) {
  if (weights) {
    state.weights = weights;
    view.set({ weights });
    renderTileScale(view.fullAt);
  }
  if (progress) {
    state.progress = progress;
    renderProgress(state);
  }
}

// --- Settings ------------------------------------------------------------------------------

function readSettings() {
  const num = (id) => Number($(id).value);
  return {
    hidden: num('hidden'),
    eta: num('eta'),
    batch: num('batch'),
    cost: $('cost').value,
    init: $('init').value,
    seed: num('seed'),
  };
}

/** Puts the settings the worker holds back into the fields (after a refused change). */
function showSettings(s) {
  state.settings = s;
  for (const id of ['hidden', 'eta', 'batch', 'cost', 'init', 'seed']) $(id).value = String(s[id]);
}

async function resetNetwork() {
  try {
    const r = await worker.request('reset', { settings: readSettings() });
    showSettings(r.settings);
    fresh(r);
  } catch (err) {
    showError(err);
    if (state.settings) showSettings(state.settings);
  }
}

async function changeTraining() {
  const { eta, batch } = readSettings();
  try {
    const r = await worker.request('setTraining', { settings: { eta, batch } });
    showSettings(r.settings);
    applySnapshot(r);
  } catch (err) {
    showError(err);
    if (state.settings) showSettings(state.settings);
  }
}

for (const id of ['hidden', 'cost', 'init', 'seed']) $(id).addEventListener('change', resetNetwork);
for (const id of ['eta', 'batch']) $(id).addEventListener('change', changeTraining);
$('reset').addEventListener('click', resetNetwork);

// --- Step ----------------------------------------------------------------------------------

let stepToken = 0;
async function step() {
  if (state.training) return;
  // A click during an animation ends it at once; only the newest Step resets `stepping`.
  const token = ++stepToken;
  animation.finish();
  state.stepping = true;
  syncButtons(state);
  try {
    const r = await worker.request('step');
    state.record = r.record;
    state.example = 0;
    renderStrip();
    $('mode-gradient').disabled = false;
    $('count-cost').textContent = r.record.cost.toFixed(4);
    view.set({ gradient: r.record, mode: 'weights', ...exampleState(0) });
    state.source = { kind: 'batch' };
    renderSource(state);
    renderNeuron();
    await animation.play(() => view.set({ nextWeights: r.weights }));
    view.set({ weights: r.weights, nextWeights: null, mode: state.mode });
    applySnapshot(r);
    renderNeuron();
    if (r.evaluation) afterEvaluation(r.evaluation, r.tests, true);
  } catch (err) {
    showError(err);
  } finally {
    if (token === stepToken) {
      state.stepping = false;
      syncButtons(state);
    }
  }
}

/** The view's inputs for example x of the last Step: its image, a², a³, δ², δ³. */
function exampleState(x) {
  const r = state.record;
  const hN = r.hidden.length / r.digits.length;
  const i = r.digits[x];
  state.forward = { hidden: r.hidden.subarray(x * hN, (x + 1) * hN), output: r.output.subarray(x * 10, (x + 1) * 10) };
  return {
    input: state.digits.image(i),
    label: r.labels[x],
    ...state.forward,
    deltaHidden: r.deltaHidden.subarray(x * hN, (x + 1) * hN),
    deltaOutput: r.deltaOutput.subarray(x * 10, (x + 1) * 10),
  };
}

function renderStrip() {
  const r = state.record;
  const shown = Math.min(r.digits.length, 20);
  const buttons = Array.from({ length: shown }, (_, x) => {
    const c = h('canvas', { width: 56, height: 56 });
    drawDigit(c.getContext('2d'), state.digits.image(r.digits[x]), 0, 0, 56);
    return h('button', {
      type: 'button', class: 'strip-item', 'aria-pressed': String(x === state.example), title: String(r.labels[x]),
      onclick: () => {
        state.example = x;
        state.source = { kind: 'batch' };
        view.set(exampleState(x));
        renderStrip();
        renderSource(state);
        renderNeuron();
      },
    }, c, h('span', { text: String(r.labels[x]) }));
  });
  const more = r.digits.length > shown ? [h('span', { class: 'muted', text: `+${r.digits.length - shown}` })] : [];
  $('batch-strip').replaceChildren(h('span', { class: 'strip-title', text: `m = ${r.digits.length}` }), ...buttons, ...more);
}

// --- Training ------------------------------------------------------------------------------

async function train(epochs) {
  if (state.training) {
    await worker.request('stop');
    return;
  }
  animation.finish();
  state.training = true;
  document.body.dataset.state = 'training';
  syncButtons(state);
  try {
    const r = await worker.request('train', { epochs });
    applySnapshot(r);
  } catch (err) {
    showError(err);
  } finally {
    state.training = false;
    document.body.dataset.state = 'ready';
    syncButtons(state);
    refreshSource();
  }
}

// Progress reports can come faster than the page paints: keep the latest, draw it once per frame.
let latestProgress = null;
function drawProgress() {
  const e = latestProgress;
  latestProgress = null;
  if (!e) return;
  applySnapshot(e);
  if (Number.isFinite(e.cost)) $('count-cost').textContent = e.cost.toFixed(4);
  renderNeuron();
}

function onWorkerEvent(e) {
  if (e.event === 'failed') {
    showError(e.error);
    return;
  }
  if (e.event === 'progress') {
    if (!latestProgress) requestAnimationFrame(drawProgress);
    latestProgress = e;
    return;
  }
  if (e.event === 'epoch') {
    latestProgress = null;
    applySnapshot(e);
    afterEvaluation(e.evaluation, e.tests, true);
    state.seconds = e.seconds;
    renderPerEpoch(state);
    refreshSource();
    renderNeuron();
  }
}

function afterEvaluation(ev, results, isEpoch) {
  state.evaluation = ev;
  if (isEpoch) {
    state.accuracies.push(ev.accuracy);
    state.log.push(ev.line);
  }
  $('log').textContent = state.log.join('\n');
  $('log').scrollTop = $('log').scrollHeight;
  $('count-accuracy').textContent = `${(ev.accuracy * 100).toFixed(1)}%`;
  drawChart($('chart'), state.accuracies, t('chartEmpty'));
  tests.setResults(results);
  renderStuck(state, results);
}

/** Downloads the network in the JS API's Network.fromJSON shape. */
async function saveNetwork() {
  try {
    const json = await worker.request('network');
    const url = URL.createObjectURL(new Blob([JSON.stringify(json)], { type: 'application/json' }));
    const a = h('a', { href: url, download: `mnist-network-epoch-${state.progress.epoch}.json` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (err) {
    showError(err);
  }
}
$('save').addEventListener('click', saveNetwork);

$('step').addEventListener('click', step);
$('epoch').addEventListener('click', () => train(1));
$('train').addEventListener('click', () => train(1e9));

// --- The network view's input: a Step's example, a drawing or a test digit ----------------

/** Re-runs the forward pass of the shown input after the weights changed. */
async function refreshSource() {
  const s = state.source;
  renderSource(state);
  if (!s || !state.weights || animation.running) return;
  try {
    const pixels =
      s.kind === 'test' ? state.digits.image(state.testIndices[s.position])
        : s.kind === 'batch' ? state.digits.image(state.record.digits[state.example])
          : s.x;
    const f = await worker.request('forward', { pixels });
    state.forward = f;
    view.set({ ...f, deltaHidden: null, deltaOutput: null });
    if (s.kind === 'drawing') showDrawingResult(s.x, f.output);
    renderNeuron();
  } catch (err) {
    showError(err);
  }
}

function pickTest(position, scroll = true) {
  const i = state.testIndices[position];
  state.source = { kind: 'test', position };
  view.set({ input: state.digits.image(i), label: state.digits.label(i) });
  refreshSource();
  if (scroll) $('net').scrollIntoView({ behavior: 'smooth', block: 'center' });
}

// Drawing: at most one request in flight; the latest ink wins.
let inkInFlight = false;
let inkPending = null;
async function classifyDrawing(ink, side) {
  if (pad.empty) {
    inkPending = null;
    showDrawingResult(null, null);
    return;
  }
  if (inkInFlight) {
    inkPending = [ink, side];
    return;
  }
  inkInFlight = true;
  try {
    const r = await worker.request('drawing', { ink, width: side, height: side }, [ink.buffer]);
    if (!pad.empty) {
      state.source = { kind: 'drawing', x: r.x };
      state.forward = { hidden: r.hidden, output: r.output };
      view.set({ input: r.x, label: null, hidden: r.hidden, output: r.output, deltaHidden: null, deltaOutput: null });
      showDrawingResult(r.x, r.output);
      renderSource(state);
      renderNeuron();
    }
  } catch (err) {
    showError(err);
  } finally {
    inkInFlight = false;
    if (inkPending) {
      const next = inkPending;
      inkPending = null;
      classifyDrawing(...next);
    }
  }
}

function showDrawingResult(x, output) {
  const ctx = sharpContext($('seen'), 84, 84);
  if (x) drawDigit(ctx, x, 0, 0, 84);
  else ctx.clearRect(0, 0, 84, 84);
  const best = renderOutputs($('outputs'), output);
  $('guess').textContent = output ? String(best) : '–';
}
$('clear').addEventListener('click', () => pad.clear());

// --- Hover card and neuron panel -----------------------------------------------------------

function renderNeuron() {
  if (!state.weights) return;
  const j = Math.min(state.selected ?? state.hovered ?? 0, state.weights.b2.length - 1);
  drawNeuron(
    { title: $('neuron-title'), w: $('neuron-w'), g: $('neuron-g'), numbers: $('neuron-numbers'), out: $('neuron-out') },
    { j, weights: state.weights, gradient: state.record, hidden: state.forward?.hidden, scale: view.tileScale, t },
  );
}

function setMode(mode) {
  state.mode = mode;
  $('mode-weights').setAttribute('aria-pressed', String(mode === 'weights'));
  $('mode-gradient').setAttribute('aria-pressed', String(mode === 'gradient'));
  view.set({ mode });
}
$('mode-weights').addEventListener('click', () => setMode('weights'));
$('mode-gradient').addEventListener('click', () => setMode('gradient'));

// --- Language ------------------------------------------------------------------------------

$('lang').addEventListener('click', () => {
  const next = document.documentElement.lang === 'zh-CN' ? 'en' : 'zh';
  applyLanguage(next);
  rememberLanguage(next);
  renderLoader(state);
  if (document.body.dataset.state === 'loading') return;
  syncButtons(state);
  renderPerEpoch(state);
  renderTileScale(view.fullAt);
  renderSource(state);
  renderNeuron();
  if (state.progress) renderProgress(state);
  drawChart($('chart'), state.accuracies, t('chartEmpty'));
  tests.render();
  if (state.evaluation) renderStuck(state, tests.results);
});

window.addEventListener('resize', () => drawChart($('chart'), state.accuracies, t('chartEmpty')));

boot();
