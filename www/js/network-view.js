//# allFunctionsCalledOnLoad
// The network: neurons filled by a^l_j with a bias ring, edges coloured by w^l_jk, and, during
// a step, the forward flow, δ halos and ∂C/∂w glows of the current phase. The edges and their
// glows are painted on a canvas under the SVG (one stroke each, so a redraw with every weight
// new is a few thousand canvas calls, not thousands of SVG attributes for Blink to restyle);
// everything else is SVG. It reads the state and redraws; hit-testing for the hover card lives
// in network-hit.js (geometric, so it needs no element per edge).

import { activationColor, activationInk, activationRange, gradientColor, strengthRGB, weightColor, weightStrength } from './colors.js';
import { maxAbs, shownSource } from './derived.js';
import { record } from './frame-timing.js';
import { t } from './i18n.js';
import { sizeOf } from './measure.js';
import { inputMapURL, neuronMapURL } from './neuron-maps.js';
import { fmt, layerActivation } from './notation.js';

const SVG = 'http://www.w3.org/2000/svg';
const UNCOMPUTED = '#eceef2';
/** Two decimals fit inside a neuron: "0.46", "−0.04". */
const fixed2 = (v) => v.toFixed(2).replace('-', '−');

function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  parent?.append(e);
  return e;
}

/** setAttribute only when the value changed: from frame to frame most attributes stay put. */
function put(e, name, value) {
  const cache = e.__attrs ?? (e.__attrs = {});
  const v = String(value);
  if (cache[name] !== v) {
    cache[name] = v;
    e.setAttribute(name, v);
  }
}

/** textContent only when it changed (setting it always replaces the text node). */
function text(e, value) {
  if (e.__text !== value) {
    e.__text = value;
    e.textContent = value;
  }
}

/**
 * Edge colours by rank: an edge's colour and opacity come from its sign and its strength s
 * rounded to 1/STRENGTH_STEPS (under one unit of colour, under 0.004 of opacity: nothing one
 * could see), so a canvas redraw sets at most 2 · (STRENGTH_STEPS + 1) stroke colours, each
 * parsed by the browser, instead of one per edge. rank = 2 · round(s · STRENGTH_STEPS) + (w ≥ 0):
 * painting by rising rank puts the strong edges on top. Its width stays exact (0.01 px).
 */
const STRENGTH_STEPS = 128;
const RANKS = 2 * (STRENGTH_STEPS + 1);
/** rank → { stroke (CSS colour, opacity included), opacity }, for each fade (see build). */
const rankStyles = new Map();
function stylesFor(fade) {
  let styles = rankStyles.get(fade);
  if (!styles) {
    styles = Array.from({ length: RANKS }, (_, rank) => {
      const s = (rank >> 1) / STRENGTH_STEPS;
      const [r, g, b] = strengthRGB((rank & 1) === 0, s);
      // With many edges, weak ones fade further so the strong paths stay readable.
      const opacity = Math.round((fade + (1 - fade) * s) * 100) / 100;
      return { stroke: `rgba(${r | 0}, ${g | 0}, ${b | 0}, ${opacity.toFixed(2)})`, opacity };
    });
    rankStyles.set(fade, styles);
  }
  return styles;
}
/** The glows' colour; each one's opacity is the canvas's globalAlpha (cheaper than a colour). */
const GLOW_STROKE = gradientColor(1);

/** Where every neuron sits for `sizes` in a W × H box; layers are evenly spaced columns. */
export function layout(sizes, W, H) {
  const top = 46;
  const bottom = 22;
  const side = Math.max(40, Math.min(90, W * 0.09));
  const L = sizes.length;
  const xs = sizes.map((_, l) => side + ((W - 2 * side) * l) / (L - 1));
  const most = Math.max(...sizes);
  const gap = Math.min((H - top - bottom) / most, 86);
  const r = Math.max(4, Math.min(gap * 0.3, (xs[1] - xs[0]) * 0.12, 24));
  const mid = top + (H - top - bottom) / 2;
  const ys = sizes.map((n) => Array.from({ length: n }, (_, j) => mid + (j - (n - 1) / 2) * gap));
  return { xs, ys, r, W, H };
}

