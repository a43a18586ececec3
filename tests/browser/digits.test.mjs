// The digits page (www/digits.html) in headless Chromium: it loads the MNIST asset with a
// progress indicator, animates one mini-batch Step, trains an epoch in the Web Worker while
// the page stays responsive (the progress bar advances, frames keep coming), prints the book's
// "Epoch 0: … / 2000" line above 80%, classifies a digit drawn on the pad, browses the test
// digits misclassified first, switches to Chinese, and reports a bad setting — with no console
// error and no request leaving the machine. Screenshots go to test-results/screenshots/.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, WWW_ROOT } from './harness.mjs';

const built = existsSync(join(WWW_ROOT, 'pkg', 'nndl_backprop_bg.wasm')) && existsSync(join(WWW_ROOT, 'data', 'mnist.bin'));

/** Draws a polyline (points in [0, 1]² of the pad) with the mouse. */
async function drawOnPad(page, points) {
  const pad = page.locator('#pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  const at = ([x, y]) => [box.x + box.width * x, box.y + box.height * y];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 10 });
  await page.mouse.up();
}

/** No error message on the page, and none in the console. */
async function assertQuiet(h, page) {
  const message = page.locator('#message');
  if (await message.isVisible()) assert.fail(`the page shows an error: ${await message.textContent()}`);
  h.assertClean();
}

describe('digits page', { skip: !built && 'www/pkg or www/data/mnist.bin missing: run scripts/build.sh' }, () => {
  let h;
  let page;
  const requests = [];

  before(async () => {
    h = await startHarness();
    page = await h.newPage();
    page.on('request', (r) => requests.push(r.url()));
    // The worker's events as the page receives them ({ event, digitsDone }), for the epoch test.
    await page.addInitScript(() => {
      const Native = window.Worker;
      window.__workerEvents = [];
      window.Worker = class extends Native {
        constructor(...args) {
          super(...args);
          this.addEventListener('message', ({ data }) => {
            if (data?.event) window.__workerEvents.push({ event: data.event, digitsDone: data.progress?.digitsDone });
          });
        }
      };
    });
    await page.goto(new URL('digits.html', h.url).href);
  });
  after(async () => {
    await h?.close();
  });

  test('loads the 10,000 digits once, with a progress indicator, then shows the network', async () => {
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    assert.equal(await page.locator('#data-progress').evaluate((p) => p.value), 1);
    assert.match(await page.locator('#loader-text').textContent(), /10,000 digits: 8,000 for training, 2,000 for testing/);
    assert.equal(requests.filter((u) => u.endsWith('/data/mnist.bin')).length, 1, 'the asset is fetched once');
    assert.match(await page.locator('#log').textContent(), /^Before training: \d+ \/ 2000$/);
    assert.equal(await page.locator('#tests .tile').count(), 60, 'a page of test digits');
    assert.equal(await page.locator('a.back').getAttribute('href'), 'index.html');
    const workers = page.workers().map((w) => w.url());
    assert.ok(workers.some((u) => u.endsWith('/js/digits/worker.js')), `the worker runs: ${workers}`);
    await h.screenshot('digits-loaded');
    await assertQuiet(h, page);
  });

  test('Step trains one mini-batch and animates its four phases', async () => {
    await page.locator('#step').click();
    await page.waitForSelector('#phasebar li[data-phase="backward"].active', { timeout: 10_000 });
    await h.screenshot('digits-step-backpropagate');
    await page.waitForFunction(() => !document.querySelector('#phasebar li.active') && !document.getElementById('epoch').disabled);
    assert.equal(await page.locator('#batch-strip .strip-item').count(), 10, 'm = 10 example images');
    assert.match(await page.locator('#count-cost').textContent(), /^\d+\.\d{4}$/);
    assert.match(await page.locator('#source').textContent(), /mini-batch example 1 of 10/);
    assert.equal(await page.locator('#mode-gradient').isDisabled(), false, 'the gradient view is available');
    await page.locator('#mode-gradient').click();
    assert.match(await page.locator('#epoch-progress-text').textContent(), /epoch 0: 10 \/ 8000 digits/);
    await h.screenshot('digits-step-gradient');
    await page.locator('#mode-weights').click();
    await assertQuiet(h, page);
  });

  test('an epoch runs in the worker: the page stays live, the bar advances, > 80% on the test digits', async (t) => {
    // N(0, 1/n_in) weights (chapter 3) reach about 89% after one epoch on this split.
    await page.selectOption('#init', 'scaled');
    await page.waitForFunction(() => /^Before training/.test(document.getElementById('log').textContent));
    await page.evaluate(() => {
      const probe = (window.__probe = { frames: [], progress: [], stop: false });
      const frame = (now) => {
        probe.frames.push(now);
        if (!probe.stop) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      // Every value the page gives the bar (its value property reflects to the attribute).
      const bar = document.getElementById('epoch-progress');
      probe.observer = new MutationObserver(() => probe.progress.push(bar.value));
      probe.observer.observe(bar, { attributes: true, attributeFilter: ['value'] });
      window.__workerEvents.length = 0;
    });
    const t0 = Date.now();
    await page.locator('#epoch').click();
    await page.waitForFunction(() => /Epoch 0: \d+ \/ 2000/.test(document.getElementById('log').textContent), null, { timeout: 60_000 });
    const seconds = (Date.now() - t0) / 1000;
    const probe = await page.evaluate(() => {
      window.__probe.stop = true;
      window.__probe.observer.disconnect();
      const { frames, progress } = window.__probe;
      return { frames, progress, events: window.__workerEvents };
    });
    const line = (await page.locator('#log').textContent()).split('\n').find((l) => l.startsWith('Epoch 0:'));
    const correct = Number(line.match(/Epoch 0: (\d+) \/ 2000/)[1]);
    assert.ok(correct > 1600, `accuracy after one epoch: ${line}`);

    // The worker reports the epoch in at least 25 steps forward, whatever the machine's speed;
    // the page draws the latest report once a frame, so how many of them a learner sees
    // depends on how long the epoch takes (a tenth of a second here on a fast host).
    const done = probe.events.filter((e) => e.event === 'progress').map((e) => e.digitsDone);
    let forward = 0;
    while (forward < done.length && done[forward] > (forward ? done[forward - 1] : 0)) forward += 1;
    // The report after the epoch's last chunk is at the start of the next epoch (0 done).
    assert.ok(forward >= 24 && done[forward] === 0,
      `the worker reported the epoch's progress in ≥ 25 steps forward: ${done.join(', ')}`);
    const inside = new Set(probe.progress.filter((v) => v > 0 && v < 1));
    assert.ok(inside.size >= 1, `the progress bar moved through the epoch: ${[...new Set(probe.progress)].join(', ')}`);
    let maxGap = 0;
    for (let i = 1; i < probe.frames.length; i++) maxGap = Math.max(maxGap, probe.frames[i] - probe.frames[i - 1]);
    t.diagnostic(`${line}; ${probe.frames.length} frames in ${seconds.toFixed(1)} s, longest gap ${maxGap.toFixed(0)} ms; `
      + `${done.length} progress reports, the bar drawn at ${inside.size} points inside the epoch`);
    // At least 5 frames a second even on a busy two-core machine (an idle one gives ~60).
    assert.ok(probe.frames.length >= seconds * 5, `${probe.frames.length} frames in ${seconds.toFixed(1)} s`);
    assert.ok(maxGap < 500, `the main thread never froze: longest gap between frames ${maxGap.toFixed(0)} ms`);
    assert.match(await page.locator('#count-accuracy').textContent(), /^\d+\.\d%$/);
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    await h.screenshot('digits-after-epoch');
    await assertQuiet(h, page);
  });

  test('the network can be saved as JSON in the Network.fromJSON shape', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#save').click()]);
    assert.match(download.suggestedFilename(), /^mnist-network-epoch-1\.json$/);
    const json = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(json.sizes, [784, 30, 10]);
    assert.equal(json.weights[0].length, 30);
    assert.equal(json.weights[0][0].length, 784);
    assert.equal(json.cost, 'quadratic');
    await assertQuiet(h, page);
  });

  test('a digit drawn on the pad is classified, with the ten outputs shown', async () => {
    await drawOnPad(page, [[0.5, 0.15], [0.5, 0.85]]); // a "1"
    await page.waitForFunction(() => /^\d$/.test(document.getElementById('guess').textContent));
    assert.equal(await page.locator('#outputs li').count(), 10);
    assert.equal(await page.locator('#guess').textContent(), '1', 'a vertical stroke reads as 1');
    assert.match(await page.locator('#source').textContent(), /your drawing/);
    await h.screenshot('digits-drawn-one', { fullPage: true });
    await page.locator('#clear').click();
    await page.waitForFunction(() => document.getElementById('guess').textContent === '–');
    await assertQuiet(h, page);
  });

  test('the test-set browser lists misclassified digits first and feeds one to the network', async () => {
    const first = page.locator('#tests .tile').first();
    assert.match(await first.getAttribute('class'), /\bwrong\b/);
    await first.click();
    await page.waitForFunction(() => /test digit #\d+/.test(document.getElementById('source').textContent));
    await page.locator('#tests-all').click();
    assert.equal(await page.locator('#tests-all').getAttribute('aria-pressed'), 'true');
    await page.locator('#tests-next').click();
    assert.match(await page.locator('#tests-page').textContent(), /61–120 of 2000/);
    await assertQuiet(h, page);
  });

  test('a bad setting is reported and changes nothing', async () => {
    const before = await page.locator('#log').textContent();
    await page.fill('#eta', '-1');
    await page.locator('#eta').dispatchEvent('change');
    await page.waitForSelector('#message:not([hidden])');
    assert.match(await page.locator('#message .message-text').textContent(), /learning rate eta must be a finite number > 0, got -1/);
    assert.equal(await page.locator('#log').textContent(), before);
    assert.equal(await page.inputValue('#eta'), '3', 'the field shows the learning rate still in use');
    await page.locator('#message .message-close').click();
    await page.waitForTimeout(100);
    await assertQuiet(h, page);
  });

  test('a step refused as divergence in the worker says where it happened and changes nothing', async () => {
    // The page offers no λ, so the worker is driven directly: ηλ/n overflows, every weight
    // would become non-finite, and the step must be refused with the epoch and position.
    const r = await page.evaluate(async () => {
      const { startWorker } = await import('./js/digits/client.js');
      const { request, worker } = startWorker(() => {});
      try {
        const bytes = await (await fetch('data/mnist.bin')).arrayBuffer();
        const loaded = await request('load', { bytes, settings: { eta: 3, lambda: 1e308 } }, [bytes]);
        const before = await request('network');
        let err = null;
        await request('step').catch((e) => (err = e));
        const after = await request('network');
        return {
          err: err && { message: err.message, diverged: err.diverged, at: err.at },
          same: JSON.stringify(before) === JSON.stringify(after),
          progress: loaded.progress,
        };
      } finally {
        worker.terminate();
      }
    });
    assert.ok(r.err, 'the step was refused');
    assert.equal(r.err.diverged, true);
    assert.match(r.err.message, /non-finite/);
    assert.equal(r.err.at.epoch, 0);
    assert.equal(r.err.at.digitsDone, 0);
    assert.equal(r.err.at.trainSize, r.progress.trainSize);
    assert.equal(r.err.at.eta, 3);
    assert.ok(r.same, 'the network is exactly as before the refused step');
    await assertQuiet(h, page);
  });

  test('中文: the labels switch, and the choice is remembered', async () => {
    await page.locator('#lang').click();
    assert.equal(await page.locator('h1').textContent(), '手写数字');
    assert.equal(await page.locator('#step').textContent(), '单步');
    assert.equal(await page.evaluate(() => localStorage.getItem('nndl.lang')), 'zh');
    await h.screenshot('digits-zh');
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    assert.equal(await page.locator('#learning-rate-label, label.field span[data-i18n="eta"]').first().textContent(), '学习率 η');
    await page.locator('#lang').click();
    await assertQuiet(h, page);
  });

  test('on a slow network the loader shows the download advancing', async () => {
    const slow = await h.newPage();
    await slow.addInitScript(() => {
      const seen = (window.__loadProgress = []);
      const poll = setInterval(() => {
        const p = document.getElementById('data-progress');
        if (p && seen[seen.length - 1] !== p.value) seen.push(p.value);
        if (document.body?.dataset.state === 'ready') clearInterval(poll);
      }, 10);
    });
    const cdp = await slow.context().newCDPSession(slow);
    await cdp.send('Network.enable');
    // About 8 MB/s: the 7.8 MB asset takes about a second.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 8e6, uploadThroughput: 8e6 });
    await slow.goto(new URL('digits.html', h.url).href);
    await slow.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    const seen = await slow.evaluate(() => window.__loadProgress);
    const between = seen.filter((v) => v > 0 && v < 1);
    assert.ok(between.length >= 3, `progress values seen while loading: ${seen.map((v) => v.toFixed(2)).join(' ')}`);
    assert.equal(seen[seen.length - 1], 1);
    await assertQuiet(h, slow);
    await slow.close();
  });

  test('on a phone: one column, and a finger draws on the pad', async () => {
    const phone = await h.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true }, 'digits.html');
    await phone.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    const pad = phone.locator('#pad');
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    await phone.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
    await phone.waitForFunction(() => /^\d$/.test(document.getElementById('guess').textContent));
    await h.screenshot('digits-phone', { page: phone });
    await assertQuiet(h, phone);
    await phone.close();
  });
});
