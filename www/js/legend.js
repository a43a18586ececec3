// The network view's legend: the three colour scales (activation, weight/bias, gradient) as
// bars with their ends labelled, so every colour on the page can be read back as a number.

import { activationRange, legendScales, paintLegend } from './colors.js';
import { fmt, layerActivation } from './notation.js';

export function createLegend(root) {
  for (const canvas of root.querySelectorAll('canvas[data-scale]')) paintLegend(canvas, legendScales[canvas.dataset.scale]);
  const lo = root.querySelector('[data-end="a-lo"]');
  const hi = root.querySelector('[data-end="a-hi"]');
  return {
    deps: ['viewNet', 'settings'],
    render(state) {
      if (!state.viewNet) return;
      // Hidden layers use the chosen activation; the output may differ (cross-entropy → σ).
      const [a, b] = activationRange(layerActivation(state.viewNet, 0));
      lo.textContent = fmt(a);
      hi.textContent = fmt(b);
    },
  };
}