/** The view's elements for one network shape; rebuilt only when the sizes change. */
function build(svg, sizes, geo) {
  svg.replaceChildren();
  const groups = {};
  for (const name of ['labels', 'flows', 'neurons', 'hover']) groups[name] = el('g', { class: name }, svg);
  const labels = sizes.map((_, l) => {
    const g = el('g', {}, groups.labels);
    const title = el('text', { x: geo.xs[l], y: 16, class: 'layer-title' }, g);
    const sub = el('text', { x: geo.xs[l], y: 31, class: 'layer-sub' }, g);
    return { title, sub };
  });
  const edges = [];
  for (let i = 0; i < sizes.length - 1; i++) {
    edges.push([]);
    for (let j = 0; j < sizes[i + 1]; j++) {
      edges[i].push([]);
      for (let k = 0; k < sizes[i]; k++) {
        const pos = { x1: geo.xs[i], y1: geo.ys[i][k], x2: geo.xs[i + 1], y2: geo.ys[i + 1][j] };
        const len = Math.hypot(pos.x2 - pos.x1, pos.y2 - pos.y1);
        const path = new Path2D();
        path.moveTo(pos.x1, pos.y1);
        path.lineTo(pos.x2, pos.y2);
        edges[i][j].push({
          ...pos,
          len,
          path,
          // What the canvas strokes: the edge's colour rank and width in hundredths of a
          // pixel; the glow's opacity in thousandths (0: none), width in hundredths, and the
          // tenths of a pixel it has not yet grown over, from the left end.
          rank: -1,
          hundredths: 0,
          glow: 0,
          glowHundredths: 0,
          glowGap: 0,
          flow: el('line', { ...pos, class: 'flow', 'stroke-dasharray': `${len} ${len}` }, groups.flows),
        });
      }
    }
  }
  const neurons = sizes.map((n, l) =>
    Array.from({ length: n }, (_, j) => {
      const cx = geo.xs[l];
      const cy = geo.ys[l][j];
      const g = el('g', { class: 'neuron', 'data-l': l + 1, 'data-j': j + 1 }, groups.neurons);
      const halo = el('circle', { cx, cy, r: geo.r, class: 'halo' }, g);
      const ring = l > 0 ? el('circle', { cx, cy, r: geo.r + 3, class: 'bias' }, g) : null;
      const body = el('circle', { cx, cy, r: geo.r, class: 'body' }, g);
      const map = el('image', { x: cx - geo.r, y: cy - geo.r, width: 2 * geo.r, height: 2 * geo.r, class: 'map', preserveAspectRatio: 'none', visibility: 'hidden' }, g);
      const value = el('text', { x: cx, y: cy, class: 'value' }, g);
      value.style.fontSize = `${Math.max(8, geo.r * 0.56).toFixed(1)}px`;
      const index = el('text', { x: cx - geo.r - 5, y: cy - geo.r + 2, class: 'index' }, g);
      index.textContent = String(j + 1);
      const delta = el('text', { x: cx, y: cy + geo.r + 19, class: 'delta' }, g);
      return { halo, ring, body, map, value, delta };
    }),
  );
  const hover = {
    outline: el('line', { class: 'hover-outline' }, groups.hover),
    line: el('line', { class: 'hover-line' }, groups.hover),
    from: el('circle', { class: 'hover-neuron' }, groups.hover),
    to: el('circle', { class: 'hover-neuron' }, groups.hover),
  };
  const edgeCount = sizes.slice(1).reduce((n, s, i) => n + s * sizes[i], 0);
  const fade = edgeCount > 60 ? 0.12 : 0.35;
  return {
    labels,
    edges,
    neurons,
    hover,
    showIndex: geo.r >= 9,
    // Many edges meet at each neuron: square ends keep the fans apart (round ones otherwise).
    dense: edgeCount > 60,
    // Many edges are drawn thinner; weak ones fade further so the strong paths stay readable.
    thin: edgeCount > 60 ? Math.max(0.45, Math.sqrt(60 / edgeCount)) : 1,
    styles: stylesFor(fade),
    // Every edge in the order of `edges`, and the order they are painted in (by rank).
    flat: edges.flat(2),
    order: new Int32Array(edgeCount),
    rankStart: new Int32Array(RANKS + 1),
    // Whether the canvas must be painted again (it is blank after a rebuild), and whether any
    // glow or flow may be visible (all may be, until the first draw hides them).
    dirty: true,
    glowsShown: true,
    flowsShown: edges.map(() => true),
  };
}

