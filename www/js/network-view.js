//# allFunctionsCalledOnLoad
// The network: neurons filled by a^l_j with a bias ring, edges coloured by w^l_jk, and, during
// a step, the flow, δ halos and ∂C/∂w glows of the current phase, painted on two canvases
// (canvas calls are far cheaper than SVG attributes for Blink to restyle) under an SVG of text,
// maps and hover marks. Hit-testing is geometric, in network-hit.js.

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
 * Edge colours by rank = 2 · round(s · STRENGTH_STEPS) + (w ≥ 0), s its strength (under one
 * unit of colour apart), so a redraw parses at most RANKS colours, not one per edge; rising
 * rank puts strong edges on top. Widths stay exact (0.01 px).
 */
const STRENGTH_STEPS = 128;
const RANKS = 2 * (STRENGTH_STEPS + 1);
/** fade → [rank → { stroke (opacity included), opacity }]. */
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
/** The glows' colour (their opacity is globalAlpha, cheaper than a colour). */
const GLOW_STROKE = gradientColor(1);
const FLOW_BACK = gradientColor(0.75);

/** Strokes edge e on c from `from` to `to` (fractions of it from the left). */
function segment(c, e, from, to) {
  const [dx, dy] = [e.x2 - e.x1, e.y2 - e.y1];
  c.beginPath();
  c.moveTo(e.x1 + from * dx, e.y1 + from * dy);
  c.lineTo(e.x1 + to * dx, e.y1 + to * dy);
  c.stroke();
}

