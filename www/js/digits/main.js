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
import { TestBrowser } from './test-browser.js';

const $ = (id) => document.getElementById(id);

const state = {
  digits: null,
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
    showCard(hit);
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

function showError(err) {
  const box = $('message');
  const text = err.diverged ? t('diverged', { msg: err.message }) : `${t('errorPrefix')}: ${err.message}`;
  box.querySelector('.message-text').textContent = text;
  box.hidden = false;
}
$('message').querySelector('.message-close').addEventListener('click', () => ($('message').hidden = true));

// --- Loading -------------------------------------------------------------------------------

async function boot() {
  const lang = initialLanguage();
  applyLanguage(lang);
  document.body.dataset.state = 'loading';
  for (const c of document.querySelectorAll('canvas[data-scale]')) paintLegend(c, legendScales[c.dataset.scale]);
  try {
    const buffer = await fetchWithProgress('data/mnist.bin', (f) => {
      $('data-progress').value = f ?? 0;
      $('data-percent').textContent = f === null ? '…' : `${Math.round(f * 100)}%`;
    });
    state.digits = digitsView(buffer);
    $('loader-text').textContent = t('startingWorker');
    const copy = buffer.slice(0);
    const r = await worker.request('load', { bytes: copy, settings: readSettings() }, [copy]);
    state.testIndices = r.testIndices;
    tests.setData(state.digits, r.testIndices);
    $('loader-text').textContent = t('loadedData', {
      n: state.digits.count.toLocaleString('en'),
      train: r.trainIndices.length.toLocaleString('en'),
      test: r.testIndices.length.toLocaleString('en'),
    });
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
  view.set({ gradient: null, deltaHidden: null, deltaOutput: null });
  setMode('weights');
  $('mode-gradient').disabled = true;
  $('batch-strip').replaceChildren();
  applySnapshot(r);
  afterEvaluation(r.evaluation, r.tests, false);
  if (!state.source) pickTest(0, false);
  refreshSource();
  renderNeuron();
}

function applySnapshot({ weights, progress }) {
  if (weights) {
    state.weights = weights;
    view.set({ weights });
  }
  if (progress) {
    state.progress = progress;
    renderProgress();
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

async function resetNetwork() {
  try {
    fresh(await worker.request('reset', { settings: readSettings() }));
  } catch (err) {
    showError(err);
  }
}

async function changeTraining() {
  const { eta, batch } = readSettings();
  try {
    const r = await worker.request('setTraining', { settings: { eta, batch } });
    applySnapshot(r);
  } catch (err) {
    showError(err);
  }
}

for (const id of ['hidden', 'cost', 'init', 'seed']) $(id).addEventListener('change', resetNetwork);
for (const id of ['eta', 'batch']) $(id).addEventListener('change', changeTraining);
$('reset').addEventListener('click', resetNetwork);

// --- Step ----------------------------------------------------------------------------------

async function step() {
  if (state.training) return;
  animation.finish();
  state.stepping = true;
  syncButtons();
  try {
    const r = await worker.request('step');
    state.record = r.record;
    state.example = 0;
    renderStrip();
    $('mode-gradient').disabled = false;
    $('count-cost').textContent = r.record.cost.toFixed(4);
    view.set({ gradient: r.record, mode: 'weights', ...exampleState(0) });
    state.source = { kind: 'batch' };
    renderSource();
    renderNeuron();
    await animation.play(() => view.set({ nextWeights: r.weights }));
    view.set({ weights: r.weights, nextWeights: null, mode: state.mode });
    applySnapshot(r);
    renderNeuron();
    if (r.evaluation) afterEvaluation(r.evaluation, r.tests, true);
  } catch (err) {
    showError(err);
  } finally {
    state.stepping = false;
    syncButtons();
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
        renderSource();
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
  syncButtons();
  try {
    const r = await worker.request('train', { epochs });
    applySnapshot(r);
  } catch (err) {
    showError(err);
  } finally {
    state.training = false;
    document.body.dataset.state = 'ready';
    syncButtons();
    refreshSource();
  }
}

function onWorkerEvent(e) {
  if (e.event === 'failed') {
    showError(e.error);
    return;
  }
  applySnapshot(e);
  if (e.event === 'progress' && Number.isFinite(e.cost)) $('count-cost').textContent = e.cost.toFixed(4);
  if (e.event === 'epoch') {
    afterEvaluation(e.evaluation, e.tests, true);
    $('per-epoch').textContent = t('secondsPerEpoch', { s: e.seconds.toFixed(2) });
    refreshSource();
  }
  renderNeuron();
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
  renderStuck(results);
}

/** Say so when an output neuron never wins: the quadratic cost's learning slowdown. */
function renderStuck(results) {
  const seen = new Set(results.predictions);
  const never = [...Array(10).keys()].filter((d) => !seen.has(d));
  const p = $('stuck');
  p.hidden = !(state.accuracies.length >= 3 && never.length > 0);
  p.textContent = t('stuckHint', { digits: never.join(', ') });
}

function syncButtons() {
  const busy = state.training || state.stepping;
  $('step').disabled = state.training;
  $('epoch').disabled = busy;
  $('train').disabled = state.stepping;
  $('reset').disabled = busy;
  for (const id of ['hidden', 'cost', 'init', 'seed']) $(id).disabled = busy;
  $('train').textContent = state.training ? t('pause') : t('train');
  $('train').setAttribute('aria-pressed', String(state.training));
  $('train').classList.toggle('on', state.training);
}

function renderProgress() {
  const p = state.progress;
  $('epoch-progress').value = p.digitsDone / p.trainSize;
  $('epoch-progress-text').textContent = t('epochProgress', { e: p.epoch, done: p.digitsDone, n: p.trainSize });
  $('count-epoch').textContent = String(p.epoch);
}

$('step').addEventListener('click', step);
$('epoch').addEventListener('click', () => train(1));
$('train').addEventListener('click', () => train(1e9));

// --- The network view's input: a Step's example, a drawing or a test digit ----------------

function renderSource() {
  const s = state.source;
  const r = state.record;
  let text = t('sourceNone');
  if (s?.kind === 'batch' && r) text = t('sourceBatch', { i: state.example + 1, m: r.digits.length, label: r.labels[state.example] });
  if (s?.kind === 'drawing') text = t('sourceDrawing');
  if (s?.kind === 'test') text = t('sourceTest', { i: s.position, label: state.digits.label(state.testIndices[s.position]) });
  $('source').textContent = text;
}

/** Re-runs the forward pass of the shown input after the weights changed. */
async function refreshSource() {
  const s = state.source;
  renderSource();
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
      renderSource();
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

function showCard(hit) {
  const card = $('card');
  if (!hit || !state.weights) {
    card.hidden = true;
    return;
  }
  const f = state.forward;
  const v = (a) => (a === null || a === undefined ? '–' : a.toFixed(3));
  const lines =
    hit.j !== undefined
      ? [`j = ${hit.j}`, `a²ⱼ = ${v(f?.hidden?.[hit.j])}`, `b²ⱼ = ${v(state.weights.b2[hit.j])}`,
        state.record ? `δ²ⱼ (mean) = ${state.record.nablaB2[hit.j].toExponential(2)}` : null]
      : [`i = ${hit.i}`, `a³ᵢ = ${v(f?.output?.[hit.i])}`, `b³ᵢ = ${v(state.weights.b3[hit.i])}`,
        state.record ? `δ³ᵢ (mean) = ${state.record.nablaB3[hit.i].toExponential(2)}` : null];
  card.replaceChildren(...lines.filter(Boolean).map((l) => h('div', { text: l })));
  card.hidden = false;
  card.style.left = `${Math.round(hit.x)}px`;
  card.style.top = `${Math.round(hit.y)}px`;
}

function renderNeuron() {
  if (!state.weights) return;
  const j = Math.min(state.selected ?? state.hovered ?? 0, state.weights.b2.length - 1);
  drawNeuron(
    { title: $('neuron-title'), w: $('neuron-w'), g: $('neuron-g'), numbers: $('neuron-numbers'), out: $('neuron-out') },
    { j, weights: state.weights, gradient: state.record, hidden: state.forward?.hidden, t },
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
  if (document.body.dataset.state === 'loading') return;
  syncButtons();
  renderSource();
  renderNeuron();
  if (state.progress) renderProgress();
  drawChart($('chart'), state.accuracies, t('chartEmpty'));
  tests.render();
  if (state.evaluation) renderStuck(tests.results);
});

window.addEventListener('resize', () => drawChart($('chart'), state.accuracies, t('chartEmpty')));

boot();
