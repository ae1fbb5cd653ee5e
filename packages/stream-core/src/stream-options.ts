// The options of `new Stream(source, options)`.
import type { StreamError } from './errors.js';
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
