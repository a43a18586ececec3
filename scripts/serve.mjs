#!/usr/bin/env node
// A tiny, dependency-free static server for www/ on 127.0.0.1.
//
//   node scripts/serve.mjs [PORT]      (or PORT=… in the environment; default 8080)
//
// When the port is taken it tries the next ones. Every response carries the page's
// Content-Security-Policy (no CDN, no inline script; 'wasm-unsafe-eval' lets the page
// compile its own WebAssembly), Cache-Control: no-store and X-Content-Type-Options: nosniff.
// Tests import { startServer } and pass port 0 for a free port. Small files are served from
// memory after their first request (each request still checks the file's stat), so a page's
// dozens of modules cost one stat each rather than a stat, two realpaths and a stream. That
// stat is synchronous: a few microseconds on a file the kernel has just seen, where the async
// one is a trip through libuv's thread pool (two thread wake-ups per request, which on a busy
// machine cost more than everything else the request does).
import { createServer } from 'node:http';
import { createReadStream, promises as fsp, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_ROOT = join(ROOT, 'www');
export const HOST = '127.0.0.1';

export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' data: blob:; worker-src 'self'; object-src 'none'; base-uri 'none'";

export const SECURITY_HEADERS = Object.freeze({
  'Content-Security-Policy': CSP,
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
});

export const MIME_TYPES = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
});

function send(res, status, body, headers = {}) {
  const buf = Buffer.from(body, 'utf8');
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': buf.length,
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : buf);
}

/**
 * Maps a request URL path to a file under `root`, or null when it would escape `root`
 * or is malformed. Directory requests resolve to index.html later.
 */
export function resolveSafe(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const full = resolve(root, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  if (full !== root && !full.startsWith(root + sep)) return null;
  return full;
}

/** Files up to this size are kept in memory after their first request (the page's own files). */
const CACHE_MAX_FILE = 1 << 20;
/** At most this many bytes are kept in memory in all; larger totals fall back to streaming. */
const CACHE_MAX_TOTAL = 32 << 20;

/** Same file, same content: a changed, replaced or re-linked file has another stat. */
const sameFile = (a, b) =>
  a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;

function makeHandler(root, realRoot) {
  // path -> { st, body }: small files already read and checked to lie inside root. Each
  // request still stats its file, so an edited or rebuilt file is read again at once.
  const cache = new Map();
  let cached = 0;
  return async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
        return;
      }
      let pathname;
      try {
        pathname = new URL(req.url, 'http://127.0.0.1').pathname;
      } catch {
        send(res, 400, 'Bad Request\n');
        return;
      }
      let file = resolveSafe(root, pathname);
      if (file === null) {
        send(res, 404, 'Not Found\n');
        return;
      }
      let st;
      let hit = null;
      try {
        st = statSync(file);
        if (st.isDirectory()) {
          if (!pathname.endsWith('/')) {
            // Keep relative URLs in the page working: /dir -> /dir/
            res.writeHead(301, { ...SECURITY_HEADERS, Location: pathname + '/', 'Content-Length': 0 });
            res.end();
            return;
          }
          file = join(file, 'index.html');
          st = statSync(file);
        }
        const entry = cache.get(file);
        if (entry && sameFile(entry.st, st)) {
          hit = entry;
        } else {
          // Refuse symlinks that lead outside root.
          const real = await fsp.realpath(file);
          if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new Error('outside root');
          if (!st.isFile()) throw new Error('not a file');
        }
      } catch {
        send(res, 404, 'Not Found\n');
        return;
      }
      const type = MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      if (!hit && st.size <= CACHE_MAX_FILE && cached + st.size <= CACHE_MAX_TOTAL) {
        let body;
        try {
          body = await fsp.readFile(file);
        } catch {
          send(res, 404, 'Not Found\n');
          return;
        }
        // Kept only if the file did not change while it was read.
        if (body.length === st.size) {
          const old = cache.get(file);
          if (old) cached -= old.body.length;
          cache.set(file, { st, body });
          cached += body.length;
        }
        hit = { st, body };
      }
      if (hit) {
        res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': hit.body.length });
        res.end(req.method === 'HEAD' ? undefined : hit.body);
        return;
      }
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': st.size });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const stream = createReadStream(file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    } catch (err) {
      if (!res.headersSent) send(res, 500, 'Internal Server Error\n');
      else res.destroy(err);
    }
  };
}

function listen(server, port) {
  return new Promise((resolvePromise, reject) => {
    const onError = (err) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolvePromise();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}

/**
 * Starts serving `root` on 127.0.0.1. Port 0 picks a free port; a busy port is
 * followed by the next ones (up to `tries`). Resolves to { server, url, port }.
 */
export async function startServer({ port = 8080, root = DEFAULT_ROOT, tries = 20 } = {}) {
  const absRoot = resolve(root);
  const server = createServer(makeHandler(absRoot, await fsp.realpath(absRoot)));
  server.keepAliveTimeout = 1000;
  let p = Number(port);
  if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error(`invalid port: ${port}`);
  for (let attempt = 0; ; attempt++) {
    try {
      await listen(server, p);
      break;
    } catch (err) {
      if (err.code === 'EADDRINUSE' && p !== 0 && attempt + 1 < tries && p < 65535) {
        p += 1;
        continue;
      }
      throw err;
    }
  }
  const actual = server.address().port;
  return { server, url: `http://${HOST}:${actual}/`, port: actual };
}

async function main() {
  const arg = process.argv[2];
  const port = arg ?? process.env.PORT ?? 8080;
  const { url } = await startServer({ port: Number(port) });
  console.log(`Serving www/ at ${url}`);
  const stop = () => process.exit(0);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`serve: ${err.message}`);
    process.exit(1);
  });
}