/** How far each part of the picture has got in the current phase (see animation.js). */
function phaseView(state, L) {
  const { phase, phaseLayer: l, phaseProgress: p, phaseEq } = state;
  const v = {
    // Per book layer 1..L: how much of the activation is shown (0 = not yet computed).
    shownA: (lb) => 1,
    shownDelta: () => 0,
    shownGlow: () => 0,
    flow: null,
    glowReveal: null,
  };
  const showGradients = state.source !== 'probe';
  if (phase === 'idle') {
    if (showGradients) {
      v.shownDelta = () => 1;
      v.shownGlow = () => 1;
    }
  } else if (phase === 'forward') {
    v.shownA = (lb) => (lb < l ? 1 : lb === l ? p : 0);
    v.flow = { layer: l, p };
  } else if (phase === 'output-error') {
    v.shownDelta = (lb) => (lb === L ? p : 0);
  } else if (phase === 'backward' && phaseEq === 'BP2') {
    // BP2 carries δ^(l+1) back through (w^(l+1))ᵀ to layer l.
    v.shownDelta = (lb) => (lb > l ? 1 : lb === l ? p : 0);
    v.shownGlow = (lw) => (lw > l ? 1 : 0);
    v.flow = { layer: l + 1, p, backward: true };
  } else if (phase === 'backward') {
    // BP3 and BP4: once δ^l is known, every ∂C/∂b^l and ∂C/∂w^l follows; their glow grows
    // from layer l back towards layer l−1.
    v.shownDelta = (lb) => (lb >= l ? 1 : 0);
    v.shownGlow = (lw) => (lw > l ? 1 : lw === l ? p : 0);
    v.glowReveal = { layer: l, p };
  } else if (phase === 'update') {
    v.shownDelta = () => 1;
    v.shownGlow = () => 1 - 0.6 * p;
  }
  return v;
}

/** Each view's edge reader, by its SVG element (see drawnEdges). */
const edgeReaders = new WeakMap();

/**
 * What the network view on `svg` last painted for each edge, read from the records the canvas
 * was stroked from (for tests; a copy): [{ l, j, k (1-based, as in the book), stroke (its CSS
 * colour, opacity included), width, opacity, x1, y1, x2, y2 (in the SVG's user units = CSS
 * px from its top-left corner) }, …] in the order of weights[i][j][k]; [] before the first paint.
 */
export function drawnEdges(svg) {
  return edgeReaders.get(svg)?.() ?? [];
}

