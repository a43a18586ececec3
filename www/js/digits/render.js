// The page's text from its state: the loader line, counters, progress, the source line, the
// Step/Train buttons, the "stuck output" hint and the hover card. Each function reads the
// state object main.js owns and writes only its own elements.

import { h } from '../dom.js';
import { t } from './strings.js';

const $ = (id) => document.getElementById(id);

export function renderLoader(state) {
  const l = state.loaded;
  const n = (v) => v.toLocaleString('en');
  $('loader-text').textContent =
    l === null ? t('loadingData') : l === 'worker' ? t('startingWorker') : t('loadedData', { n: n(l.n), train: n(l.train), test: n(l.test) });
}

/** Say so when an output neuron never wins: the quadratic cost's learning slowdown. */
export function renderStuck(state, results) {
  const seen = new Set(results.predictions);
  const never = [...Array(10).keys()].filter((d) => !seen.has(d));
  const p = $('stuck');
  p.hidden = !(state.accuracies.length >= 3 && never.length > 0);
  p.textContent = t('stuckHint', { digits: never.join(', ') });
}

export function syncButtons(state) {
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

export function renderPerEpoch(state) {
  $('per-epoch').textContent = state.seconds === null ? '' : t('secondsPerEpoch', { s: state.seconds.toFixed(2) });
}

export function renderProgress(state) {
  const p = state.progress;
  $('epoch-progress').value = p.digitsDone / p.trainSize;
  $('epoch-progress-text').textContent = t('epochProgress', { e: p.epoch, done: p.digitsDone, n: p.trainSize });
  $('count-epoch').textContent = String(p.epoch);
}

export function renderSource(state) {
  const s = state.source;
  const r = state.record;
  let text = t('sourceNone');
  if (s?.kind === 'batch' && r) text = t('sourceBatch', { i: state.example + 1, m: r.digits.length, label: r.labels[state.example] });
  if (s?.kind === 'drawing') text = t('sourceDrawing');
  if (s?.kind === 'test') text = t('sourceTest', { i: s.position, label: state.digits.label(state.testIndices[s.position]) });
  $('source').textContent = text;
}

export function showCard(state, hit) {
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
        state.record ? `δ²ⱼ (${t('mean')}) = ${state.record.nablaB2[hit.j].toExponential(2)}` : null]
      : [`i = ${hit.i}`, `a³ᵢ = ${v(f?.output?.[hit.i])}`, `b³ᵢ = ${v(state.weights.b3[hit.i])}`,
        state.record ? `δ³ᵢ (${t('mean')}) = ${state.record.nablaB3[hit.i].toExponential(2)}` : null];
  card.replaceChildren(...lines.filter(Boolean).map((l) => h('div', { text: l })));
  card.hidden = false;
  card.style.left = `${Math.round(hit.x)}px`;
  card.style.top = `${Math.round(hit.y)}px`;
}

/** How the weight tiles are scaled (their colours are relative to the layer's weights). */
export function renderTileScale(fullAt) {
  $('tile-scale').textContent = t('tileScale', { w: fullAt.toPrecision(2) });
}
