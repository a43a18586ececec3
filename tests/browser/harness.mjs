// Shared helper for the browser tests (node:test + playwright-core + Debian's Chromium).
//
//   import { test, before, after } from 'node:test';
//   import { startHarness } from './harness.mjs';
//
//   let h;
//   before(async () => { h = await startHarness(); });
//   after(async () => { await h?.close(); });
//
//   test('page loads', async () => {
//     const page = await h.newPage();          // fresh browser context
//     await page.goto(h.url);                  // http://127.0.0.1:<random port>/
//     ...
//     await h.screenshot('page-loads');        // test-results/screenshots/page-loads.png
//     h.assertClean();                         // no console errors, page errors, external requests
//   });
//
// The server is scripts/serve.mjs (the same CSP and headers as `scripts/serve.sh`), on a
// free port. Every request leaving 127.0.0.1/localhost is recorded and aborted, so the
// tests also prove the page loads nothing from outside.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WWW_ROOT = join(REPO_ROOT, 'www');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Never `npx playwright install`: it downloads a browser, which this network refuses.
// Without the background-networking flags Chromium keeps trying to reach Google's hosts.
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-dev-shm-usage',
]);

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True for URLs the page may load: our own server, or data:/blob:/about: URLs. */
export function isLocalUrl(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  return (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:') && LOCAL_HOSTS.has(u.hostname);
}

function safeName(name) {
  const s = String(name).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return s || 'screenshot';
}

/**
 * Starts the static server and Chromium. Options:
 *   root      directory to serve (default www/)
 *   viewport  default viewport for new pages ({ width: 1280, height: 900 })
 *   locale    default locale for new contexts ('en-US')
 *   headless  default true (HEADED=1 in the environment shows the browser, if a display exists)
 *   args      extra Chromium flags after CHROMIUM_ARGS (e.g. bench/soak.mjs's memory flags)
 * Returns the harness (see the methods below).
 */
export async function startHarness({
  root = WWW_ROOT,
  viewport = { width: 1280, height: 900 },
  locale = 'en-US',
  headless = process.env.HEADED !== '1',
  args = [],
} = {}) {
  const { server, url } = await startServer({ port: 0, root });
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS, ...args],
      headless,
      timeout: 60_000,
    });
  } catch (err) {
    server.closeAllConnections?.();
    await new Promise((r) => server.close(r));
    throw err;
  }

  /** Every problem seen so far: { kind: 'console' | 'pageerror' | 'external' | 'crash', text, pageUrl }. */
  const issues = [];
  const contexts = [];
  let lastPage = null;

  const h = {
    url,
    server,
    browser,
    issues,
    /** URLs of blocked requests to anything but 127.0.0.1/localhost. */
    get externalRequests() {
      return issues.filter((i) => i.kind === 'external').map((i) => i.text);
    },
    /** Console errors and uncaught page errors, as text. */
    get errors() {
      return issues.filter((i) => i.kind !== 'external').map((i) => `${i.kind}: ${i.text}`);
    },
    /** The page most recently opened by newPage(). */
    get page() {
      return lastPage;
    },

    /**
     * Opens a page in a fresh browser context (own storage, cookies, cache) and starts
     * recording its problems. `options` go to browser.newContext (e.g. { locale: 'zh-CN' }).
     * `path` (optional) is navigated to, relative to the server's URL.
     */
    async newPage(options = {}, path = undefined) {
      const context = await browser.newContext({ viewport, locale, serviceWorkers: 'block', ...options });
      contexts.push(context);
      await context.route('**/*', (route) => {
        const reqUrl = route.request().url();
        if (isLocalUrl(reqUrl)) return route.continue();
        issues.push({ kind: 'external', text: reqUrl, pageUrl: route.request().frame()?.url?.() ?? '' });
        return route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      page.on('console', (msg) => {
        if (msg.type() === 'error') {
          const loc = msg.location();
          const where = loc?.url ? ` (${loc.url}:${loc.lineNumber ?? 0})` : '';
          issues.push({ kind: 'console', text: msg.text() + where, pageUrl: page.url() });
        }
      });
      page.on('pageerror', (err) => {
        issues.push({ kind: 'pageerror', text: err?.stack || String(err), pageUrl: page.url() });
      });
      page.on('crash', () => issues.push({ kind: 'crash', text: 'page crashed', pageUrl: page.url() }));
      // WebSocket connections are not routed; record any that leave the machine.
      page.on('websocket', (ws) => {
        if (!isLocalUrl(ws.url())) issues.push({ kind: 'external', text: ws.url(), pageUrl: page.url() });
      });
      lastPage = page;
      if (path !== undefined) await page.goto(new URL(path, url).href);
      return page;
    },

    /**
     * Fails (AssertionError) if any console error, page error, crash or external request
     * was recorded. `ignore`: RegExps for issue texts that are expected in this test.
     */
    assertClean({ ignore = [] } = {}) {
      const left = issues.filter((i) => !ignore.some((re) => re.test(i.text)));
      if (left.length > 0) {
        const lines = left.map((i) => `  - [${i.kind}] ${i.text}${i.pageUrl ? `  (page: ${i.pageUrl})` : ''}`);
        assert.fail(`browser reported ${left.length} problem(s):\n${lines.join('\n')}`);
      }
    },

    /** Forgets the issues recorded so far (e.g. after a step that is expected to log an error). */
    clearIssues() {
      issues.length = 0;
    },

    /** Saves a PNG of `page` (default: the latest) to test-results/screenshots/<name>.png; returns its path. */
    async screenshot(name, { page = lastPage, fullPage = true } = {}) {
      if (!page) throw new Error('screenshot: no page open');
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = join(SCREENSHOT_DIR, `${safeName(name)}.png`);
      await page.screenshot({ path: file, fullPage });
      return file;
    },

    /** Closes every context, the browser and the server. Safe to call twice. */
    async close() {
      for (const c of contexts.splice(0)) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      server.closeAllConnections?.();
      await new Promise((r) => server.close(() => r()));
    },
  };
  return h;
}
