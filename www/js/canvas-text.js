// Text on the page's canvases, copied from small canvases of its own rather than drawn in
// place: drawing text (or setting the font) on a canvas in the document makes Chromium
// restyle the page on the spot, which during Play meant styling the network view's changes
// twice a frame. Each text is drawn once per font, colours and device pixel ratio.

const labels = new Map();

/**
 * Draws `text` with its baseline at (x, y) — left-, centre- or right-aligned, filled,
 * optionally with a 3 px halo — on `ctx` (whose transform maps CSS pixels to device pixels).
 */
export function label(ctx, text, x, y, { font, fill, halo = null, align = 'left' }) {
  const dpr = window.devicePixelRatio || 1;
  const key = `${dpr}|${font}|${fill}|${halo}|${text}`;
  let l = labels.get(key);
  if (!l) {
    if (labels.size >= 500) labels.clear(); // a probe dragged over many values: start again
    const c = document.createElement('canvas');
    const g = c.getContext('2d');
    g.font = font;
    const m = g.measureText(text);
    const pad = 3; // room for the halo
    const ascent = Math.ceil(m.fontBoundingBoxAscent);
    l = { c, width: Math.ceil(m.width) + 2 * pad, height: ascent + Math.ceil(m.fontBoundingBoxDescent) + 2 * pad, pad, ascent };
    c.width = Math.ceil(l.width * dpr);
    c.height = Math.ceil(l.height * dpr);
    g.scale(dpr, dpr);
    g.font = font; // (a new size resets the context)
    if (halo) {
      g.lineWidth = 3;
      g.strokeStyle = halo;
      g.strokeText(text, pad, pad + ascent);
    }
    g.fillStyle = fill;
    g.fillText(text, pad, pad + ascent);
    labels.set(key, l);
  }
  const inner = l.width - 2 * l.pad;
  const start = align === 'right' ? x - inner : align === 'center' ? x - inner / 2 : x;
  // On whole device pixels, so the copy is as sharp as text drawn in place.
  const snap = (v) => Math.round(v * dpr) / dpr;
  ctx.drawImage(l.c, snap(start - l.pad), snap(y - l.ascent - l.pad), l.c.width / dpr, l.c.height / dpr);
}
