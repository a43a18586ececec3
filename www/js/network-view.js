// The network drawn in SVG: neurons filled by a^l_j with a bias ring, edges coloured by w^l_jk,
// and, during a step, the forward flow, δ halos and ∂C/∂w glows of the current phase.
// It reads the state and redraws; hit-testing for the hover card lives in network-hit.js.

import { activationColor, activationInk, activationRange, gradientColor, weightColor, weightRGB, weightStrength } from './colors.js';
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
 * The strings an edge's two attributes take, made once each: a redraw with every weight new
 * sets 2 attributes on each of up to 1,360 lines, and building the text each time (toFixed,
 * templates) cost more than setting it. `key` packs r, g, b (8 bits each) and the opacity in
 * hundredths above them.
 */
const strokeTexts = new Map();
function strokeText(key) {
  let v = strokeTexts.get(key);
  if (v === undefined) {
    if (strokeTexts.size >= 50_000) strokeTexts.clear();
    const alpha = Math.floor(key / 2 ** 24);
    v = `rgba(${(key >> 16) & 255}, ${(key >> 8) & 255}, ${key & 255}, ${(alpha / 100).toFixed(2)})`;
    strokeTexts.set(key, v);
  }
  return v;
}
const hundredthsTexts = [];
const hundredthsText = (n) => hundredthsTexts[n] ?? (hundredthsTexts[n] = (n / 100).toFixed(2));

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
  for (const name of ['labels', 'glows', 'edges', 'flows', 'neurons', 'hover']) groups[name] = el('g', { class: name }, svg);
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
        const data = { 'data-l': i + 2, 'data-j': j + 1, 'data-k': k + 1 };
        // The line's stroke and stroke-width as Attr nodes: setting their value skips looking
        // the attribute up by name, on the path that sets 2 of them per edge per redraw.
        const line = el('line', { ...pos, class: 'edge', ...data, stroke: 'none', 'stroke-width': '0' }, groups.edges);
        edges[i][j].push({
          glow: el('line', { ...pos, class: 'glow' }, groups.glows),
          line,
          stroke: line.getAttributeNode('stroke'),
          strokeWidth: line.getAttributeNode('stroke-width'),
          flow: el('line', { ...pos, class: 'flow', 'stroke-dasharray': `${len} ${len}` }, groups.flows),
          len,
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
  return {
    labels,
    edges,
    neurons,
    hover,
    showIndex: geo.r >= 9,
    // Many edges are drawn thinner; weak ones fade further so the strong paths stay readable.
    thin: edgeCount > 60 ? Math.max(0.45, Math.sqrt(60 / edgeCount)) : 1,
    fade: edgeCount > 60 ? 0.12 : 0.35,
    // Whether any glow or flow line may be visible (all may be, until the first draw hides them).
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

export function createNetworkView(svg, caption) {
  let parts = null;
  let geo = null;
  let shape = '';

  function ensure(state) {
    const sizes = state.viewParams.sizes;
    const { width, height } = sizeOf(svg);
    const key = `${sizes.join(',')}|${Math.round(width)}x${Math.round(height)}`;
    if (key === shape) return;
    shape = key;
    mapsFrom = null;
    put(svg, 'viewBox', `0 0 ${Math.max(1, width)} ${Math.max(1, height)}`);
    geo = layout(sizes, Math.max(1, width), Math.max(1, height));
    parts = build(svg, sizes, geo);
    svg.classList.toggle('dense', sizes.slice(1).reduce((s, n, i) => s + n * sizes[i], 0) > 60);
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
   * flow of the current phase. Play redraws every frame, so an edge is skipped unless its
   * weight changed, and the glow and flow lines are only visited while some are shown.
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
    const { thin, fade } = parts;
    parts.edges.forEach((layer, i) => {
      const visitGlow = glowing || parts.glowsShown;
      const visitFlow = flowLayer === i || parts.flowsShown[i];
      const range = ranges[i];
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
            drawWeight(e, w, s, width, fade);
          }
          if (visitGlow) drawGlow(e, glows[i] > 0 ? glows[i] : 0, grads?.[i][j][k] / maxG, width, pv.glowReveal?.layer === i + 2 ? pv.glowReveal.p : 1);
          if (visitFlow) drawFlow(e, flowLayer === i ? pv.flow : null, src?.a[i][k], range, width);
        }
      }
      parts.flowsShown[i] = flowLayer === i;
    });
    parts.glowsShown = glowing;
  }

  function drawWeight(e, w, s, width, fade) {
    const [r, g, b] = weightRGB(w);
    // With many edges, weak ones fade further so the strong paths stay readable. The opacity
    // rides in the colour (one attribute to set, not two); steps of 0.01 cannot be seen.
    const alpha = Math.round((fade + (1 - fade) * s) * 100);
    const key = ((r | 0) << 16) | ((g | 0) << 8) | (b | 0) | (alpha << 24);
    if (key !== e.key) {
      e.key = key;
      e.stroke.value = strokeText(key);
    }
    const hundredths = Math.round(width * 100);
    if (hundredths !== e.hundredths) {
      e.hundredths = hundredths;
      e.strokeWidth.value = hundredthsText(hundredths);
    }
  }

  function drawGlow(e, glow, rel, width, reveal) {
    if (glow > 0) {
      // Linear in |∂C/∂w|: the weights the step will move most glow most.
      const r = Math.abs(rel);
      put(e.glow, 'stroke', gradientColor(glow * (0.04 + 0.5 * r)));
      put(e.glow, 'stroke-width', (width + 1 + 9 * r).toFixed(2));
      // The glow grows from the neuron whose δ caused it (right) back towards the left.
      put(e.glow, 'stroke-dasharray', `${e.len} ${e.len}`);
      put(e.glow, 'stroke-dashoffset', (-(1 - reveal) * e.len).toFixed(1));
      put(e.glow, 'visibility', 'visible');
    } else {
      put(e.glow, 'visibility', 'hidden');
    }
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
        text(n.value, shown > 0.5 && big ? fixed2(a) : '');
        put(n.value, 'fill', shown > 0 ? activationInk(a, range) : '#555');
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
