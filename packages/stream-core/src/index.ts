/**
 * `@sluice/stream-core`: the one byte-stream contract of sluice, and the shared error
 * family and constants.
 *
 * @example
 * ```ts
 * import { createConnection } from 'node:net';
 * import { Stream } from '@sluice/stream-core';
 *
 * const stream = new Stream(createConnection({ port: 8080 }));
 * await stream.writeAll('ping\n');
 * const reply = await stream.readExactly(5);
 * await stream.close();
 * ```
 * @packageDocumentation
 */

export { BufferedStream } from './buffered-stream.js';
export { DEFAULT_BUFFER_SIZE, MAX_BUFFER_SIZE } from './constants.js';
export type { ByteStream, NodeBackedStream, ReadExactlyOptions, Selectable } from './contract.js';
export {
  AuthenticationError,
  BufferOverflowError,
  type BufferOverflowErrorOptions,
  CompressionError,
  ConnectError,
  ConnectionLostError,
  type ConnectionLostErrorOptions,
  DaemonError,
  EncryptionError,
  type EncryptionErrorOptions,
  type EncryptionFailure,
  ProtocolError,
  type ProtocolErrorOptions,
  StreamClosedError,
  StreamError,
  type StreamErrorOptions,
  TimeoutError,
  type TimeoutErrorOptions,
} from './errors.js';
export { assertKnownOptions } from './known-options.js';
export {
  assertByteStream,
  fromMinimalStream,
  isByteStream,
  type MinimalStream,
} from './minimal-stream.js';
export { Pump, type PumpOptions } from './pump.js';
export { select } from './select.js';
export { type OnRead, SocketReads } from './socket-reads.js';
export type { StreamEnds, StreamSource } from './source.js';
export { Stream, type StreamOptions, type StreamState } from './stream.js';
export {
  ERRNO_KINDS,
  type ErrnoKind,
  type ErrorPhase,
  type ToStreamErrorOptions,
  toStreamError,
} from './to-stream-error.js';
