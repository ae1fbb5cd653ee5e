// Compression with Node's own zlib: deflate (zlib format, with its Adler-32 check), brotli
// and zstd (with its content checksum). Per message, no shared context. Decompression is
// capped by zlib's `maxOutputLength`, which counts output as it is produced and aborts past
// the cap, so a bomb never grows beyond the limit. Small inputs run synchronously (a thread-
// pool round trip costs more than the work); large ones run on the pool under a shared limit.
import { constants } from 'node:buffer';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { CompressionError } from '@sluice/stream-core';
import { DEFAULT_COMPRESSION_LEVEL } from './constants.js';
import { Limiter } from './limiter.js';
import { zstdFramesProblem } from './zstd-frames.js';

/** The compression algorithms of the wire format. */
export type CompressionAlgorithm = 'deflate' | 'brotli' | 'zstd';

/** Wire ids of the algorithms (frame flag bits 4–5). */
export const ALGORITHM_IDS: Readonly<Record<CompressionAlgorithm, number>> = {
  deflate: 0,
  brotli: 1,
  zstd: 2,
};

/** The algorithm with wire id `id`, if any. */
export function algorithmOf(id: number): CompressionAlgorithm | undefined {
  return id === 0 ? 'deflate' : id === 1 ? 'brotli' : id === 2 ? 'zstd' : undefined;
}

/**
 * Inputs up to this size are compressed synchronously; larger ones on the thread pool, where
 * one side's compression overlaps the other's work. Up to here the pool's round trip (a
 * promise, a thread hand-off, a wake-up) costs a noticeable share of the work itself, and
 * the event loop is held for at most a millisecond or two (deflate 6, 64 KiB).
 */
export const SYNC_LIMIT: number = 64 * 1024;
// zstd is fast enough that the pool round trip costs more than the work up to here.
const ZSTD_SYNC_LIMIT = 256 * 1024;
/**
 * Compressed inputs up to this size are decompressed synchronously (zstd: 4 times as much).
 * Inflating is several times faster than deflating, so the same reasoning holds for inputs
 * whose output is typically a few times larger; output is capped at the message limit.
 */
export const DECOMPRESS_SYNC_LIMIT: number = 16 * 1024;
const ZSTD_DECOMPRESS_SYNC_LIMIT = 64 * 1024;
/**
 * Most output a synchronous decompression may produce (1 MiB: about 0.2 ms of inflate, 6 ms
 * of brotli, whose decoder's set-up dominates); a message that inflates further is finished
 * on the thread pool. This, not the input size, bounds how long the event loop is held.
 */
export const SYNC_OUTPUT_BUDGET: number = 1024 * 1024;
/**
 * Synchronous decompression time allowed per turn of the event loop, across all channels,
 * counting calls that took a millisecond or more: once spent, further decompressions in
 * that turn go to the pool. Twenty bombs arriving on
 * twenty sockets in one turn would otherwise each take their few milliseconds back to back
 * (a brotli decoder set up for a large window costs ~5 ms before any output).
 */
export const SYNC_TIME_PER_TURN_MS = 2;
// A synchronous decompression this slow counts against the turn's budget (a bomb's attempt
// takes 1-6 ms before its output budget; a 64 KiB message well under one).
const SLOW_CALL_MS = 1;

const syncTurn = { spentMs: 0, resetting: false };
function spend(ms: number): void {
  syncTurn.spentMs += ms;
  if (syncTurn.resetting) return;
  syncTurn.resetting = true;
  setImmediate(() => {
    syncTurn.spentMs = 0;
    syncTurn.resetting = false;
  }).unref();
}

const ASYNC_CHUNK = 1024 * 1024;

/**
 * Shared limit on concurrent thread-pool zlib calls across all channels: at most 4, and one
 * core fewer than the machine has, so that pool work (a bomb inflating to the cap takes
 * ~200 ms of CPU) never takes every core from the event loop.
 */
