// The test-set browser: the 2,000 test digits as small tiles, misclassified first (or in
// file order), a page at a time. Each tile is a button: its digit, "label → answer", red
// when wrong. Clicking one hands its test position to onPick.

import { h } from '../dom.js';
import { drawDigit } from './images.js';

const PER_PAGE = 60;
const TILE = 44;

export class TestBrowser {
  constructor(els, { onPick, t }) {
    this.els = els;
    this.onPick = onPick;
    this.t = t;
    this.digits = null; // digitsView of the file
    this.testIndices = null; // test position → digit index
    this.results = null; // { order, predictions, correct }
    this.wrongFirst = true;
    this.page = 0;
    els.wrong.addEventListener('click', () => this.setFilter(true));
    els.all.addEventListener('click', () => this.setFilter(false));
    els.prev.addEventListener('click', () => this.turn(-1));
    els.next.addEventListener('click', () => this.turn(1));
  }

  setData(digits, testIndices) {
    this.digits = digits;
    this.testIndices = testIndices;
  }

  setResults(results) {
    this.results = results;
    this.render();
  }

  setFilter(wrongFirst) {
    this.wrongFirst = wrongFirst;
    this.page = 0;
    this.render();
  }

  turn(by) {
    const pages = Math.ceil(this.testIndices.length / PER_PAGE);
    this.page = Math.min(pages - 1, Math.max(0, this.page + by));
    this.render();
  }

  /** Test positions in display order. */
  order() {
    if (this.wrongFirst && this.results) return this.results.order;
    return Array.from({ length: this.testIndices.length }, (_, p) => p);
  }

  render() {
    const { els, t } = this;
    if (!this.digits || !this.results) return;
    els.wrong.setAttribute('aria-pressed', String(this.wrongFirst));
    els.all.setAttribute('aria-pressed', String(!this.wrongFirst));
    const n = this.testIndices.length;
    const wrong = n - this.results.correct;
    els.count.textContent = t('wrongCount', { wrong, n });
    const order = this.order();
    const from = this.page * PER_PAGE;
    const to = Math.min(n, from + PER_PAGE);
    els.page.textContent = t('page', { from: from + 1, to, n });
    els.prev.disabled = this.page === 0;
    els.next.disabled = to >= n;
    const tiles = [];
    for (let k = from; k < to; k++) tiles.push(this.tile(order[k]));
    els.grid.replaceChildren(...tiles);
  }

  tile(p) {
    const i = this.testIndices[p];
    const label = this.digits.label(i);
    const guess = this.results.predictions[p];
    const canvas = h('canvas', { width: TILE * 2, height: TILE * 2, class: 'tile-img' });
    drawDigit(canvas.getContext('2d'), this.digits.image(i), 0, 0, TILE * 2);
    return h(
      'button',
      {
        type: 'button',
        class: guess === label ? 'tile' : 'tile wrong',
        title: `#${p}: ${label} → ${guess}`,
        dataset: { position: String(p) },
        onclick: () => this.onPick(p),
      },
      canvas,
      h('span', { class: 'tile-text', text: `${label} → ${guess}` }),
    );
  }
}
