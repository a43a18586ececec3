// The toolbar: Step, Play/Pause, Reset, animation speed, η, m and the two toggles. It turns
// clicks into calls on the animator/trainer (passed in as actions) and reflects the state back
// (button labels, disabled states); it never trains or draws anything itself.

import { t } from './i18n.js';

export function createControls(root, actions) {
  const $ = (sel) => root.querySelector(sel);
  const stepBtn = $('#step');
  const playBtn = $('#play');
  const resetBtn = $('#reset');
  const speed = $('#speed');
  const speedOut = $('#speed-out');
  const eta = $('#eta');
  const batch = $('#batch-size');
  const gradCheck = $('#grad-check');
  const hold = $('#hold');

  stepBtn.addEventListener('click', () => actions.step());
  playBtn.addEventListener('click', () => actions.togglePlay());
  resetBtn.addEventListener('click', () => actions.reset());
  speed.addEventListener('input', () => actions.setSpeed(2 ** Number(speed.value)));
  // η and m go to the core as typed; its error message explains a bad value on the next step.
  eta.addEventListener('change', () => actions.setSetting('eta', eta.value.trim() === '' ? NaN : Number(eta.value)));
  batch.addEventListener('change', () => actions.setSetting('m', Number(batch.value)));
  gradCheck.addEventListener('change', () => actions.setFlag('gradCheck', gradCheck.checked));
  hold.addEventListener('change', () => actions.setFlag('holdBeforeUpdate', hold.checked));

  return {
    deps: ['playing', 'ready', 'speed', 'settings', 'gradCheck', 'holdBeforeUpdate'],
    render(state) {
      playBtn.textContent = state.playing ? t('pause') : t('play');
      playBtn.setAttribute('aria-pressed', String(state.playing));
      playBtn.classList.toggle('on', state.playing);
      stepBtn.disabled = !state.ready;
      playBtn.disabled = !state.ready;
      resetBtn.disabled = !state.ready;
      speedOut.textContent = `${state.speed >= 1 ? state.speed : `1/${1 / state.speed}`}×`;
      const focused = document.activeElement;
      if (focused !== eta) eta.value = Number.isFinite(state.settings.eta) ? String(state.settings.eta) : eta.value;
      if (focused !== batch) batch.value = String(state.settings.m);
      gradCheck.checked = state.gradCheck;
      hold.checked = state.holdBeforeUpdate;
    },
  };
}
