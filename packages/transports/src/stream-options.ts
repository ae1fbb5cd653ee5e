// What every transport's streams can be told, declared once: the idle timeouts and the
// bound of stream-core's buffers.
import type { IdleTimeouts } from './watchdog.js';

/** Options every transport's streams take. */
export interface TransportStreamOptions extends IdleTimeouts {
  /** Upper bound of each stream-core buffer, in bytes (default stream-core's MAX_BUFFER_SIZE, 1 MiB). */
  maxBufferSize?: number | undefined;
}

/** The part of `options` stream-core's `Stream` constructor takes. */
export function streamCoreOptions(options: TransportStreamOptions): { maxBufferSize?: number } {
  return options.maxBufferSize === undefined ? {} : { maxBufferSize: options.maxBufferSize };
}