export const zlibLimiter: Limiter = new Limiter(
  Math.max(1, Math.min(4, availableParallelism() - 1)),
);

type Options = zlib.ZlibOptions & zlib.BrotliOptions & zlib.ZstdOptions;
type Call = (data: Uint8Array, options: Options) => Buffer;
type AsyncCall = (data: Uint8Array, options: Options) => Promise<Buffer>;

const { constants: C } = zlib;

function noZstd(): never {
  throw new Error(`zstd needs Node 22.15 or later (this is ${process.version})`);
}
const calls: Record<
  CompressionAlgorithm,
  { compress: Call; decompress: Call; compressAsync: AsyncCall; decompressAsync: AsyncCall }
> = {
  deflate: {
    compress: zlib.deflateSync,
    decompress: zlib.inflateSync,
    compressAsync: promisify(zlib.deflate) as AsyncCall,
    decompressAsync: promisify(zlib.inflate) as AsyncCall,
  },
  brotli: {
    compress: zlib.brotliCompressSync,
    decompress: zlib.brotliDecompressSync,
    compressAsync: promisify(zlib.brotliCompress) as AsyncCall,
    decompressAsync: promisify(zlib.brotliDecompress) as AsyncCall,
  },
  // zstd arrived in Node 22.15: on an older Node the channel still loads, and zstd fails
  // with a CompressionError that says so.
  zstd:
    typeof zlib.zstdCompressSync === 'function'
      ? {
          compress: zlib.zstdCompressSync,
          decompress: zlib.zstdDecompressSync,
          compressAsync: promisify(zlib.zstdCompress) as AsyncCall,
          decompressAsync: promisify(zlib.zstdDecompress) as AsyncCall,
        }
      : {
          compress: noZstd,
          decompress: noZstd,
          compressAsync: async () => noZstd(),
          decompressAsync: async () => noZstd(),
        },
};

function compressOptions(algorithm: CompressionAlgorithm, level: number, size: number): Options {
  switch (algorithm) {
    case 'deflate':
      return { level: clamp(level, 0, 9) };
    case 'brotli':
      return {
        params: {
          [C.BROTLI_PARAM_QUALITY]: clamp(level, 0, 11),
          [C.BROTLI_PARAM_SIZE_HINT]: size,
        },
      };
    case 'zstd':
      return {
        params: {
          [C.ZSTD_c_compressionLevel]: clamp(level, -7, 22),
          [C.ZSTD_c_checksumFlag]: 1,
          [C.ZSTD_c_contentSizeFlag]: 1,
        },
        pledgedSrcSize: size,
      };
  }
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(n)));
}

/** `data` compressed with `algorithm` at `level` (zlib 0–9, brotli 0–11, zstd −7–22). */
export async function compress(
  data: Uint8Array,
  algorithm: CompressionAlgorithm = 'deflate',
  level: number = DEFAULT_COMPRESSION_LEVEL,
): Promise<Uint8Array> {
  return compressSoon(data, algorithm, level);
}

/**
 * `compress`, but returning the result itself (no promise) when the input is small enough to
 * be compressed synchronously: the layer's per-message path, without async machinery.
 */
export function compressSoon(
  data: Uint8Array,
  algorithm: CompressionAlgorithm,
  level: number,
): Uint8Array | Promise<Uint8Array> {
  if (data.length <= (algorithm === 'zstd' ? ZSTD_SYNC_LIMIT : SYNC_LIMIT)) {
    return compressSync(data, algorithm, level);
  }
  const call = calls[algorithm];
  const options = compressOptions(algorithm, level, data.length);
  return zlibLimiter
    .run(() => call.compressAsync(data, options))
    .catch((cause: unknown) => {
      throw compressionError(cause, algorithm);
    });
}

/** Synchronous `compress`, for small inputs and tests. */
export function compressSync(
  data: Uint8Array,
  algorithm: CompressionAlgorithm = 'deflate',
  level: number = DEFAULT_COMPRESSION_LEVEL,
): Uint8Array {
  try {
    return calls[algorithm].compress(data, compressOptions(algorithm, level, data.length));
  } catch (cause) {
    throw compressionError(cause, algorithm);
  }
}

