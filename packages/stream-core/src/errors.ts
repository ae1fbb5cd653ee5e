// The one error family of sluice. Every package throws these (never bare Error or strings),
// each with a stable `code` and `name`. `instanceof` works across two installed copies of
// this package: classes are recognised by a lineage of codes stored on the instance under
// a global symbol, not by prototype identity.
// Browser-safe: this module imports nothing and uses no Node global, so a page can load
// it through the `@sluice/stream-core/errors` subpath (channel's wire entry does).

const kLineage: unique symbol = Symbol.for('@sluice/stream-core/error-lineage') as never;

/** Extra facts an error can carry; each says where or why, for messages and for programs. */
export interface StreamErrorOptions {
  /** The error that caused this one. */
  cause?: unknown;
}

type ErrorClass = { code?: string } & (abstract new (...args: never[]) => unknown);

function lineageOf(target: ErrorClass | null): string[] {
  const codes: string[] = [];
  // Walk the whole chain: a user's subclass (no own code) still carries its ancestors' codes.
  for (let c = target; c; c = Object.getPrototypeOf(c)) {
    if (Object.hasOwn(c, 'code')) codes.push(c.code as string);
  }
  return codes;
}

/** Base of every sluice error. */
export class StreamError extends Error {
  /** Stable code of this class; instances carry the same value in `code`. */
  static readonly code: string = 'ERR_SLUICE_STREAM';
  /** Stable machine-readable code, e.g. `ERR_SLUICE_CONNECTION_LOST`. */
  readonly code: string;

  constructor(message: string, options?: StreamErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    const target = new.target as unknown as ErrorClass & { name: string };
    this.name = target.name;
    this.code = (target.code as string | undefined) ?? StreamError.code;
    Object.defineProperty(this, kLineage, { value: lineageOf(target), enumerable: false });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // A subclass that does not declare its own code is a user's: plain prototype check.
    if (!Object.hasOwn(this, 'code'))
      return Function.prototype[Symbol.hasInstance].call(this, value);
    if (typeof value !== 'object' || value === null) return false;
    const lineage = (value as { [kLineage]?: unknown })[kLineage];
    return Array.isArray(lineage) && lineage.includes((this as { code: string }).code);
  }
}

/** Facts for a lost connection. */
export interface ConnectionLostErrorOptions extends StreamErrorOptions {
  /** Byte offset in the input where it ended (inside a frame, say). */
  offset?: number;
}

/** The peer went away, or the stream ended before the expected bytes arrived. */
export class ConnectionLostError extends StreamError {
  static override readonly code: string = 'ERR_SLUICE_CONNECTION_LOST';
  /** Byte offset in the input where it ended, when known. */
  readonly offset: number | undefined;
  constructor(message: string, options?: ConnectionLostErrorOptions) {
    super(message, options);
    this.offset = options?.offset;
  }
}

/** An operation on a stream that has been closed ("stream has been closed"). */
export class StreamClosedError extends StreamError {
  static override readonly code: string = 'ERR_SLUICE_STREAM_CLOSED';
  constructor(message = 'stream has been closed', options?: StreamErrorOptions) {
    super(message, options);
  }
}

/** Facts for a size limit that was exceeded. */
export interface BufferOverflowErrorOptions extends StreamErrorOptions {
  /** The limit, in bytes. */
  limit?: number;
  /** The size that was asked for or announced, in bytes. */
  size?: number;
}

/** A size limit would be exceeded (a buffer bound, a frame or message cap). */
export class BufferOverflowError extends StreamError {
  static override readonly code: string = 'ERR_SLUICE_BUFFER_OVERFLOW';
  /** The limit, in bytes, when known. */
  readonly limit: number | undefined;
  /** The size asked for or announced, when known. */
  readonly size: number | undefined;
  constructor(message: string, options?: BufferOverflowErrorOptions) {
    super(message, options);
    this.limit = options?.limit;
    this.size = options?.size;
  }
}

/** Compression or decompression failed (corrupt data, or output past its cap). */
export class CompressionError extends StreamError {
  static override readonly code: string = 'ERR_SLUICE_COMPRESSION';
}

/** Why an encrypted channel failed; stable values, for programs to branch on. */
export type EncryptionFailure =
  /** The handshake failed to authenticate: wrong pre-shared key or wrong static key. */
  | 'bad-key'
  /** A record failed its authentication tag after the handshake. */
  | 'tampered'
  /** A record was replayed or arrived out of order. */
  | 'replayed'
  /** The stream ended without the peer's authenticated end of stream. */
  | 'truncated'
  /** The handshake did not complete in time. */
  | 'handshake-timeout'
  /** A nonce counter reached its limit before a rekey. */
  | 'nonce-exhausted'
  /** The peer's static key is not one of the allowed keys. */
  | 'peer-not-allowed'
  /** A handshake message, key or record is malformed (wrong length, all-zero DH output). */
  | 'malformed'
  /** The peer speaks another wire version or protocol. */
  | 'version-mismatch';

/** Facts for an encryption failure. */
export interface EncryptionErrorOptions extends StreamErrorOptions {
  /** Why it failed, when known. */
  reason?: EncryptionFailure;
}

/** Encryption, decryption, authentication of a frame or the key agreement failed. */
export class EncryptionError extends StreamError {
  static override readonly code: string = 'ERR_SLUICE_ENCRYPTION';
  /** Why it failed, when known. */
  readonly reason: EncryptionFailure | undefined;
  constructor(message: string, options?: EncryptionErrorOptions) {
    super(message, options);
    this.reason = options?.reason;
  }
}

/** Facts for a timeout. */
export interface TimeoutErrorOptions extends StreamErrorOptions {
  /** The timeout that expired, in milliseconds. */
  timeoutMs?: number;
}

/** An operation did not complete within its time limit. */
export class TimeoutError extends StreamError {
  static override readonly code: string = 'ERR_SLUICE_TIMEOUT';
  /** The timeout that expired, in milliseconds, when known. */
  readonly timeoutMs: number | undefined;
  constructor(message: string, options?: TimeoutErrorOptions) {
    super(message, options);
    this.timeoutMs = options?.timeoutMs;
  }
}

/** Facts for malformed input. */
export interface ProtocolErrorOptions extends StreamErrorOptions {
  /** Byte offset in the input stream where the problem was found. */
  offset?: number;
}

/** Malformed input: a bad frame header, an unknown stream id or flag, a truncated frame. */
export class ProtocolError extends StreamError {
  static override readonly code: string = 'ERR_SLUICE_PROTOCOL';
  /** Byte offset in the input where the problem was found, when known. */
  readonly offset: number | undefined;
  constructor(message: string, options?: ProtocolErrorOptions) {
    super(message, options);
    this.offset = options?.offset;
  }
}

/** A connection could not be made (refused, unreachable, name not resolved). */
export class ConnectError extends StreamError {
  static override readonly code: string = 'ERR_SLUICE_CONNECT';
}

/** The peer could not be authenticated (certificate, host key, fingerprint, credentials). */
export class AuthenticationError extends StreamError {
  static override readonly code: string = 'ERR_SLUICE_AUTHENTICATION';
}

/** The Docker daemon reported an error in-band (stream id 3, "systemerr"). */
export class DaemonError extends StreamError {
  static override readonly code: string = 'ERR_SLUICE_DAEMON';
}