function circle(c, x, y, r) {
  c.beginPath();
  c.arc(x, y, r, 0, 7);
}

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
  for (const name of ['labels', 'neurons', 'hover']) groups[name] = el('g', { class: name }, svg);
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
          // Colour rank, width (0.01 px); glow opacity (0.001), width, part not yet grown (0.1 px).
          rank: -1,
          hundredths: 0,
          glow: 0,
          glowHundredths: 0,
          glowGap: 0,
        });
      }
    }
  }
  const neurons = sizes.map((n, l) =>
    Array.from({ length: n }, (_, j) => {
      const cx = geo.xs[l];
      const cy = geo.ys[l][j];
      const g = el('g', { class: 'neuron', 'data-l': l + 1, 'data-j': j + 1 }, groups.neurons);
      const map = el('image', { x: cx - geo.r, y: cy - geo.r, width: 2 * geo.r, height: 2 * geo.r, class: 'map', preserveAspectRatio: 'none', visibility: 'hidden' }, g);
      const value = el('text', { x: cx, y: cy, class: 'value' }, g);
      value.style.fontSize = `${Math.max(8, geo.r * 0.56).toFixed(1)}px`;
      const index = el('text', { x: cx - geo.r - 5, y: cy - geo.r + 2, class: 'index' }, g);
      index.textContent = String(j + 1);
      const delta = el('text', { x: cx, y: cy + geo.r + 19, class: 'delta' }, g);
      // What the canvas paints for it: see drawnNeurons.
      return { cx, cy, map, value, delta, a: null, fill: '', alpha: 1, ring: '', ringWidth: 0, halo: '', haloR: 0 };
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
    // Many edges meet at each neuron: square ends keep the fans apart (round ones otherwise).
    dense: edgeCount > 60,
    // Many edges are drawn thinner; weak ones fade further so the strong paths stay readable.
    thin: edgeCount > 60 ? Math.max(0.45, Math.sqrt(60 / edgeCount)) : 1,
    styles: stylesFor(fade),
    // Every edge in the order of `edges`, and the order they are painted in (by rank).
    flat: edges.flat(2),
    order: new Int32Array(edgeCount),
    rankStart: new Int32Array(RANKS + 1),
    // Repaint the edges (blank after a rebuild); may any glow be visible.
    dirty: true,
    glowsShown: true,
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

const readers = new WeakMap();

/**
 * For tests, a copy of what the view on `svg` last painted ([] before that): each edge, in
 * the order of weights[i][j][k], { l, j, k (from 1, as in the book), stroke, width, opacity,
 * x1, y1, x2, y2 (CSS px) }; each neuron { l, j, a (its fill's; null: none), fill, alpha,
 * ring, ringWidth (bias; '' for inputs), halo, haloR (δ; '' if none), cx, cy, r }.
 */
export const drawnEdges = (svg) => readers.get(svg)?.edges() ?? [];
export const drawnNeurons = (svg) => readers.get(svg)?.neurons() ?? [];

export function createNetworkView(svg, caption) {
  let parts = null;
  let geo = null;
  let shape = '';
  // Under the SVG (which takes the pointer): the edges' canvas, over it (network.css) the neurons'.
  const canvasOf = (className) => {
    const c = document.createElement('canvas');
    c.className = className;
    c.setAttribute('aria-hidden', 'true');
    svg.before(c);
    return c;
  };
  const nodes = canvasOf('net-nodes');
  const canvas = canvasOf('net-edges');
  const ctx = canvas.getContext('2d');
  const nctx = nodes.getContext('2d');
  let painted = false;
  readers.set(svg, {
    edges: () =>
      painted
        ? parts.edges.flatMap((layer, i) =>
            layer.flatMap((row, j) =>
              row.map(({ rank, hundredths, x1, y1, x2, y2 }, k) => ({ l: i + 2, j: j + 1, k: k + 1, stroke: parts.styles[rank].stroke, width: hundredths / 100, opacity: parts.styles[rank].opacity, x1, y1, x2, y2 })),
            ),
          )
        : [],
    neurons: () => (painted ? parts.neurons.flatMap((layer, l) => layer.map(({ map, value, delta, ...look }, j) => ({ l: l + 1, j: j + 1, ...look, r: geo.r }))) : []),
  });

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
    // Device pixels, mapped onto the SVG's W × H units.
    nodes.width = canvas.width = Math.max(1, Math.round(W * dpr));
    nodes.height = canvas.height = Math.max(1, Math.round(H * dpr));
    parts.scale = [canvas.width / W, canvas.height / H];
  }

  function drawLabels(state) {
    const L = parts.labels.length;
    parts.labels.forEach(({ title, sub }, l) => {
      text(title, t('layer', { l: l + 1 }));
      text(sub, l === 0 ? t('input') : l === L - 1 ? `${t('output')}, L = ${L}` : '');
    });
  }

  /**
   * Edges: colour, width and opacity from w^l_jk, and the ∂C/∂w glow. Play redraws every
   * frame, so the canvas is painted again only when some edge or glow looks different.
   */
  function drawEdges(state, src, pv) {
    const params = state.display ?? state.viewParams;
    // While Play trains, an edge is redrawn once its strength has moved by a step one could
    // see (0.005 of the scale: under one colour unit, 0.02 px of width); at rest, exactly.
    const step = state.playing ? 0.005 : 0;
    const grads = src?.nablaW;
    const glows = parts.edges.map((_, i) => (grads ? pv.shownGlow(i + 2) : 0));
    const glowing = glows.some((g) => g > 0);
    const maxG = glowing ? maxAbs(grads) : 1;
    const { thin } = parts;
    let dirty = parts.dirty;
    parts.edges.forEach((layer, i) => {
      const visitGlow = glowing || parts.glowsShown;
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
        }
      }
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
   * The glows, then the edges by rising rank (a stable counting sort), one stroke each, so
   * translucent edges blend as separate lines do.
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
        if (e.glowGap === 0) ctx.stroke(e.path);
        else segment(ctx, e, Math.min(1, e.glowGap / 10 / e.len), 1);
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

  /** Activation range of book layer index lb0 + 1 (0 = the inputs, which lie in [−1, 1]). */
  function rangeOf(state, lb0) {
    return lb0 === 0 ? [-1, 1] : activationRange(layerActivation(state.viewParams, lb0 - 1));
  }
  /** rangeOf for every layer, worked out once per render. */
  let ranges = [];
  let marked = false;

  /** Neurons: fill by a^l_j (pale until computed), ring by b^l_j, δ halo; painted on change. */
  function drawNeurons(state, src, pv) {
    const params = state.display ?? state.viewParams;
    const deltas = src?.delta;
    const maxD = deltas ? maxAbs(deltas) : 1;
    const L = parts.neurons.length;
    // A flow moves each frame; one just ended is wiped.
    const flow = src && pv.flow ? { ...pv.flow, a: src.a } : null;
    let dirty = Boolean(flow || parts.flow);
    parts.flow = flow;
    parts.neurons.forEach((layer, l) => {
      const range = ranges[l];
      const shown = src ? pv.shownA(l + 1) : 0;
      const d = l > 0 && deltas ? pv.shownDelta(l + 1) : 0;
      layer.forEach((n, j) => {
        const a = src ? src.a[l][j] : null;
        let fill = UNCOMPUTED;
        let alpha = 1;
        let ring = '';
        let ringWidth = 0;
        let halo = '';
        let haloR = 0;
        n.a = a;
        if (shown > 0) {
          fill = activationColor(a, range);
          alpha = Math.round((0.25 + 0.75 * shown) * 1000) / 1000;
        }
        const value = shown > 0.5 && geo.r >= 13 ? fixed2(a) : '';
        text(n.value, value);
        // Ink only while a value shows (small neurons show none).
        if (value) put(n.value, 'fill', activationInk(a, range));
        if (l > 0) {
          const b = params.biases[l - 1][j];
          ring = weightColor(b);
          ringWidth = Math.round((1 + 3 * weightStrength(b)) * 100) / 100;
        }
        let label = '';
        if (d > 0) {
          const delta = deltas[l - 1][j];
          const rel = Math.sqrt(Math.abs(delta) / maxD);
          halo = gradientColor(d * (0.1 + 0.3 * rel));
          haloR = Math.round((geo.r + 5 + 11 * rel * d) * 10) / 10;
          if (geo.r >= 9 || l === L - 1) label = `δ=${fmt(delta, 2)}`;
          put(n.delta, 'fill-opacity', d.toFixed(2));
        }
        text(n.delta, label);
        if (fill !== n.fill || alpha !== n.alpha || ring !== n.ring || ringWidth !== n.ringWidth || halo !== n.halo || haloR !== n.haloR) {
          Object.assign(n, { fill, alpha, ring, ringWidth, halo, haloR });
          dirty = true;
        }
      });
    });
    if (dirty) paintNodes();
  }

  /** The flow (a^(l−1)_k from the left; BP2: δ from the right), then each halo, ring, fill. */
  function paintNodes() {
    const [sx, sy] = parts.scale;
    nctx.setTransform(1, 0, 0, 1, 0, 0);
    nctx.clearRect(0, 0, nodes.width, nodes.height);
    nctx.setTransform(sx, 0, 0, sy, 0, 0);
    const flow = parts.flow;
    if (flow) {
      const i = flow.layer - 2;
      const { p, backward } = flow;
      const a = flow.a[i];
      nctx.lineCap = 'round';
      parts.edges[i].forEach((row) =>
        row.forEach((e, k) => {
          nctx.strokeStyle = backward ? FLOW_BACK : activationColor(a[k], ranges[i]);
          nctx.lineWidth = backward ? 2.5 : e.hundredths / 100 + 2.5;
          segment(nctx, e, backward ? 1 - p : 0, backward ? 1 : p);
        }),
      );
    }
    const { r } = geo;
    for (const layer of parts.neurons) {
      for (const { cx, cy, fill, alpha, ring, ringWidth, halo, haloR } of layer) {
        if (haloR > 0) {
          nctx.fillStyle = halo;
          circle(nctx, cx, cy, haloR);
          nctx.fill();
        }
        if (ringWidth > 0) {
          nctx.strokeStyle = ring;
          nctx.lineWidth = ringWidth;
          circle(nctx, cx, cy, r + 3);
          nctx.stroke();
        }
        nctx.fillStyle = fill;
        nctx.globalAlpha = alpha;
        circle(nctx, cx, cy, r);
        nctx.fill();
        nctx.globalAlpha = 1;
        nctx.strokeStyle = '#fff';
        nctx.lineWidth = 1.5;
        nctx.stroke();
      }
    }
  }

  /** Per-neuron heatmaps, when on: costly, so while Play runs at most every 200 ms. */
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
