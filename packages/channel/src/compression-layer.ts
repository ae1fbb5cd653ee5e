// The compression layer: per message, no shared context. Small messages go as they are, and
// so does any message whose compressed form is not smaller, so incompressible data is never
// sent larger than plain.
import { CompressionError } from '@sluice/stream-core';
import {
  ALGORITHM_IDS,
  algorithmOf,
  type CompressionAlgorithm,
  compressSoon,
  compressSync,
  decompressSoon,
} from './compression.js';
import {
  ALGORITHM_MASK,
  ALGORITHM_SHIFT,
  DEFAULT_COMPRESSION_LEVEL,
  DEFAULT_COMPRESSION_THRESHOLD,
  FLAG_COMPRESSED,
} from './constants.js';
import type { LayerOutput, PayloadLayer } from './layer.js';

/** How a channel compresses. */
export interface CompressionOptions {
  /** Algorithm for outgoing messages; any of them is always accepted on receipt. Default deflate. */
  algorithm?: CompressionAlgorithm;
  /** Level: zlib 0–9, brotli 0–11, zstd −7–22. Default `DEFAULT_COMPRESSION_LEVEL` (6). */
  level?: number;
  /** Messages smaller than this many bytes go uncompressed. Default 512. */
  threshold?: number;
}

// Large payloads are probed first: if a sample does not shrink, compressing the whole would
// only burn CPU (RPyC users asked for exactly this). The probe is a 16 KiB sample at the
// algorithm's fastest level: on compressible data (which is then compressed whole anyway)
// it adds well under 1% to the work of a message of 1 MiB or more.
const PROBE_FROM = 1024 * 1024;
const PROBE_SIZE = 16 * 1024;
const PROBE_RATIO = 0.97;
const PROBE_LEVEL: Readonly<Record<CompressionAlgorithm, number>> = {
  deflate: 1,
  brotli: 1,
  zstd: 1,
};

// The levels each algorithm takes (a level outside is refused, not clamped).
const LEVELS: Readonly<Record<CompressionAlgorithm, readonly [number, number]>> = {
  deflate: [0, 9],
  brotli: [0, 11],
  zstd: [-7, 22],
};

/** A compression `PayloadLayer`. */
export function compressionLayer(options: CompressionOptions = {}): PayloadLayer {
  const algorithm = options.algorithm ?? 'deflate';
  const level = options.level ?? DEFAULT_COMPRESSION_LEVEL;
  const threshold = options.threshold ?? DEFAULT_COMPRESSION_THRESHOLD;
  const id = ALGORITHM_IDS[algorithm];
  if (id === undefined) {
    throw new TypeError(
      `unknown compression algorithm '${String(algorithm)}' (expected deflate, brotli or zstd)`,
    );
  }
  const [lo, hi] = LEVELS[algorithm];
  if (typeof level !== 'number' || !Number.isInteger(level) || level < lo || level > hi) {
    throw new RangeError(
      `compress.level for ${algorithm} must be an integer ${lo}..${hi}, got ${String(level)}`,
    );
  }
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 0) {
    throw new RangeError(`compress.threshold must be an integer >= 0, got ${String(threshold)}`);
  }
  const flags = FLAG_COMPRESSED | (id << ALGORITHM_SHIFT);
  return {
    name: `compression (${algorithm})`,
    mask: FLAG_COMPRESSED | ALGORITHM_MASK,
    encode(payload: Uint8Array): LayerOutput | Promise<LayerOutput> {
      const plain = { payload, flags: 0 };
      if (payload.length < threshold) return plain;
      if (payload.length >= PROBE_FROM) {
        const probe = Math.min(level, PROBE_LEVEL[algorithm]);
        const sample = compressSync(payload.subarray(0, PROBE_SIZE), algorithm, probe);
        if (sample.length >= PROBE_SIZE * PROBE_RATIO) return plain;
      }
      const packed = compressSoon(payload, algorithm, level);
      const choose = (out: Uint8Array): LayerOutput =>
        out.length < payload.length ? { payload: out, flags } : plain;
      return packed instanceof Promise ? packed.then(choose) : choose(packed);
    },
    decode: decodeCompressed,
  };
}

/** Undoes any algorithm's compression, as named by the flags; output capped at `maxSize`. */
export function decodeCompressed(
  payload: Uint8Array,
  flags: number,
  maxSize: number,
): Uint8Array | Promise<Uint8Array> {
  const algorithm = algorithmOf((flags & ALGORITHM_MASK) >> ALGORITHM_SHIFT);
  if (algorithm === undefined) {
    throw new CompressionError(`unknown compression algorithm in flags ${flags}`);
  }
  return decompressSoon(payload, algorithm, maxSize);
}

/** The receive side of compression, used when a channel does not compress its own output. */
export const decompressionLayer: PayloadLayer = {
  name: 'decompression',
  mask: FLAG_COMPRESSED | ALGORITHM_MASK,
  encode: (payload: Uint8Array): LayerOutput => ({ payload, flags: 0 }),
  decode: decodeCompressed,
};
