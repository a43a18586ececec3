// The equations panel: eq. 25, BP1–BP4 and the SGD step in MathML, the one in use lit up
// during a step's animation, and under each the hovered weight's or neuron's real numbers
// substituted (for the probe, or for the example of the mini-batch being shown).

import { h, m, mi, mn, mo, mtext, row, sym } from './dom.js';
import { EQUATIONS, paren, partial, sigmaPrime, sumX } from './equations-math.js';
import { t } from './i18n.js';
import { activationPrime, fmt, layerActivation } from './notation.js';

/** Which equations each animation phase is using. */
export function activeEquations(state) {
  switch (state.phase) {
    case 'forward':
      return ['eq25'];
    case 'output-error':
      return ['BP1'];
    case 'backward':
      return state.phaseEq === 'BP2' ? ['BP2'] : ['BP3', 'BP4'];
    case 'update':
      return ['SGD'];
    default:
      return [];
  }
}

const num = (v, digits) => mn(fmt(v, digits));
/** A number after an operator: negative ones in parentheses, as one writes by hand. */
const term = (v, digits) => (v < 0 ? paren(num(v, digits)) : num(v, digits));
const times = () => mo('×');
const idx = (...n) => n.join(n.some((v) => v >= 10) ? ',' : '');

/** The numbers equations are filled with: the probe's backprop or one example's. */
function subject(state) {
  if (typeof state.source === 'number' && state.last?.trace.examples[state.source]) {
    const e = state.last.trace.examples[state.source];
    return { ...e, y: state.last.batch[state.source].y, name: t('forExample', { i: state.source + 1 }) };
  }
  return state.probeBP ? { ...state.probeBP, name: t('forProbe') } : null;
}

/** z^l_j = Σ_k w^l_jk a^{l−1}_k + b^l_j written out, the hovered edge's term marked. */
function eq25Sub(params, s, i, j, hk) {
  const l = i + 2;
  const K = params.weights[i][j].length;
  // Three terms fit the panel; the hovered edge's term is always one of them.
  const ks = K <= 3 ? [...Array(K).keys()] : [...new Set([0, 1, hk ?? 2])].sort((a, b) => a - b);
  const terms = [];
  ks.forEach((k, n) => {
    if (n > 0) terms.push(mo('+'));
    const tm = row(term(params.weights[i][j][k], 2), mo('·'), term(s.a[i][k], 2));
    if (k === hk) tm.setAttribute('class', 'hl');
    terms.push(tm);
  });
  if (ks.length < K) terms.push(mo('+'), mo('⋯'));
  const z = s.z[i][j];
  const gap = () => m('mspace', { width: '0.8em' });
  return [
    row(sym('z', l, j + 1), mo('='), ...terms),
    row(m('mspace', { width: '1.2em' }), mo('+'), term(params.biases[i][j], 2), mo('='), num(z), mo(','), gap(),
      sym('a', l, j + 1), mo('='), mi('σ'), paren(num(z)), mo('='), num(s.a[i + 1][j])),
  ];
}

function bp1Sub(state, s, i, j) {
  const L = i + 2;
  const a = s.a[i + 1][j];
  const y = s.y[j];
  const d = s.delta[i][j];
  if (state.viewNet.cost === 'crossEntropy') {
    // With cross-entropy and a sigmoid output, σ′(z) cancels: δ^L = a^L − y (chapter 3).
    return [row(sym('δ', L, j + 1), mo('='), sym('a', L, j + 1), mo('−'), sym('y', undefined, j + 1), mo('='), num(a), mo('−'), term(y), mo('='), num(d))];
  }
  const sp = activationPrime(layerActivation(state.viewNet, i), s.z[i][j]);
  return [
    row(sym('δ', L, j + 1), mo('='), paren(sym('a', L, j + 1), mo('−'), sym('y', undefined, j + 1)), sigmaPrime(sym('z', L, j + 1))),
    row(mo('='), paren(num(a), mo('−'), term(y)), times(), term(sp), mo('='), num(d)),
  ];
}

function bp2Sub(state, params, s, i, j) {
  const l = i + 2;
  const next = params.weights[i + 1];
  const K = next.length;
  const ks = K <= 3 ? [...Array(K).keys()] : [0, 1];
  const terms = [];
  ks.forEach((k, n) => {
    if (n > 0) terms.push(mo('+'));
    terms.push(row(term(next[k][j], 2), mo('·'), term(s.delta[i + 1][k], 2)));
  });
  if (ks.length < K) terms.push(mo('+'), mo('⋯'));
  const sp = activationPrime(layerActivation(state.viewNet, i), s.z[i][j]);
  return [
    row(sym('δ', l, j + 1), mo('='), paren(m('munder', {}, mo('∑'), mi('k')), sym('w', l + 1, `k${j + 1}`), sym('δ', l + 1, 'k')), sigmaPrime(sym('z', l, j + 1))),
    row(mo('='), paren(...terms), times(), term(sp), mo('='), num(s.delta[i][j])),
  ];
}

function sgdSub(state, i, j, k) {
  const last = state.last;
  if (!last) return mtext(t('noStepYet'));
  const isW = k !== undefined;
  const before = isW ? last.before.weights[i][j][k] : last.before.biases[i][j];
  const after = isW ? last.after.weights[i][j][k] : last.after.biases[i][j];
  const mean = isW ? last.trace.nablaW[i][j][k] : last.trace.nablaB[i][j];
  const symbol = isW ? sym('w', i + 2, idx(j + 1, k + 1)) : sym('b', i + 2, j + 1);
  const decay = isW && last.lambda > 0 ? [paren(mn('1'), mo('−'), mn(fmt((last.eta * last.lambda) / last.n))), times()] : [];
  // Five digits, so the old and new values differ visibly even for a small step.
  const sum = mean * last.m;
  return row(
    symbol, mo('→'), ...decay, mn(fmt(before, 5)), mo('−'), paren(mn(fmt(last.eta)), mo('/'), mn(String(last.m))), times(),
    sum < 0 ? paren(mn(fmt(sum))) : mn(fmt(sum)), mo('='), mn(fmt(after, 5)),
  );
}

