// Which neuron or edge of the network view is under the pointer (mouse, pen or touch), so
// the hover card and the equations can show its numbers. A tap or click pins the choice,
// so the numbers stay on screen (and live) while the network trains.

/** Distance from point p to the segment a–b. */
function segmentDistance(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + u * dx), py - (ay + u * dy));
}

/**
 * The neuron ({ kind: 'neuron', l, j }, l = 0 for the input layer) or edge
 * ({ kind: 'edge', i, j, k } for weights[i][j][k]) nearest to (x, y), or null.
 */
export function hitTest(geo, sizes, x, y) {
  for (let l = 0; l < sizes.length; l++) {
    for (let j = 0; j < sizes[l]; j++) {
      if (Math.hypot(x - geo.xs[l], y - geo.ys[l][j]) <= geo.r + 4) return { kind: 'neuron', l, j };
    }
  }
  let best = null;
  let bestD = Math.max(6, geo.r * 0.35);
  for (let i = 0; i < sizes.length - 1; i++) {
    if (x < geo.xs[i] + geo.r || x > geo.xs[i + 1] - geo.r) continue;
    for (let j = 0; j < sizes[i + 1]; j++) {
      for (let k = 0; k < sizes[i]; k++) {
        const d = segmentDistance(x, y, geo.xs[i], geo.ys[i][k], geo.xs[i + 1], geo.ys[i + 1][j]);
        if (d < bestD) {
          bestD = d;
          best = { kind: 'edge', i, j, k };
        }
      }
    }
  }
  return best;
}

const same = (a, b) => a === b || (a && b && a.kind === b.kind && a.i === b.i && a.j === b.j && a.k === b.k && a.l === b.l);

export function attachHitTesting(view, store) {
  const svg = view.element;
  const { state } = store;

  function targetAt(ev) {
    const geo = view.geometry();
    if (!geo || !state.viewNet) return null;
    const box = svg.getBoundingClientRect();
    const [px, py] = [ev.clientX - box.left, ev.clientY - box.top];
    const hit = hitTest(geo, Array.from(state.viewNet.sizes), px, py);
    // Where the pointer was, so the card can sit beside it without hiding the item.
    return hit && { ...hit, px, py };
  }

  svg.addEventListener('pointermove', (ev) => {
    if (state.pinned || ev.pointerType === 'touch') return;
    const hit = targetAt(ev);
    if (!same(hit, state.hover)) store.set({ hover: hit });
    svg.classList.toggle('pointing', hit !== null);
  });
  svg.addEventListener('pointerleave', (ev) => {
    if (!state.pinned && ev.pointerType !== 'touch') store.set({ hover: null });
  });
  // A click or tap pins what is under it; on empty space it unpins.
  svg.addEventListener('pointerdown', (ev) => {
    const hit = targetAt(ev);
    const unpin = hit === null || (state.pinned && same(hit, state.hover));
    store.set({ hover: unpin ? null : hit, pinned: !unpin });
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && state.hover) store.set({ hover: null, pinned: false });
  });
}
