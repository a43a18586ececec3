// Building DOM and MathML from data without innerHTML (the page's CSP and its safety rely on
// that): h() for HTML elements, m() for MathML, both taking text and child nodes.

const MATHML = 'http://www.w3.org/1998/Math/MathML';

function fill(e, props, children) {
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.setAttribute('class', v);
    else if (k === 'text') e.textContent = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** h('div', { class: 'x', text: 'hi' }, child, …) → an HTML element. */
export const h = (tag, props, ...children) => fill(document.createElement(tag), props, children);

/** m('mrow', {}, …) → a MathML element. */
export const m = (tag, props, ...children) => fill(document.createElementNS(MATHML, tag), props, children);

// MathML shorthands: identifiers, operators, numbers, scripts.
export const mi = (s, props) => m('mi', { ...props, text: s });
export const mo = (s, props) => m('mo', { ...props, text: s });
export const mn = (s, props) => m('mn', { ...props, text: s });
export const mtext = (s, props) => m('mtext', { ...props, text: s });
export const row = (...c) => m('mrow', {}, ...c);
export const msup = (base, sup) => m('msup', {}, base, sup);
export const msub = (base, sub) => m('msub', {}, base, sub);
export const msubsup = (base, sub, sup) => m('msubsup', {}, base, sub, sup);
export const frac = (num, den) => m('mfrac', {}, num, den);
export const math = (props, ...c) => m('math', { display: 'block', ...props }, ...c);

/**
 * A small script expression as MathML: "jk" → j k (each letter italic), "l−1", "3", "24".
 * Digit runs become one number, so pass "2,4" when indices need a separator.
 */
export function expr(v) {
  if (v instanceof Node) return v;
  const tokens = String(v).match(/[0-9.]+|[A-Za-zα-ωΑ-Ω]|[^\sA-Za-z0-9]/g) ?? [];
  const nodes = tokens.map((tk) => (/^[0-9.]+$/.test(tk) ? mn(tk) : /^[A-Za-zα-ωΑ-Ω]$/.test(tk) ? mi(tk) : mo(tk === '-' ? '−' : tk)));
  return nodes.length === 1 ? nodes[0] : row(...nodes);
}

/** A symbol with a layer superscript and neuron subscripts, e.g. sym('w', 'l', 'jk'). */
export function sym(name, sup, sub) {
  const base = mi(name);
  const asNode = expr;
  if (sup !== undefined && sub !== undefined) return msubsup(base, asNode(sub), asNode(sup));
  if (sup !== undefined) return msup(base, asNode(sup));
  if (sub !== undefined) return msub(base, asNode(sub));
  return base;
}