function gradCheckSub(state, hov) {
  const g = state.gradCheckResult;
  if (!g) return null;
  let numeric;
  let backprop;
  if (hov?.kind === 'edge') [numeric, backprop] = [g.numericW[hov.i][hov.j][hov.k], g.backpropW[hov.i][hov.j][hov.k]];
  else if (hov?.kind === 'neuron' && hov.l > 0) [numeric, backprop] = [g.numericB[hov.l - 1][hov.j], g.backpropB[hov.l - 1][hov.j]];
  if (numeric === undefined) return null;
  const rel = Math.abs(numeric - backprop) / Math.max(Math.abs(numeric) + Math.abs(backprop), 1e-300);
  const gap = () => m('mspace', { width: '0.4em' });
  return [
    row(mtext(t('numerical')), gap(), mn(fmt(numeric, 8)), gap(), mo('≈'), gap(), mtext(t('backpropLabel')), gap(), mn(fmt(backprop, 8))),
    row(mtext(t('relError')), gap(), mn(fmt(rel, 2))),
  ];
}

/** The substitution for equation `id` and the hovered item, or null when none applies. */
function substitution(state, id, hov) {
  const s = subject(state);
  const params = state.display ?? state.viewParams;
  if (!hov || !s || !params) return null;
  const L = params.sizes.length;
  const [i, j, k] = hov.kind === 'edge' ? [hov.i, hov.j, hov.k] : [hov.l - 1, hov.j, undefined];
  if (i < 0) return null;
  switch (id) {
    case 'eq25':
      return eq25Sub(params, s, i, j, k);
    case 'BP1':
      return i === L - 2 ? bp1Sub(state, s, i, j) : null;
    case 'BP2':
      return i < L - 2 ? bp2Sub(state, params, s, i, j) : null;
    case 'BP3':
      return row(partial(mi('C'), sym('b', i + 2, j + 1)), mo('='), sym('δ', i + 2, j + 1), mo('='), num(s.nablaB[i][j]));
    case 'BP4':
      if (k === undefined) return null;
      return row(
        partial(mi('C'), sym('w', i + 2, idx(j + 1, k + 1))), mo('='), sym('a', i + 1, k + 1), sym('δ', i + 2, j + 1),
        mo('='), num(s.a[i][k]), times(), term(s.delta[i][j]), mo('='), num(s.nablaW[i][j][k]),
      );
    case 'SGD':
      return sgdSub(state, i, j, k);
    case 'gradcheck':
      return gradCheckSub(state, hov);
    default:
      return null;
  }
}

export function createEquationsPanel(container) {
  const rows = new Map();
  const hint = h('p', { class: 'eq-hint', 'data-i18n': 'hoverHint', text: t('hoverHint') });
  const worst = h('p', { class: 'eq-worst' });
  container.append(hint);
  for (const eq of EQUATIONS) {
    const general = m('math', { display: 'block', class: 'eq-math' });
    const sub = h('div', { class: 'eq-sub' });
    const el = h(
      'div',
      { class: 'eq', dataset: { eq: eq.id } },
      h('div', { class: 'eq-head' }, h('span', { class: 'eq-tag', text: eq.tag }), h('span', { class: 'eq-caption', 'data-i18n': eq.caption })),
      general,
      sub,
    );
    if (eq.id === 'gradcheck') el.append(worst);
    container.append(el);
    rows.set(eq.id, { el, general, sub, eq, lambda: null });
  }

  return {
    deps: ['hover', 'phase', 'phaseEq', 'probeBP', 'last', 'gradCheck', 'gradCheckResult', 'source', 'settings', 'display', 'viewParams'],
    render(state) {
      const active = new Set(activeEquations(state));
      const hov = state.hover;
      const subjectName = subject(state)?.name;
      // Each set only on change: Play renders this every frame, and an attribute or text set
      // to the value it already has still makes Chromium restyle the element.
      if (hint.hidden !== Boolean(hov)) hint.hidden = Boolean(hov);
      for (const [id, r] of rows) {
        const lambda = state.settings.lambda;
        if (r.lambda !== lambda) {
          r.general.replaceChildren(r.eq.build({ lambda }));
          r.lambda = lambda;
        }
        r.el.classList.toggle('active', active.has(id));
        if (id === 'gradcheck' && r.el.hidden !== !state.gradCheck) r.el.hidden = !state.gradCheck;
        const s = substitution(state, id, hov);
        if (s) {
          const who = id === 'SGD' ? t('lastStep') : id === 'gradcheck' ? t('forProbe') : subjectName;
          const lines = (Array.isArray(s) ? s : [s]).map((line) => h('div', { class: 'eq-line' }, m('math', {}, line)));
          r.sub.replaceChildren(h('span', { class: 'eq-who', text: who }), ...lines);
        } else if (r.sub.firstChild) {
          r.sub.replaceChildren();
        }
      }
      const g = state.gradCheckResult;
      let text;
      if (state.gradCheck && g) {
        const n = state.viewParams.weights.flat(2).length + state.viewParams.biases.flat().length;
        text = t('worstRelError', { n, e: fmt(g.maxRelativeError, 2) });
        worst.dataset.value = String(g.maxRelativeError);
      } else {
        text = state.gradCheck ? '' : t('gradCheckOff');
      }
      if (worst.textContent !== text) worst.textContent = text;
    },
  };
}
