// Loading www/data/mnist.bin with a progress report, and reading its images for display.
// The worker's Rust parser validates the file; this only needs the offsets (see
// scripts/mnist-to-bin.mjs: a 20-byte header, count labels, then count × 784 pixel bytes).

export const SIDE = 28;
export const PIXELS = SIDE * SIDE;
const HEADER_BYTES = 20;

/**
 * Fetches `url`, calling onProgress(fraction) as bytes arrive (fraction is null when the
 * server sends no length). Resolves to an ArrayBuffer.
 */
export async function fetchWithProgress(url, onProgress) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} (build it with scripts/build.sh)`);
  const total = Number(res.headers.get('content-length')) || 0;
  if (!res.body) {
    const buf = await res.arrayBuffer();
    onProgress(1);
    return buf;
  }
  const reader = res.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress(total ? Math.min(received / total, 1) : null, received);
  }
  const out = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  onProgress(1, received);
  return out.buffer;
}

/** A read-only view of the digits in the file's bytes. */
export function digitsView(buffer) {
  const bytes = new Uint8Array(buffer);
  const count = new DataView(buffer).getUint32(8, true);
  const pixelsAt = HEADER_BYTES + count;
  return {
    count,
    label: (i) => bytes[HEADER_BYTES + i],
    /** Digit i's 784 pixel bytes (a view, not a copy). */
    image: (i) => bytes.subarray(pixelsAt + i * PIXELS, pixelsAt + (i + 1) * PIXELS),
  };
}
