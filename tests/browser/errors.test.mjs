// Errors are shown, never silent (issue 3): a bad learning rate or mini-batch size gets the
// core's own message in the message area, the network stays exactly as it was, and the page
// keeps working once the value is fixed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.mjs';
import { openApp, stepAndWait } from './page-helpers.mjs';

let h;
before(async () => { h = await startHarness(); });
after(async () => { await h?.close(); });

test('a bad η shows the core’s message, changes nothing, and the page recovers', async () => {
  const page = await openApp(h);
  const before = await page.evaluate(() => window.__app.network);
  await page.fill('#eta', '-1');
  await page.press('#eta', 'Enter');
  await page.click('#step');
  await page.waitForSelector('#message:not([hidden])');
  const text = await page.textContent('#message .message-text');
  assert.match(text, /learning rate eta must be a finite number > 0, got -1/);
  assert.deepEqual(await page.evaluate(() => window.__app.network), before, 'network unchanged');
  assert.equal(await page.evaluate(() => window.__app.step), 0, 'no step counted');
  await h.screenshot('error-message');
  await page.fill('#eta', '3');
  await page.press('#eta', 'Enter');
  await page.waitForSelector('#message', { state: 'hidden' }); // fixing the value clears the message
  await stepAndWait(page);
  assert.equal(await page.evaluate(() => window.__app.step), 1);
  h.assertClean();
});

test('Play with a bad η pauses and says why', async () => {
  const page = await openApp(h);
  await page.fill('#eta', '0');
  await page.press('#eta', 'Enter');
  await page.click('#play');
  await page.waitForSelector('#message:not([hidden])');
  assert.match(await page.textContent('#message .message-text'), /learning rate eta must be a finite number > 0, got 0/);
  assert.equal(await page.evaluate(() => window.__app.playing), false, 'Play paused itself');
  await page.click('#message .message-close');
  await page.waitForSelector('#message', { state: 'hidden' });
  h.assertClean();
});

test('a mini-batch size outside 1…n is refused with a message', async () => {
  const page = await openApp(h);
  await page.fill('#batch-size', '0');
  await page.press('#batch-size', 'Enter');
  await page.waitForSelector('#message:not([hidden])');
  assert.match(await page.textContent('#message .message-text'), /mini-batch size m must be a whole number from 1 to 100, got 0/);
  assert.equal(await page.evaluate(() => window.__app.settings.m), 10, 'm unchanged');
  await page.fill('#batch-size', '4');
  await page.press('#batch-size', 'Enter');
  await stepAndWait(page);
  assert.equal(await page.evaluate(() => window.__app.lastStep.m), 4, 'm changed without a reset');
  assert.equal(await page.evaluate(() => window.__app.step), 1);
  h.assertClean();
});
