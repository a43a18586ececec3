// The page's message area: every error a person could act on is shown here, never swallowed.
// The wasm core's messages already say what was wrong ("learning rate eta must be a finite
// number > 0, got NaN"); a diverging step gets advice on top.

import { t } from './i18n.js';

/** The state.message for an error thrown by the core or by the page. */
export function messageFor(err) {
  const msg = err instanceof Error ? err.message : String(err);
  return {
    kind: err?.diverged ? 'diverged' : 'error',
    text: err?.diverged ? t('diverged', { msg }) : `${t('errorPrefix')}: ${msg}`,
  };
}

export function createMessages(root, { onDismiss }) {
  const text = root.querySelector('.message-text');
  root.querySelector('.message-close').addEventListener('click', () => onDismiss());
  return {
    render(state) {
      const msg = state.message;
      root.hidden = !msg;
      text.textContent = msg ? msg.text : '';
      root.dataset.kind = msg ? msg.kind : '';
    },
  };
}