export function createNetworkView(svg, caption) {
  let parts = null;
  let geo = null;
  let shape = '';
  // The edges' canvas, under the SVG (which lies over it, transparent, and takes the pointer).
  const canvas = document.createElement('canvas');
  canvas.className = 'net-edges';
  canvas.setAttribute('aria-hidden', 'true');
  svg.before(canvas);
  const ctx = canvas.getContext('2d');
  let painted = false;
  edgeReaders.set(svg, () =>
    !painted
      ? []
      : parts.edges.flatMap((layer, i) =>
          layer.flatMap((row, j) =>
            row.map((e, k) => ({
              l: i + 2,
              j: j + 1,
              k: k + 1,
              stroke: parts.styles[e.rank].stroke,
              width: e.hundredths / 100,
              opacity: parts.styles[e.rank].opacity,
              x1: e.x1,
              y1: e.y1,
              x2: e.x2,
              y2: e.y2,
            })),
          ),
        ),
  );

  function ensure(state) {
    const sizes = state.viewParams.sizes;
    const { width, height } = sizeOf(svg);
    const dpr = window.devicePixelRatio || 1;
    const key = `${sizes.join(',')}|${Math.round(width)}x${Math.round(height)}|${dpr}`;
    if (key === shape) return;
    shape = key;
    mapsFrom = null;
    const [W, H] = [Math.max(1, width), Math.max(1, height)];
    put(svg, 'viewBox', `0 0 ${W} ${H}`);
    geo = layout(sizes, W, H);
    parts = build(svg, sizes, geo);
    painted = false;
    // The backing store in device pixels, mapped onto the same W × H units as the SVG.
    canvas.width = Math.max(1, Math.round(W * dpr));
    canvas.height = Math.max(1, Math.round(H * dpr));
    parts.scale = [canvas.width / W, canvas.height / H];
    svg.classList.toggle('dense', parts.dense);
  }

  function drawLabels(state) {
    const L = parts.labels.length;
    parts.labels.forEach(({ title, sub }, l) => {
      text(title, t('layer', { l: l + 1 }));
      text(sub, l === 0 ? t('input') : l === L - 1 ? `${t('output')}, L = ${L}` : '');
    });
  }

  /**
   * Edges: colour, width and opacity from w^l_jk; during a step also the ∂C/∂w glow and the
   * flow of the current phase. Play redraws every frame, so an edge keeps its look unless its
   * weight changed, the glows are only visited while some are shown, and the canvas is only
   * painted again when some edge or glow looks different.
   */
  function drawEdges(state, src, pv) {
    const params = state.display ?? state.viewParams;
    // While Play trains, an edge is redrawn once its strength has moved by a step one could
    // see (0.005 of the scale: under one colour unit, 0.02 px of width); at rest, exactly.
    const step = state.playing ? 0.005 : 0;
    const grads = src?.nablaW;
    const glows = parts.edges.map((_, i) => (grads ? pv.shownGlow(i + 2) : 0));
    const glowing = glows.some((g) => g > 0);
    const flowLayer = src && pv.flow ? pv.flow.layer - 2 : -1;
    const maxG = glowing ? maxAbs(grads) : 1;
    const { thin } = parts;
    let dirty = parts.dirty;
    parts.edges.forEach((layer, i) => {
      const visitGlow = glowing || parts.glowsShown;
      const visitFlow = flowLayer === i || parts.flowsShown[i];
      const range = ranges[i];
      const reveal = pv.glowReveal?.layer === i + 2 ? pv.glowReveal.p : 1;
      for (let j = 0; j < layer.length; j++) {
        const row = layer[j];
        const wRow = params.weights[i][j];
        for (let k = 0; k < row.length; k++) {
          const e = row[k];
          const w = wRow[k];
          const s = weightStrength(w);
          const width = (0.6 + 4.4 * s) * thin;
          // (A new edge has no e.s yet: NaN compares false, so it is always drawn.)
          if (w !== e.w && !(Math.abs(s - e.s) < step && w < 0 === e.w < 0)) {
            e.w = w;
            e.s = s;
            dirty = drawWeight(e, w, s, width) || dirty;
          }
          if (visitGlow) dirty = drawGlow(e, glows[i] > 0 ? glows[i] : 0, grads?.[i][j][k] / maxG, width, reveal) || dirty;
          if (visitFlow) drawFlow(e, flowLayer === i ? pv.flow : null, src?.a[i][k], range, width);
        }
      }
      parts.flowsShown[i] = flowLayer === i;
    });
    parts.glowsShown = glowing;
    if (dirty) paintEdges(glowing);
    parts.dirty = false;
  }

  /** Sets what edge e is stroked with (see STRENGTH_STEPS); true if that changed. */
  function drawWeight(e, w, s, width) {
    const rank = 2 * Math.round(s * STRENGTH_STEPS) + (w < 0 ? 0 : 1);
    const hundredths = Math.round(width * 100);
    if (rank === e.rank && hundredths === e.hundredths) return false;
    e.rank = rank;
    e.hundredths = hundredths;
    return true;
  }

  /** Sets edge e's ∂C/∂w glow (none when `glow` is 0); true if it changed. */
  function drawGlow(e, glow, rel, width, reveal) {
    let alpha = 0;
    let hundredths = 0;
    let gap = 0;
    if (glow > 0) {
      // Linear in |∂C/∂w|: the weights the step will move most glow most.
      const r = Math.abs(rel);
      alpha = Math.round(Math.min(1, glow * (0.04 + 0.5 * r)) * 1000);
      hundredths = Math.round((width + 1 + 9 * r) * 100);
      // The glow grows from the neuron whose δ caused it (right) back towards the left.
      gap = Math.round((1 - reveal) * e.len * 10);
    }
    if (alpha === e.glow && hundredths === e.glowHundredths && gap === e.glowGap) return false;
    e.glow = alpha;
    e.glowHundredths = hundredths;
    e.glowGap = gap;
    return true;
  }

  /**
   * Paints the canvas: the glows (in the order of the edges), then every edge over them by
   * rising rank (a counting sort, stable: edges of one rank keep their order), one stroke each,
   * so overlapping translucent edges blend as separate lines do.
   */
  function paintEdges(glowing) {
    const { flat, order, rankStart, styles } = parts;
    const [sx, sy] = parts.scale;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(sx, 0, 0, sy, 0, 0);
    let hundredths = -1;
    if (glowing) {
      ctx.lineCap = 'round';
      ctx.strokeStyle = GLOW_STROKE;
      let alpha = -1;
      for (const e of flat) {
        if (e.glow === 0) continue;
        if (e.glow !== alpha) ctx.globalAlpha = (alpha = e.glow) / 1000;
        if (e.glowHundredths !== hundredths) ctx.lineWidth = (hundredths = e.glowHundredths) / 100;
        if (e.glowGap === 0) {
          ctx.stroke(e.path);
        } else {
          const from = Math.min(1, e.glowGap / 10 / e.len);
          ctx.beginPath();
          ctx.moveTo(e.x1 + from * (e.x2 - e.x1), e.y1 + from * (e.y2 - e.y1));
          ctx.lineTo(e.x2, e.y2);
          ctx.stroke();
        }
      }
      ctx.globalAlpha = 1;
    }
    rankStart.fill(0);
    for (const e of flat) rankStart[e.rank + 1] += 1;
    for (let r = 1; r <= RANKS; r++) rankStart[r] += rankStart[r - 1];
    for (let n = 0; n < flat.length; n++) order[rankStart[flat[n].rank]++] = n;
    ctx.lineCap = parts.dense ? 'butt' : 'round';
    let rank = -1;
    for (let n = 0; n < order.length; n++) {
      const e = flat[order[n]];
      if (e.rank !== rank) ctx.strokeStyle = styles[(rank = e.rank)].stroke;
      if (e.hundredths !== hundredths) ctx.lineWidth = (hundredths = e.hundredths) / 100;
      ctx.stroke(e.path);
    }
    painted = true;
  }

  function drawFlow(e, flow, a, range, width) {
    if (flow) {
      const { p, backward } = flow;
      // Forward: the source's activation runs along the edge; backward: δ runs back.
      put(e.flow, 'stroke', backward ? gradientColor(0.75) : activationColor(a, range));
      put(e.flow, 'stroke-width', (backward ? 2.5 : width + 2.5).toFixed(2));
      put(e.flow, 'stroke-dashoffset', ((backward ? -1 : 1) * (1 - p) * e.len).toFixed(1));
      put(e.flow, 'visibility', 'visible');
    } else {
      put(e.flow, 'visibility', 'hidden');
    }
  }

  /** Activation range of book layer index lb0 + 1 (0 = the inputs, which lie in [−1, 1]). */
  function rangeOf(state, lb0) {
    return lb0 === 0 ? [-1, 1] : activationRange(layerActivation(state.viewParams, lb0 - 1));
  }
  /** rangeOf for every layer, worked out once per render. */
  let ranges = [];
  let marked = false;

  function drawNeurons(state, src, pv) {
    const params = state.display ?? state.viewParams;
    const deltas = src?.delta;
    const maxD = deltas ? maxAbs(deltas) : 1;
    const L = parts.neurons.length;
    parts.neurons.forEach((layer, l) =>
      layer.forEach((n, j) => {
        const range = ranges[l];
        const a = src ? src.a[l][j] : null;
        const shown = a === null ? 0 : pv.shownA(l + 1);
        put(n.body, 'fill', shown > 0 ? activationColor(a, range) : UNCOMPUTED);
        put(n.body, 'fill-opacity', shown > 0 ? (0.25 + 0.75 * shown).toFixed(3) : '1');
        put(n.body, 'data-a', a === null ? '' : a);
        const big = geo.r >= 13;
        const value = shown > 0.5 && big ? fixed2(a) : '';
        text(n.value, value);
        // The ink matters only while there is a value to read (small neurons never show one).
        if (value) put(n.value, 'fill', activationInk(a, range));
        if (n.ring) {
          const b = params.biases[l - 1][j];
          put(n.ring, 'stroke', weightColor(b));
          put(n.ring, 'stroke-width', (1 + 3 * weightStrength(b)).toFixed(2));
        }
        const d = l > 0 && deltas ? pv.shownDelta(l + 1) : 0;
        if (d > 0) {
          const delta = deltas[l - 1][j];
          const rel = Math.sqrt(Math.abs(delta) / maxD);
          put(n.halo, 'r', (geo.r + 5 + 11 * rel * d).toFixed(1));
          put(n.halo, 'fill', gradientColor(d * (0.1 + 0.3 * rel)));
          put(n.halo, 'visibility', 'visible');
          text(n.delta, geo.r >= 9 || l === L - 1 ? `δ=${fmt(delta, 2)}` : '');
          put(n.delta, 'fill-opacity', d.toFixed(2));
        } else {
          put(n.halo, 'visibility', 'hidden');
          text(n.delta, '');
        }
      }),
    );
  }

  /**
   * Per-neuron heatmaps inside the circles, when switched on. Repainting them is the costly
   * part of a frame, so while Play runs they refresh at most every 200 ms.
   */
  let mapsFrom = null;
  let mapsAt = 0;
  function drawMaps(state) {
    const on = state.showMaps && state.heatmap;
    svg.classList.toggle('maps', Boolean(on));
    if (!on) {
      mapsFrom = null;
      for (const layer of parts.neurons) for (const n of layer) put(n.map, 'visibility', 'hidden');
      return;
    }
    const now = performance.now();
    if (mapsFrom === state.heatmap || (state.playing && now - mapsAt < 200)) return;
    mapsFrom = state.heatmap;
    mapsAt = now;
    let index = 0;
    parts.neurons.forEach((layer, l) =>
      layer.forEach((n, j) => {
        const url = l === 0 ? inputMapURL(j) : neuronMapURL(state.heatmap, index++, ranges[l]);
        put(n.map, 'href', url);
        put(n.map, 'visibility', 'visible');
      }),
    );
  }

  function drawHover(state) {
    const h = state.hover;
    const { outline, line, from, to } = parts.hover;
    const hide = (...els) => els.forEach((e) => put(e, 'visibility', 'hidden'));
    if (!h) return hide(outline, line, from, to);
    if (h.kind === 'edge') {
      const { i, j, k } = h;
      const pos = { x1: geo.xs[i], y1: geo.ys[i][k], x2: geo.xs[i + 1], y2: geo.ys[i + 1][j] };
      for (const e of [outline, line]) {
        for (const [key, v] of Object.entries(pos)) put(e, key, v);
        put(e, 'visibility', 'visible');
      }
      const params = state.display ?? state.viewParams;
      const w = params.weights[i][j][k];
      put(line, 'stroke', weightColor(w));
      put(line, 'stroke-width', (2 + 4.4 * weightStrength(w)).toFixed(2));
      put(outline, 'stroke-width', (6 + 4.4 * weightStrength(w)).toFixed(2));
      ringAt(from, i, k);
      ringAt(to, i + 1, j);
    } else {
      hide(outline, line, to);
      ringAt(from, h.l, h.j);
    }
  }

  function ringAt(circle, l, j) {
    put(circle, 'cx', geo.xs[l]);
    put(circle, 'cy', geo.ys[l][j]);
    put(circle, 'r', geo.r + 6);
    put(circle, 'visibility', 'visible');
  }

  function drawCaption(state, src) {
    if (!caption || !src) return;
    const x = (v) => fmt(v, 2);
    const y = src.y ? src.y.map((v) => fmt(v, 2)).join(', ') : '';
    if (src.kind === 'probe') text(caption, t('showingProbe', { x1: x(src.x[0]), x2: x(src.x[1]), y }));
    else if (src.kind === 'mean') text(caption, t('showingMean', { m: state.last.m }));
    else text(caption, t('showingExample', { i: src.index + 1, m: state.last.m, x1: x(src.x[0]), x2: x(src.x[1]), y }));
  }

  return {
    render(state) {
      if (!state.viewNet) return;
      const t0 = performance.now();
      ensure(state);
      const src = shownSource(state);
      const pv = phaseView(state, parts.neurons.length);
      ranges = parts.neurons.map((_, l) => rangeOf(state, l));
      drawLabels(state);
      drawEdges(state, src, pv);
      drawNeurons(state, src, pv);
      drawMaps(state);
      drawHover(state);
      drawCaption(state, src);
      put(svg, 'data-phase', state.phase);
      record('network', performance.now() - t0);
      // For bench/browser.mjs: navigation → the first network drawn with real activations.
      if (src && !marked) {
        marked = true;
        performance.mark('network-drawn');
      }
    },
    /** Geometry for hit-testing and the hover card (null before the first render). */
    geometry: () => geo,
    element: svg,
  };
}
