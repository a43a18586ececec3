// Helpers the page's browser tests share (the harness itself is harness.mjs): open the page
// and wait for the wasm, read the drawn edges and their pixels, find a point on one edge of
// the drawn network, take an animated Step, and the page's number format. Reference values
// are computed in the page with a separate Network.fromJSON copy, never read back from the
// views under test.

/** Opens the page and waits until the network is drawn. `initScript` runs before the page's own. */
export async function openApp(h, { speed = 4, contextOptions = {}, initScript = null } = {}) {
  const page = await h.newPage(contextOptions);
  if (initScript) await page.addInitScript(initScript);
  await page.goto(h.url);
  await page.waitForFunction(() => window.__app?.ready === true, null, { timeout: 20_000 });
  await page.waitForFunction(async () => (await import('/js/network-view.js')).drawnEdges(document.getElementById('net')).length > 0);
  if (speed !== 1) {
    // The slider is log2 of the speed: 2 → 4×, so a Step's animation takes about two seconds.
    await page.$eval('#speed', (el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, Math.log2(speed));
  }
  return page;
}

/** Scrolls `selector` to the middle of the viewport (instantly), so pointer events reach it. */
export async function scrollIntoView(page, selector) {
  await page.$eval(selector, (e) => e.scrollIntoView({ block: 'center', behavior: 'instant' }));
}

/** Waits until the page has drawn what its state says (views redraw on the next frame). */
export async function drawn(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Clicks Step and waits for all four phases to finish. */
export async function stepAndWait(page) {
  const before = await page.evaluate(() => window.__app.step);
  await page.click('#step');
  await page.waitForFunction((n) => window.__app.step === n + 1 && window.__app.phase === 'idle', before, { timeout: 30_000 });
  await drawn(page);
}

/**
 * What the network view painted for each edge (network-view.js's drawnEdges, read in the
 * page): [{ l, j, k (1-based, as in the book), stroke, width, opacity, x1, y1, x2, y2 }, …].
 */
export async function drawnEdges(page) {
  return page.evaluate(async () => (await import('/js/network-view.js')).drawnEdges(document.getElementById('net')));
}

/**
 * What the network view painted for each neuron (network-view.js's drawnNeurons, read in the
 * page): [{ l, j (1-based), a, fill, alpha, ring, ringWidth, halo, haloR, cx, cy, r }, …].
 */
export async function drawnNeurons(page) {
  return page.evaluate(async () => (await import('/js/network-view.js')).drawnNeurons(document.getElementById('net')));
}

/**
 * A point on edge w^l_jk (1-based, as in the book) that is at least `clearance` px from every
 * other edge and outside every neuron, from the drawn edges: { x, y } in the view's own units
 * (CSS px from its top-left corner), null if the edge has none.
 */
export async function clearPointOnEdge(page, l, j, k, clearance = 5) {
  const edges = await drawnEdges(page);
  const circles = (await drawnNeurons(page)).map((n) => ({ x: n.cx, y: n.cy, r: n.r }));
  const target = edges.find((e) => e.l === l && e.j === j && e.k === k);
  if (!target) throw new Error(`no edge l=${l} j=${j} k=${k}`);
  const dist = (px, py, { x1: ax, y1: ay, x2: bx, y2: by }) => {
    const dx = bx - ax;
    const dy = by - ay;
    const u = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(px - ax - u * dx, py - ay - u * dy);
  };
  const { x1, y1, x2, y2 } = target;
  for (let t = 0.5, n = 0; n < 140; n++, t = 0.5 + (n % 2 ? 1 : -1) * Math.ceil(n / 2) * 0.005) {
    const px = x1 + t * (x2 - x1);
    const py = y1 + t * (y2 - y1);
    if (circles.some((c) => Math.hypot(px - c.x, py - c.y) < c.r + 8)) continue;
    if (edges.every((e) => e === target || dist(px, py, e) >= clearance)) return { x: px, y: py };
  }
  return null;
}

/**
 * Client coordinates of a point on edge w^l_jk (1-based, as in the book) that is at least
 * `clearance` px from every other edge and outside every neuron, from the drawn edges.
 */
export async function edgePoint(page, l, j, k, clearance = 5) {
  await scrollIntoView(page, '#net');
  const pt = await clearPointOnEdge(page, l, j, k, clearance);
  if (!pt) throw new Error(`no clear point on edge l=${l} j=${j} k=${k}`);
  const box = await page.$eval('#net', (svg) => {
    const r = svg.getBoundingClientRect();
    return { left: r.left, top: r.top };
  });
  return { x: box.left + pt.x, y: box.top + pt.y };
}

/**
 * The pixels of the network view's edge canvas around (x, y) (view units), unpremultiplied
 * RGBA in 0..255: the canvas sample nearest to (x, y) and those `offsets` away from it along
 * the unit vector (nx, ny): [[r, g, b, a], …] in the order of `offsets`.
 */
export async function edgePixels(page, x, y, nx = 0, ny = 0, offsets = [0]) {
  return page.evaluate(([x, y, nx, ny, offsets]) => {
    const canvas = document.querySelector('#net').previousElementSibling;
    if (!(canvas instanceof HTMLCanvasElement)) throw new Error('no edge canvas under #net');
    const box = document.getElementById('net').getBoundingClientRect();
    const [sx, sy] = [canvas.width / box.width, canvas.height / box.height];
    const ctx = canvas.getContext('2d');
    return offsets.map((d) => [...ctx.getImageData(Math.floor((x + d * nx) * sx), Math.floor((y + d * ny) * sy), 1, 1).data]);
  }, [x, y, nx, ny, offsets]);
}

/** Client coordinates of neuron j (1-based) in layer l. */
export async function neuronPoint(page, l, j) {
  await scrollIntoView(page, '#net');
  return page.evaluate(async ([l, j]) => {
    const svg = document.getElementById('net');
    const n = (await import('/js/network-view.js')).drawnNeurons(svg).find((n) => n.l === l && n.j === j);
    const box = svg.getBoundingClientRect();
    return { x: box.left + n.cx, y: box.top + n.cy };
  }, [l, j]);
}

/** The page's number format (3 significant digits, a real minus sign), for text checks. */
export function fmt(v, digits = 3) {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs < 1e-4 || abs >= 1e5) {
    const sup = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
    return v
      .toExponential(digits - 1)
      .replace(/e([+-])(\d+)/, (m, s, e) => `×10${[...((s === '-' ? '-' : '') + e)].map((c) => sup[c]).join('')}`)
      .replace('-', '−');
  }
  let s = v.toPrecision(digits);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s.replace('-', '−');
}

/** Largest |a − b| over two nested arrays of the same shape. */
export function maxDiff(a, b) {
  if (Array.isArray(a)) return Math.max(0, ...a.map((v, i) => maxDiff(v, b[i])));
  return Math.abs(a - b);
}

/**
 * Every neuron's drawn fill and the activation it was drawn from, keyed "l,j"; checked first
 * against the neurons' canvas: at each neuron's centre, its fill (over white, at its opacity).
 */
export async function drawnActivations(page) {
  const { neurons, pixels } = await page.evaluate(async () => {
    const svg = document.getElementById('net');
    const neurons = (await import('/js/network-view.js')).drawnNeurons(svg);
    const canvas = svg.parentElement.querySelector('canvas.net-nodes');
    const s = canvas.width / svg.getBoundingClientRect().width;
    const ctx = canvas.getContext('2d');
    const pixels = neurons.map((n) => [...ctx.getImageData(Math.floor(n.cx * s), Math.floor(n.cy * s), 1, 1).data]);
    return { neurons, pixels };
  });
  neurons.forEach((n, i) => {
    // (A translucent fill over its own δ halo is not its colour alone.)
    if (n.alpha < 1 && n.halo) return;
    const rgb = n.fill.startsWith('#') ? n.fill.slice(1).match(/../g).map((h) => parseInt(h, 16)) : n.fill.match(/\d+/g).map(Number);
    const [r, g, b, alpha] = pixels[i];
    const ok = Math.abs(alpha - n.alpha * 255) <= 2 && [r, g, b].every((c, k) => Math.abs(c - rgb[k]) <= 3);
    if (!ok) throw new Error(`neuron ${n.l},${n.j}: drawn ${n.fill} at opacity ${n.alpha}, the canvas has ${pixels[i]}`);
  });
  return Object.fromEntries(neurons.map((n) => [`${n.l},${n.j}`, { fill: n.fill, a: n.a }]));
}

/**
 * An init script (page.addInitScript / openApp's initScript) that counts wasm-bindgen handles:
 * the glue registers every object it gives JS with a FinalizationRegistry and unregisters it
 * in free(). window.__wasmHandles is then { network: { created, freed, finalized }, … }, where
 * finalized counts objects the GC reclaimed because nobody freed them.
 */
export function countWasmHandles() {
  const Base = window.FinalizationRegistry;
  const handles = {};
  window.__wasmHandles = handles;
  window.FinalizationRegistry = class extends Base {
    constructor(cleanup) {
      // The glue's cleanup is `ptr => wasm.__wbg_<class>_free(ptr, 1)`: the class's name.
      const name = String(cleanup).match(/__wbg_(\w+?)_free/)?.[1] ?? 'other';
      const count = (handles[name] ??= { created: 0, freed: 0, finalized: 0 });
      super((held) => {
        count.finalized += 1;
        cleanup(held);
      });
      this.count = count;
    }
    register(target, held, token) {
      this.count.created += 1;
      return super.register(target, held, token);
    }
    unregister(token) {
      const removed = super.unregister(token);
      if (removed) this.count.freed += 1;
      return removed;
    }
  };
}

/** { class: created − freed } in the page now (needs countWasmHandles). */
export function aliveWasmHandles(page) {
  return page.evaluate(() => Object.fromEntries(Object.entries(window.__wasmHandles).map(([n, c]) => [n, c.created - c.freed])));
}
