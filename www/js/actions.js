// What a learner can do, as functions the controls, keys and panels call: each stops a running
// animation or Play when it must, asks the trainer or animator, and turns any error into a
// visible message (state.message) instead of letting it vanish.

import { download, exportDocument, parseDocument, readText } from './files.js';
import { applyLanguage, rememberLanguage, t } from './i18n.js';
import { cleanText, messageFor } from './messages.js';

export function createActions(store, trainer, animator) {
  const { state } = store;
  const fail = (err) => store.set({ message: messageFor(err, state) });
  const info = (text) => store.set({ message: { kind: 'info', text } });
  const guarded = (fn) => (...args) => {
    try {
      return fn(...args);
    } catch (err) {
      fail(err);
      return undefined;
    }
  };

  const actions = {
    fail,
    step: () => animator.step(),
    togglePlay: () => (state.playing ? animator.pause() : animator.play()),
    reset: guarded(() => {
      animator.pause();
      animator.finish();
      trainer.reset();
    }),
    setSpeed: (speed) => store.set({ speed }),
    /** η and m change how the next step is taken, never the network: no reset. */
    setSetting: (key, value) => {
      if (key === 'm' && !(Number.isInteger(value) && value >= 1 && value <= state.data.train.length)) {
        fail(new Error(`mini-batch size m must be a whole number from 1 to ${state.data.train.length}, got ${value}`));
        return;
      }
      store.set({ settings: { ...state.settings, [key]: value }, message: null });
    },
    setFlag: (key, value) => {
      store.set({ [key]: value });
      if (key === 'holdBeforeUpdate' && !value) animator.resume();
    },
    /** Data, architecture and training settings; a new shape visibly starts a new network. */
    configure: guarded((patch) => {
      animator.pause();
      animator.finish();
      if (trainer.configure(patch)) {
        const s = state.settings;
        info(t('networkReset', { seed: s.seed, sizes: s.sizes.join('–') }));
      } else {
        store.set({ message: null });
      }
    }),
    selectSource: (source) => {
      if (source !== 'probe' && source !== 'mean') animator.hold();
      store.set({ source });
    },
    resume: () => animator.resume(),
    exportJson: guarded(() => download(exportDocument(state))),
    /** A bad file changes nothing: the network being trained stays, and the message says why. */
    importJson: async (file) => {
      const name = cleanText(file.name).slice(0, 80);
      try {
        const { network, settings, ignored } = parseDocument(await readText(file), state.settings);
        animator.pause();
        animator.finish();
        trainer.load(network, settings);
        const sizes = state.settings.sizes.join('–');
        if (ignored.length) store.set({ message: { kind: 'error', text: cleanText(t('importedIgnoring', { sizes, file: name, what: ignored.map((x) => `• ${x}`).join('\n') })) } });
        else info(t('imported', { sizes, file: name }));
      } catch (err) {
        fail(new Error(`could not import ${name}: ${err?.message ?? err}`));
      }
    },
    setLanguage: (lang) => {
      applyLanguage(lang);
      rememberLanguage(lang);
      document.title = t('title');
      store.touch('settings');
    },
  };
  return actions;
}
