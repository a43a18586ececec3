//# allFunctionsCalledOnLoad
// Element sizes without forcing a layout every frame: a ResizeObserver keeps each observed
// element's content size, and views read it from here instead of getBoundingClientRect.

const sizes = new WeakMap();
let onChange = () => {};
const observer = new ResizeObserver((entries) => {
  for (const e of entries) {
    const box = e.contentBoxSize?.[0];
    sizes.set(e.target, box ? { width: box.inlineSize, height: box.blockSize } : { width: e.contentRect.width, height: e.contentRect.height });
  }
  onChange();
});

/** Starts tracking `el`; its first size is measured once, right away. */
export function observe(el) {
  if (!sizes.has(el)) {
    const r = el.getBoundingClientRect();
    sizes.set(el, { width: r.width, height: r.height });
    observer.observe(el);
  }
  return el;
}

/** The last known { width, height } of an observed element (CSS pixels). */
export function sizeOf(el) {
  if (!sizes.has(el)) observe(el);
  return sizes.get(el);
}

/** Called after any observed element changed size (main.js redraws). */
export function onResize(fn) {
  onChange = fn;
}
