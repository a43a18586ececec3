// The chapter's equations as MathML, in their general (vector) form: eq. 25, BP1–BP4, the
// mini-batch gradient-descent step, and the numerical gradient. equations.js puts the
// hovered weight's or neuron's numbers underneath; this module only knows the symbols.

import { frac, m, mi, mn, mo, row, sym } from './dom.js';

const paren = (...c) => row(mo('('), ...c, mo(')'));
const partial = (top, bottom) => frac(row(mo('∂'), top), row(mo('∂'), bottom));
// σ′ as one identifier: a primed superscript renders as a dot at this size.
const sigmaPrime = (z) => row(mi('σ′'), paren(z));
const sumX = () => m('munder', {}, mo('∑'), mi('x'));

export const EQUATIONS = [
  {
    id: 'eq25',
    caption: 'eq25',
    tag: '(25)',
    build: () =>
      row(
        sym('z', 'l'), mo('='), sym('w', 'l'), sym('a', 'l−1'), mo('+'), sym('b', 'l'),
        mo(',', { separator: true }), m('mspace', { width: '1em' }),
        sym('a', 'l'), mo('='), mi('σ'), paren(sym('z', 'l')),
      ),
  },
  {
    id: 'BP1',
    caption: 'eqBP1',
    tag: '(BP1)',
    build: () => row(sym('δ', 'L'), mo('='), m('msub', {}, mo('∇'), mi('a')), mi('C'), mo('⊙'), sigmaPrime(sym('z', 'L'))),
  },
  {
    id: 'BP2',
    caption: 'eqBP2',
    tag: '(BP2)',
    build: () =>
      row(
        sym('δ', 'l'), mo('='),
        paren(m('msup', {}, paren(sym('w', 'l+1')), mi('T', { mathvariant: 'normal' })), sym('δ', 'l+1')),
        mo('⊙'), sigmaPrime(sym('z', 'l')),
      ),
  },
  {
    id: 'BP3',
    caption: 'eqBP3',
    tag: '(BP3)',
    build: () => row(partial(mi('C'), sym('b', 'l', 'j')), mo('='), sym('δ', 'l', 'j')),
  },
  {
    id: 'BP4',
    caption: 'eqBP4',
    tag: '(BP4)',
    build: () => row(partial(mi('C'), sym('w', 'l', 'jk')), mo('='), sym('a', 'l−1', 'k'), sym('δ', 'l', 'j')),
  },
  {
    id: 'SGD',
    caption: 'eqSGD',
    tag: 'SGD',
    build: ({ lambda }) =>
      row(
        sym('w', 'l'), mo('→'),
        lambda > 0 ? row(paren(mn('1'), mo('−'), frac(row(mi('η'), mi('λ')), mi('n'))), sym('w', 'l')) : sym('w', 'l'),
        mo('−'), frac(mi('η'), mi('m')), sumX(), partial(m('msub', {}, mi('C'), mi('x')), sym('w', 'l')),
        mo(',', { separator: true }), m('mspace', { width: '0.8em' }),
        sym('b', 'l'), mo('→'), sym('b', 'l'), mo('−'), frac(mi('η'), mi('m')), sumX(),
        partial(m('msub', {}, mi('C'), mi('x')), sym('b', 'l')),
      ),
  },
  {
    id: 'gradcheck',
    caption: 'eqGradCheck',
    tag: 'ε',
    build: () =>
      row(
        partial(mi('C'), mi('w')), mo('≈'),
        frac(row(mi('C'), paren(mi('w'), mo('+'), mi('ε')), mo('−'), mi('C'), paren(mi('w'), mo('−'), mi('ε'))), row(mn('2'), mi('ε'))),
      ),
  },
];

export { paren, partial, sigmaPrime, sumX };
