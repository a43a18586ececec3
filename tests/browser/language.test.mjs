// English and 简体中文 (issue 4): the switch changes every visible label (static and drawn),
// uses the translation's terms, is remembered, and a Chinese browser gets Chinese first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.mjs';
import { drawn, edgePoint, openApp, stepAndWait } from './page-helpers.mjs';

let h;
before(async () => { h = await startHarness(); });
after(async () => { await h?.close(); });

/** Text of every visible labelled element, keyed by its position in the document. */
const labels = (page) => page.$$eval('[data-i18n]', (els) => els.filter((e) => e.offsetParent !== null || e.closest('svg')).map((e) => [e.dataset.i18n, e.textContent]));

// Labels that are the same words in both languages (numbers, names of functions).
const SAME = new Set(['n100', 'n200', 'n400', 'n800', 'actTanh', 'actRelu', 'lambda', 'dataXor']);

test('the language switch changes every visible label, and is remembered', async () => {
  const page = await openApp(h);
  await stepAndWait(page);
  const en = await labels(page);
  const enDrawn = await page.$$eval('#net .layer-title, #phasebar li, #counters dt, #showing, .eq-caption', (es) => es.map((e) => e.textContent));
  await page.click('#lang');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await drawn(page);
  const zh = await labels(page);
  assert.equal(zh.length, en.length);
  const unchanged = en.filter(([key, text], i) => !SAME.has(key) && zh[i][1] === text).map(([key, text]) => `${key}: ${text}`);
  assert.deepEqual(unchanged, [], 'every label was translated');
  const zhDrawn = await page.$$eval('#net .layer-title, #phasebar li, #counters dt, #showing, .eq-caption', (es) => es.map((e) => e.textContent));
  zhDrawn.forEach((text, i) => assert.notEqual(text, enDrawn[i], `drawn label ${enDrawn[i]}`));
  // The translation's terms.
  const all = await page.textContent('body');
  for (const term of ['权重', '偏移量', '激活值', '加权输入', '误差', '代价函数', '反向传播', '梯度下降', '小批量', '学习率']) {
    assert.ok(all.includes(term), `uses ${term}`);
  }
  assert.equal(await page.textContent('#net .layer-title'), '第 1 层');
  const pt = await edgePoint(page, 3, 2, 4);
  await page.mouse.move(pt.x, pt.y);
  await page.waitForSelector('#card:not([hidden])');
  assert.equal(await page.textContent('#card .card-sub'), '从第 2 层的第 4 个神经元到第 3 层的第 2 个神经元');
  await h.screenshot('chinese');
  await page.reload();
  await page.waitForFunction(() => window.__app?.ready === true);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN', 'remembered after a reload');
  await page.click('#lang');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await drawn(page);
  const english = new Map(en);
  for (const [key, text] of await labels(page)) {
    if (english.has(key)) assert.equal(text, english.get(key), `back to English: ${key}`);
  }
  assert.equal(await page.textContent('#step'), 'Step');
  h.assertClean();
});

test('a Chinese browser gets the Chinese page on its first visit', async () => {
  const page = await h.newPage({ locale: 'zh-CN' }, '');
  await page.waitForFunction(() => window.__app?.ready === true);
  await drawn(page);
  assert.equal(await page.textContent('#step'), '单步');
  assert.equal(await page.textContent('h1'), '反向传播，看得见');
  h.assertClean();
});
