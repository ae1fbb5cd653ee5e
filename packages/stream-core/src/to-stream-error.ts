// Node reports a vanished peer with a handful of error codes; sluice reports all of them as
// ConnectionLostError (keeping the original as `cause`), and anything else as StreamError.
import { ConnectionLostError, StreamError } from './errors.js';

const LOST = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNABORTED',
  'ECONNREFUSED',
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
  if (typeof code === 'string' && LOST.has(code)) {
    return new ConnectionLostError(`connection lost: ${what}`, { cause: err });
  }
  return new StreamError(`stream failed: ${what}`, { cause: err });
}
