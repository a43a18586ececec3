// Keyboard shortcuts: space = Step, p = Play/Pause, r = Reset. They stay out of the way of
// typing, and of a focused control, where space keeps its usual meaning (press the button).

const TYPING = new Set(['INPUT', 'SELECT', 'TEXTAREA']);
const CONTROLS = new Set(['BUTTON', 'A', 'SUMMARY', 'INPUT', 'SELECT', 'TEXTAREA']);

export function attachKeyboard(actions) {
  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
    const tag = ev.target?.tagName;
    if (TYPING.has(tag) || ev.target?.isContentEditable) return;
    if (ev.key === ' ' && !CONTROLS.has(tag)) {
      ev.preventDefault(); // not a page scroll
      actions.step();
    } else if (ev.key === 'p' || ev.key === 'P') {
      actions.togglePlay();
    } else if (ev.key === 'r' || ev.key === 'R') {
      actions.reset();
    }
  });
}
