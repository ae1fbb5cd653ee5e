// The two errors the wire decoder throws, as members of stream-core's error family.
//
// Why not import them: stream-core's only entry point loads Node built-ins, which a page
// cannot bundle. The family is recognised by a lineage of codes under one global symbol (so
// that two installed copies of stream-core agree), and these classes carry the same lineage,
// codes and fields: `error instanceof ProtocolError` holds with stream-core's classes.
// When stream-core offers a browser-safe entry for its errors, this file becomes a re-export.

const kLineage: unique symbol = Symbol.for('@sluice/stream-core/error-lineage') as never;
const LINEAGE_BASE = 'ERR_SLUICE_STREAM';

function brand(error: Error, name: string, code: string): void {
  error.name = name;
  Object.defineProperty(error, 'code', { value: code, enumerable: true });
  Object.defineProperty(error, kLineage, { value: [code, LINEAGE_BASE], enumerable: false });
}

/** A malformed frame (stream-core's `ProtocolError`, code `ERR_SLUICE_PROTOCOL`). */
export class WireProtocolError extends Error {
  /** Stable code. */
  declare readonly code: string;
  /** Byte offset in the input of the bad byte. */
  readonly offset: number | undefined;
  constructor(message: string, options?: { offset?: number }) {
    super(message);
    brand(this, 'ProtocolError', 'ERR_SLUICE_PROTOCOL');
    this.offset = options?.offset;
  }
}

/** A size over its cap (stream-core's `BufferOverflowError`, code `ERR_SLUICE_BUFFER_OVERFLOW`). */
export class WireOverflowError extends Error {
  /** Stable code. */
  declare readonly code: string;
  /** The limit, in bytes. */
  readonly limit: number | undefined;
  /** The size announced, in bytes. */
  readonly size: number | undefined;
  constructor(message: string, options?: { limit?: number; size?: number }) {
    super(message);
    brand(this, 'BufferOverflowError', 'ERR_SLUICE_BUFFER_OVERFLOW');
    this.limit = options?.limit;
    this.size = options?.size;
  }
}

/** Input that ended inside a frame (stream-core's `ConnectionLostError`). */
export class WireTruncatedError extends Error {
  /** Stable code. */
  declare readonly code: string;
  /** Byte offset in the input where it ended. */
  readonly offset: number | undefined;
  constructor(message: string, options?: { offset?: number }) {
    super(message);
    brand(this, 'ConnectionLostError', 'ERR_SLUICE_CONNECTION_LOST');
    this.offset = options?.offset;
  }
}
