// The playground's settings: the data set (kind, noise, train share, seed), the architecture
// (hidden layers and neurons, output neurons) and the training choices (σ/tanh/ReLU/linear,
// cost, initialisation, λ, seed). It only reports changes; training.js decides what resets.

import { h } from './dom.js';
import { t } from './i18n.js';
import { LIMITS } from './settings-check.js';

const select = (id, options) =>
  h('select', { id }, options.map(([value, key]) => h('option', { value, 'data-i18n': key, text: t(key) })));
const field = (labelKey, control, extra) =>
  h('label', { class: 'field' }, h('span', { 'data-i18n': labelKey, text: t(labelKey) }), control, extra);
const range = (id, min, max, step) => h('input', { id, type: 'range', min, max, step });
const number = (id, min, step) => h('input', { id, type: 'number', min, step, inputmode: 'decimal' });

export function createSettingsPanel(root, { configure }) {
  const dataset = select('set-dataset', [['xor', 'dataXor'], ['circle', 'dataCircle'], ['gaussians', 'dataGaussians'], ['spiral', 'dataSpiral']]);
  const noise = range('set-noise', 0, 1, 0.05);
  const noiseOut = h('output', { class: 'out' });
  const share = range('set-train', 0.1, 0.9, 0.05);
  const shareOut = h('output', { class: 'out' });
  const points = select('set-points', [['100', 'n100'], ['200', 'n200'], ['400', 'n400'], ['800', 'n800']]);
  const dataSeed = number('set-dseed', 0, 1);
  const newData = h('button', { type: 'button', id: 'set-newdata', 'data-i18n': 'newData', text: t('newData') });
  const arch = h('div', { class: 'arch', id: 'set-arch' });
  const addLayer = h('button', { type: 'button', id: 'set-addlayer', 'data-i18n': 'addLayer', text: t('addLayer') });
  const removeLayer = h('button', { type: 'button', id: 'set-removelayer', 'data-i18n': 'removeLayer', text: t('removeLayer') });
  const activation = select('set-activation', [['sigmoid', 'actSigmoid'], ['tanh', 'actTanh'], ['relu', 'actRelu'], ['linear', 'actLinear']]);
  const cost = select('set-cost', [['quadratic', 'costQuadratic'], ['crossEntropy', 'costCrossEntropy']]);
  const init = select('set-init', [['standard', 'initStandard'], ['scaled', 'initScaled']]);
  const lambda = number('set-lambda', 0, 0.1);
  const seed = number('set-seed', 0, 1);

  root.append(
    h('fieldset', {}, h('legend', { 'data-i18n': 'groupData', text: t('groupData') }),
      field('dataSet', dataset), field('noise', noise, noiseOut), field('trainShare', share, shareOut),
      field('points', points), h('div', { class: 'row' }, field('dataSeed', dataSeed), newData)),
    h('fieldset', {}, h('legend', { 'data-i18n': 'groupNetwork', text: t('groupNetwork') }),
      arch, h('div', { class: 'row' }, addLayer, removeLayer)),
    h('fieldset', {}, h('legend', { 'data-i18n': 'groupTraining', text: t('groupTraining') }),
      field('activation', activation), field('cost', cost), field('init', init),
      h('div', { class: 'row' }, field('lambda', lambda), field('seed', seed))),
  );

  let state = null;
  const sizes = () => [...state.settings.sizes];
  const num = (el) => (el.value.trim() === '' ? NaN : Number(el.value));

  dataset.addEventListener('change', () => configure({ dataset: dataset.value }));
  noise.addEventListener('change', () => configure({ noise: Number(noise.value) }));
  noise.addEventListener('input', () => { noiseOut.textContent = noise.value; });
  share.addEventListener('change', () => configure({ trainShare: Number(share.value) }));
  share.addEventListener('input', () => { shareOut.textContent = `${Math.round(share.value * 100)}%`; });
  points.addEventListener('change', () => configure({ points: Number(points.value) }));
  dataSeed.addEventListener('change', () => configure({ dataSeed: num(dataSeed) }));
  newData.addEventListener('click', () => configure({ dataSeed: state.settings.dataSeed + 1 }));
  activation.addEventListener('change', () => configure({ activation: activation.value }));
  cost.addEventListener('change', () => configure({ cost: cost.value }));
  init.addEventListener('change', () => configure({ init: init.value }));
  lambda.addEventListener('change', () => configure({ lambda: num(lambda) }));
  seed.addEventListener('change', () => configure({ seed: num(seed) }));
  addLayer.addEventListener('click', () => {
    const s = sizes();
    s.splice(s.length - 1, 0, s.length > 2 ? s[s.length - 2] : 4);
    configure({ sizes: s });
  });
  removeLayer.addEventListener('click', () => {
    const s = sizes();
    s.splice(s.length - 2, 1);
    configure({ sizes: s });
  });

  /** One "[−] n [+]" stepper per layer after the input; the last one is the output layer. */
  function buildArch() {
    const s = sizes();
    const key = s.join('-');
    if (arch.dataset.key === key) return;
    arch.dataset.key = key;
    const cells = s.map((n, l) => {
      if (l === 0) return h('div', { class: 'layer input' }, h('span', { class: 'n', text: String(n) }), h('small', { text: t('input') }));
      const last = l === s.length - 1;
      const max = last ? LIMITS.outputs : LIMITS.neurons;
      const change = (by) => {
        const next = sizes();
        next[l] = n + by;
        configure({ sizes: next });
      };
      return h('div', { class: `layer${last ? ' output' : ''}`, dataset: { layer: String(l + 1) } },
        h('button', { type: 'button', class: 'icon', 'aria-label': `${t('layer', { l: l + 1 })} −`, disabled: n <= 1, onclick: () => change(-1), text: '−' }),
        h('span', { class: 'n', text: String(n) }),
        h('button', { type: 'button', class: 'icon', 'aria-label': `${t('layer', { l: l + 1 })} +`, disabled: n >= max, onclick: () => change(1), text: '+' }),
        h('small', { text: last ? t('output') : t('layer', { l: l + 1 }) }));
    });
    arch.replaceChildren(...cells);
    addLayer.disabled = s.length - 2 >= LIMITS.hiddenLayers;
    removeLayer.disabled = s.length <= 2;
  }

  return {
    deps: ['settings', 'data'],
    render(s) {
      state = s;
      const st = s.settings;
      const idle = (el) => document.activeElement !== el;
      dataset.value = st.dataset;
      if (idle(noise)) noise.value = String(st.noise);
      noiseOut.textContent = String(st.noise);
      if (idle(share)) share.value = String(st.trainShare);
      shareOut.textContent = `${Math.round(st.trainShare * 100)}%`;
      // A link may ask for any count the checks allow (500, say): list it so the menu shows it.
      if (![...points.options].some((o) => o.value === String(st.points))) {
        const next = [...points.options].find((o) => Number(o.value) > st.points) ?? null;
        points.insertBefore(h('option', { value: String(st.points), text: String(st.points) }), next);
      }
      points.value = String(st.points);
      if (idle(dataSeed)) dataSeed.value = String(st.dataSeed);
      activation.value = st.activation;
      cost.value = st.cost;
      init.value = st.init;
      if (idle(lambda)) lambda.value = String(st.lambda);
      if (idle(seed)) seed.value = String(st.seed);
      arch.dataset.key = arch.dataset.key === st.sizes.join('-') && arch.dataset.lang === document.documentElement.lang ? arch.dataset.key : '';
      arch.dataset.lang = document.documentElement.lang;
      buildArch();
    },
  };
}
