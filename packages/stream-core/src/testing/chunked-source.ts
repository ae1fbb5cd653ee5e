// A Readable that delivers given bytes in chunks cut at chosen offsets, or at random ones
// from a seeded generator, so a failing split can be replayed.
import { Readable } from 'node:stream';

/** A small deterministic PRNG (mulberry32): the same seed gives the same splits. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The chunk boundaries: sorted, unique, strictly inside `(0, length)`. */
export function splitPoints(
  length: number,
  splits: readonly number[] | 'random',
  seed = 1,
): number[] {
  if (splits === 'random') {
    const random = seededRandom(seed);
    const count = length > 1 ? Math.floor(random() * Math.min(length, 64)) : 0;
    splits = Array.from({ length: count }, () => 1 + Math.floor(random() * (length - 1)));
  }
  return [...new Set(splits)].filter((p) => p > 0 && p < length).sort((x, y) => x - y);
}

/** The pieces `bytes` is cut into at `points` (views, not copies). */
export function splitBytes(bytes: Uint8Array, points: readonly number[]): Buffer[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pieces: Buffer[] = [];
  let start = 0;
  for (const p of [...points, buf.length]) {
    if (p > start) pieces.push(buf.subarray(start, p));
    start = p;
  }
  return pieces;
}

/**
 * A Readable delivering `bytes` as separate chunks, cut at the offsets in `splits` (or at
 * random offsets drawn from `seed`), one chunk per read request, then ending.
 */
export function chunkedSource(
  bytes: Uint8Array | string,
  splits: readonly number[] | 'random' = [],
  seed = 1,
): Readable {
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const pieces = splitBytes(data, splitPoints(data.length, splits, seed));
  let next = 0;
  return new Readable({
    read() {
      const piece = pieces[next++];
      this.push(piece ?? null);
    },
  });
}
