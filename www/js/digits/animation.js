// The Step animation: four phases — forward pass (eq. 25), output error (BP1),
// backpropagation (BP2–BP4) and the update (SGD) — each advancing the view's `t` from 0 to 1
// and lighting its entry in the phase bar. finish() jumps to the end (a second Step click).

const PHASES = [
  ['forward', 700],
  ['output-error', 550],
  ['backward', 900],
  ['update', 650],
];

export class StepAnimation {
  constructor(view, phasebar) {
    this.view = view;
    this.phasebar = phasebar;
    this.frame = 0;
    this.done = null;
  }

  get running() {
    return this.done !== null;
  }

  light(phase) {
    let seen = false;
    for (const li of this.phasebar.querySelectorAll('li')) {
      const active = li.dataset.phase === phase;
      li.classList.toggle('active', active);
      li.classList.toggle('done', phase !== null && !seen && !active);
      if (active) seen = true;
    }
  }

  /** Plays the phases; `beforeUpdate()` runs as the update phase starts. Resolves at the end. */
  play(beforeUpdate) {
    this.finish();
    const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
    return new Promise((resolve) => {
      this.done = () => {
        cancelAnimationFrame(this.frame);
        this.done = null;
        if (!this.updated) beforeUpdate();
        this.light(null);
        for (const li of this.phasebar.querySelectorAll('li')) li.classList.add('done');
        this.view.set({ phase: null, t: 1 });
        resolve();
      };
      this.updated = false;
      if (reduced) {
        this.done();
        return;
      }
      let i = 0;
      let start = performance.now();
      this.light(PHASES[0][0]);
      const tick = (now) => {
        const [phase, ms] = PHASES[i];
        const t = Math.min(1, (now - start) / ms);
        this.view.set({ phase, t: ease(t) });
        if (t >= 1) {
          i += 1;
          start = now;
          if (i === PHASES.length) {
            this.done();
            return;
          }
          if (PHASES[i][0] === 'update') {
            beforeUpdate();
            this.updated = true;
          }
          this.light(PHASES[i][0]);
        }
        this.frame = requestAnimationFrame(tick);
      };
      this.frame = requestAnimationFrame(tick);
    });
  }

  finish() {
    this.done?.();
  }
}

const ease = (t) => (t < 0.5 ? 2 * t * t : 1 - 2 * (1 - t) * (1 - t));
