// The options of `new Stream(source, options)`, and their check.
import { MAX_BUFFER_SIZE } from './constants.js';
import type { StreamError } from './errors.js';
import { assertKnownOptions } from './known-options.js';
import type { SocketReads } from './socket-reads.js';

/** Options of a `Stream`. */
export interface StreamOptions {
  /** Bound of the read buffer and of the write queue, in bytes. Default `MAX_BUFFER_SIZE` (1 MiB). */
  maxBufferSize?: number;
  /**
   * Turns an error of the Node streams underneath into this stream's typed error (a transport
   * knows what its socket's errors mean). Return undefined to fall back to the generic mapping.
   */
  mapError?: ((err: unknown) => StreamError | undefined) | undefined;
  /**
   * The reads of a socket created with `onread: reads.onread`: the stream takes its bytes from
   * them (the socket emits no 'data' then) and supports `readInto()`.
   */
  reads?: SocketReads | undefined;
}

const STREAM_OPTIONS: readonly string[] = ['maxBufferSize', 'mapError', 'reads'];

/**
 * Checks `options` and returns the buffer bound. `names`: refuse unknown names (false for a
 * subclass, a transport's stream, which takes options of its own and checks them itself).
 */
export function checkStreamOptions(options: StreamOptions, names: boolean): number {
  if (names) assertKnownOptions(options, STREAM_OPTIONS, 'new Stream()');
  const max = options.maxBufferSize ?? MAX_BUFFER_SIZE;
  if (!Number.isSafeInteger(max) || max <= 0) {
    throw new RangeError(`maxBufferSize must be a positive integer, got ${max}`);
  }
  return max;
}
