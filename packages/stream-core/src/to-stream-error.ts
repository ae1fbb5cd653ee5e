// Node reports a vanished peer with a handful of error codes; sluice reports all of them as
// ConnectionLostError (keeping the original as `cause`), a connection that could not be made
// as ConnectError, and anything else as StreamError.
import { ConnectError, ConnectionLostError, StreamError } from './errors.js';

// A connection that was never made.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

const LOST = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTCONN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

/** `err` as a sluice error: unchanged if it already is one. */
export function toStreamError(err: unknown): StreamError {
  if (err instanceof StreamError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const what = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && NOT_CONNECTED.has(code)) {
    return new ConnectError(`could not connect: ${what}`, { cause: err });
  }
  if (typeof code === 'string' && LOST.has(code)) {
    return new ConnectionLostError(`connection lost: ${what}`, { cause: err });
  }
  return new StreamError(`stream failed: ${what}`, { cause: err });
}