function compressionError(cause: unknown, algorithm: CompressionAlgorithm): CompressionError {
  return new CompressionError(`${algorithm} compression failed: ${(cause as Error).message}`, {
    cause,
  });
}

/**
 * `data` decompressed with `algorithm`, never producing more than `maxOutputLength` bytes:
 * past it, or on corrupt input, rejects with `CompressionError`.
 */
export async function decompress(
  data: Uint8Array,
  algorithm: CompressionAlgorithm,
  maxOutputLength: number,
): Promise<Uint8Array> {
  return decompressSoon(data, algorithm, maxOutputLength);
}

/**
 * `decompress`, but returning the result itself (no promise) for inputs small enough to be
 * decompressed synchronously. Throws (or rejects with) `CompressionError`.
 */
export function decompressSoon(
  data: Uint8Array,
  algorithm: CompressionAlgorithm,
  maxOutputLength: number,
): Uint8Array | Promise<Uint8Array> {
  const call = calls[algorithm];
  if (algorithm === 'zstd') {
    const problem = zstdFramesProblem(data);
    if (problem) throw new CompressionError(`zstd decompression failed: ${problem}`);
  }
  // zlib cannot produce a Buffer beyond buffer.constants.MAX_LENGTH anyway.
  const cap = Math.max(1, Math.min(maxOutputLength, MAX_OUTPUT));
  const small =
    data.length <= (algorithm === 'zstd' ? ZSTD_DECOMPRESS_SYNC_LIMIT : DECOMPRESS_SYNC_LIMIT);
  if (small && syncTurn.spentMs < SYNC_TIME_PER_TURN_MS) {
    // Synchronously only up to an output budget: what holds the event loop is the output
    // produced, not the input read (a 1.6 KB brotli bomb inflates to 64 MiB in ~200 ms).
    // Past the budget the work is redone on the pool, where it may run to the cap.
    const budget = Math.min(cap, SYNC_OUTPUT_BUDGET);
    const started = performance.now();
    try {
      return call.decompress(data, { maxOutputLength: budget });
    } catch (cause) {
      const overBudget = (cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      if (!overBudget || budget === cap)
        throw decompressionError(cause, algorithm, maxOutputLength);
    } finally {
      // Only slow calls count: ordinary messages (well under a millisecond each) never
      // exhaust the turn's budget, however many arrive in one chunk.
      const took = performance.now() - started;
      if (took >= SLOW_CALL_MS) spend(took);
    }
  }
  // Output chunks sized to the likely output: fewer of them for large messages. A small input
  // here either inflated past the synchronous budget or came after the turn's budget was
  // spent: it may be a bomb, so 1 MiB chunks (the event loop then handles 64 callbacks for
  // 64 MiB, not 4,096; each chunk costs it a callback).
  const chunk = small ? ASYNC_CHUNK : Math.min(ASYNC_CHUNK, Math.max(16 * 1024, data.length * 8));
  const options = { maxOutputLength: cap, chunkSize: Math.max(64, Math.min(chunk, cap)) };
  return zlibLimiter
    .run(() => call.decompressAsync(data, options))
    .catch((cause: unknown) => {
      throw decompressionError(cause, algorithm, maxOutputLength);
    });
}

const MAX_OUTPUT: number = constants.MAX_LENGTH;

function decompressionError(
  cause: unknown,
  algorithm: CompressionAlgorithm,
  max: number,
): CompressionError {
  const code = (cause as { code?: string }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE') {
    return new CompressionError(
      `${algorithm} data decompresses to more than maxMessageSize (${max} bytes); aborted at the cap`,
      { cause },
    );
  }
  return new CompressionError(
    `corrupt ${algorithm} data: ${(cause as Error).message ?? String(cause)}`,
    { cause },
  );
}
