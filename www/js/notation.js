//# allFunctionsCalledOnLoad
// The book's notation as plain text (w³₂₄, δ³₂, a²₄) and number formatting.
// JS arrays are 0-based and skip the input layer; the book is 1-based: weights[i][j][k] is
// w^(i+2)_(j+1)(k+1). Every conversion between the two happens in this file.

const SUP = { 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹', '-': '⁻' };
const SUB = { 0: '₀', 1: '₁', 2: '₂', 3: '₃', 4: '₄', 5: '₅', 6: '₆', 7: '₇', 8: '₈', 9: '₉', ',': ',' };

export const sup = (n) => [...String(n)].map((c) => SUP[c] ?? c).join('');
export const sub = (n) => [...String(n)].map((c) => SUB[c] ?? c).join('');

/** The book's layer number l of weight/bias/δ/z array index i (i = 0 is layer 2). */
export const bookLayer = (i) => i + 2;

/** jk subscript; a comma once an index has two digits, so w³₁₂,₄ stays unambiguous. */
export function subPair(j, k) {
  return j >= 10 || k >= 10 ? sub(`${j},${k}`) : sub(`${j}${k}`);
}

/** "w³₂₄" for weights[i][j][k]. */
export const weightName = (i, j, k) => `w${sup(bookLayer(i))}${subPair(j + 1, k + 1)}`;

/** "b³₂", "δ³₂", "z³₂" for index i, j of the per-layer arrays (i = 0 is layer 2). */
export const neuronSymbol = (symbol, i, j) => `${symbol}${sup(bookLayer(i))}${sub(j + 1)}`;

/** "a²₄": activation of neuron k in book layer l (a[0] is the input layer, l = 1). */
export const activationName = (l, k) => `a${sup(l)}${sub(k + 1)}`;

/** Numbers for people: 3 significant digits, scientific only when tiny or huge. */
export function fmt(v, digits = 3) {
  if (v === undefined || v === null || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  let s;
  if (abs < 1e-4 || abs >= 1e5) {
    s = v.toExponential(digits - 1).replace(/e([+-])(\d+)/, (m, sign, e) => `×10${sup((sign === '-' ? '-' : '') + e)}`);
  } else {
    s = v.toPrecision(digits);
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  }
  return s.replace('-', '−');
}

/** A number that will sit after an operator: negative values get parentheses. */
export const fmtTerm = (v, digits) => (v < 0 ? `(${fmt(v, digits)})` : fmt(v, digits));

/** Signed, for changes: "+0.0821". */
export const fmtDelta = (v, digits) => (v > 0 ? `+${fmt(v, digits)}` : fmt(v, digits));

/** Activation function by name; the output layer is always sigmoid with cross-entropy. */
export function layerActivation(net, i) {
  const last = i === net.sizes.length - 2;
  return last && net.cost === 'crossEntropy' ? 'sigmoid' : net.activation;
}

/** σ′(z) for the named activation (the same derivatives as the Rust core). */
export function activationPrime(name, z) {
  switch (name) {
    case 'sigmoid': {
      const s = 1 / (1 + Math.exp(-z));
      return s * (1 - s);
    }
    case 'tanh': {
      const t = Math.tanh(z);
      return 1 - t * t;
    }
    case 'relu':
      return z > 0 ? 1 : 0;
    case 'linear':
      return 1;
    default:
      throw new Error(`unknown activation "${name}"`);
  }
}
