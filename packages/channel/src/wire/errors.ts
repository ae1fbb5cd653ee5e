// The errors the wire entry throws: stream-core's own classes, from its browser-safe subpath
// (a module that imports nothing), so a page and Node share one error family.
import {
  BufferOverflowError,
  ConnectionLostError,
  ProtocolError,
} from '@sluice/stream-core/errors';

export {
  BufferOverflowError,
  type BufferOverflowErrorOptions,
  ConnectionLostError,
  type ConnectionLostErrorOptions,
  ProtocolError,
  type ProtocolErrorOptions,
  StreamError,
  type StreamErrorOptions,
} from '@sluice/stream-core/errors';

/** @deprecated Use `ProtocolError` (the same class). */
export const WireProtocolError: typeof ProtocolError = ProtocolError;
/** @deprecated Use `BufferOverflowError` (the same class). */
export const WireOverflowError: typeof BufferOverflowError = BufferOverflowError;
/** @deprecated Use `ConnectionLostError` (the same class). */
export const WireTruncatedError: typeof ConnectionLostError = ConnectionLostError;
