// RPyC lets a user bring any object with `read` / `write` / `close` / `closed` as a stream.
// sluice's consumers need the whole `ByteStream` contract (readiness, backpressure, both
// seed faces), so such an object is adapted once, here, into a `Stream` over a Duplex,
// instead of failing deep inside a channel with "readyToRead is not a function".
import { Duplex } from 'node:stream';
import type { ByteStream } from './contract.js';
import { Stream, type StreamOptions } from './stream.js';
import { toBuffer } from './to-buffer.js';

/** The seed's duck-typed stream (RPyC's `Stream` interface), in JavaScript. */
export interface MinimalStream {
  /**
   * Up to `n` bytes (at least one), waiting until some arrive; `null` or an empty result at
   * end of stream. May return the bytes or a promise of them.
   */
  read(n: number): Uint8Array | string | null | Promise<Uint8Array | string | null>;
  /** Writes all of `data` (may return a promise that settles once written). */
  write(data: Uint8Array): unknown;
  /** Closes the stream (may return a promise). */
  close(): unknown;
  /** True once closed. */
  readonly closed?: boolean;
}

/** Bytes asked of `MinimalStream.read` per call. */
const READ_SIZE = 64 * 1024;

/** A `Stream` over a seed-shaped object: it reads, writes and closes through its methods. */
export function fromMinimalStream(minimal: MinimalStream, options?: StreamOptions): Stream {
  for (const name of ['read', 'write', 'close'] as const) {
    if (typeof minimal?.[name] !== 'function') {
      throw new TypeError(`fromMinimalStream() needs an object with a ${name}() method`);
    }
  }
  let closing = false;
  const closeOnce = async (): Promise<void> => {
    if (closing || minimal.closed === true) return;
    closing = true;
    await minimal.close();
  };
  const duplex = new Duplex({
    allowHalfOpen: true,
    read(size) {
      Promise.resolve()
        .then(() => minimal.read(Math.max(1, Math.min(size, READ_SIZE))))
        .then(
          (data) => {
            const chunk = data === null || data === undefined ? null : toBuffer(data);
            this.push(chunk === null || chunk.length === 0 ? null : chunk);
          },
          (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
        );
    },
    write(chunk: Buffer, _encoding, callback) {
      Promise.resolve()
        .then(() => minimal.write(chunk))
        .then(
          () => callback(),
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
    },
    final(callback) {
      closeOnce().then(() => callback(), callback);
    },
    destroy(err, callback) {
      closeOnce().then(
        () => callback(err),
        () => callback(err),
      );
    },
  });
  return new Stream(duplex, options);
}

/** The members every `ByteStream` has (the optional ones left out). */
const CONTRACT = [
  'fileno',
  'read',
  'write',
  'doWrite',
  'needsWrite',
  'readExactly',
  'poll',
  'writeAll',
  'closeWrite',
  'close',
  'readyToRead',
  'readyToWrite',
  'onReadiness',
] as const;

/** True when `value` has every method of the `ByteStream` contract. */
export function isByteStream(value: unknown): value is ByteStream {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return CONTRACT.every((name) => typeof v[name] === 'function');
}

/**
 * Throws a `TypeError` naming the `ByteStream` contract (and what is missing) unless
 * `value` honours it. For constructors that take a stream (`what` names the parameter).
 */
export function assertByteStream(value: unknown, what = 'stream'): asserts value is ByteStream {
  if (isByteStream(value)) return;
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${what} must be a ByteStream (e.g. a Stream), got ${String(value)}`);
  }
  const v = value as Record<string, unknown>;
  const missing = CONTRACT.filter((name) => typeof v[name] !== 'function');
  const hint =
    typeof v.read === 'function' && typeof v.write === 'function'
      ? '; wrap a seed-shaped stream (read/write/close/closed) with fromMinimalStream()'
      : '';
  throw new TypeError(
    `${what} does not honour the ByteStream contract: missing ${missing.join(', ')}${hint}`,
  );
}
