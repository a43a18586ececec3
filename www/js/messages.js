// The page's message area: every error a person could act on is shown here, never swallowed.
// The wasm core's messages already say what was wrong ("learning rate eta must be a finite
// number > 0, got NaN"); a diverging step gets its step number and advice on top.

import { t } from './i18n.js';

/** Longest message shown: text from a file or a link can be arbitrarily long. */
const MAX_CHARS = 2000;

/** One line of readable text: no control or direction-override characters, clipped. */
export function cleanText(text) {
  const s = String(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '�');
  return s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS - 1)}…` : s;
}

/**
 * The state.message for an error thrown by the core or by the page. `state` (optional) gives
 * a refused step its number: steps before it happened, so it is state.step + 1.
 */
export function messageFor(err, state = null) {
  const msg = err instanceof Error ? err.message : String(err);
  if (!err?.diverged) return { kind: 'error', text: cleanText(`${t('errorPrefix')}: ${msg}`) };
  const step = (state?.step ?? 0) + 1;
  // Rust prints ±∞ as "inf"; a learner reads "Infinity" as JS does.
  const what = msg.replace(/\b(-?)inf\b/g, '$1Infinity');
  return { kind: 'diverged', step, text: cleanText(t('diverged', { msg: what, step, prev: step - 1, eta: state?.settings?.eta ?? '?' })) };
}

export function createMessages(root, { onDismiss }) {
  const text = root.querySelector('.message-text');
  root.querySelector('.message-close').addEventListener('click', () => onDismiss());
  return {
    // Set only on change: Play renders this every frame.
    render({ message: msg }) {
      const put = (o, k, v) => o[k] !== v && (o[k] = v);
      put(root, 'hidden', !msg);
      put(text, 'textContent', msg ? msg.text : '');
      put(root.dataset, 'kind', msg ? msg.kind : '');
    },
  };
}
