// The one errno → error table of sluice. Node reports failures with string codes; what a
// code means depends on the phase: EHOSTUNREACH while connecting means "never connected",
// on an open stream it means "the route to the peer went away". Transports extend this
// table with their own codes (TLS, ws, ssh) through `ToStreamErrorOptions.kinds` instead of
// keeping a second one.
import {
  AuthenticationError,
  ConnectError,
  ConnectionLostError,
  StreamError,
  TimeoutError,
} from './errors.js';

/**
 * What a Node error code says happened:
 * - `refused`: no connection could be made (refused, unresolvable, no such socket);
 * - `unreachable`: no route to the peer (the network or host is down);
 * - `timeout`: the peer did not answer in time;
 * - `lost`: an established connection went away (reset, broken pipe, premature close);
 * - `auth`: the peer (or we) was not accepted (a certificate or key check failed).
 */
export type ErrnoKind = 'refused' | 'unreachable' | 'timeout' | 'lost' | 'auth';

/** Where an error happened: while connecting (or handshaking), or on an open stream. */
export type ErrorPhase = 'connect' | 'stream';

/**
 * Node's error codes and their kind. Frozen: a transport extends it by spreading it into
 * its own table (`{ ...ERRNO_KINDS, MY_CODE: 'auth' }`) and passing that as `kinds`.
 */
export const ERRNO_KINDS: Readonly<Record<string, ErrnoKind>> = Object.freeze({
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'refused',
  EAI_AGAIN: 'refused',
  EAI_FAIL: 'refused',
  EAI_NONAME: 'refused',
  EADDRNOTAVAIL: 'refused',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
  ETIMEDOUT: 'timeout',
  ERR_SOCKET_CONNECTION_TIMEOUT: 'timeout',
  EPIPE: 'lost',
  ECONNRESET: 'lost',
  ECONNABORTED: 'lost',
  ENOTCONN: 'lost',
  ERR_SOCKET_CLOSED: 'lost',
  ERR_STREAM_PREMATURE_CLOSE: 'lost',
  ERR_STREAM_DESTROYED: 'lost',
  ERR_STREAM_WRITE_AFTER_END: 'lost',
});

/** Options of `toStreamError`. */
export interface ToStreamErrorOptions {
  /** Where the error happened. Default `'stream'` (an open stream). */
  phase?: ErrorPhase | undefined;
  /** What was being reached (e.g. `tcp://127.0.0.1:4000`), named in the message. */
  target?: string | undefined;
  /** The code table to use. Default `ERRNO_KINDS`; extend it by spreading it into yours. */
  kinds?: Readonly<Record<string, ErrnoKind>> | undefined;
  /**
   * What an error with a code not in the table is on an open stream: a kind, or `'error'`
   * for a plain `StreamError` (the default). While connecting it is always a `ConnectError`.
   */
  unknown?: ErrnoKind | 'error' | undefined;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * `err` as a sluice error: unchanged if it already is one, else by its code's kind and the
 * phase (the original error is kept as `cause`):
 *
 * | kind          | while connecting      | on an open stream     |
 * | ------------- | --------------------- | --------------------- |
 * | `refused`     | `ConnectError`        | `ConnectError`        |
 * | `unreachable` | `ConnectError`        | `ConnectionLostError` |
 * | `timeout`     | `TimeoutError`        | `ConnectionLostError` |
 * | `lost`        | `ConnectError`        | `ConnectionLostError` |
 * | `auth`        | `AuthenticationError` | `AuthenticationError` |
 *
 * On an open stream, ETIMEDOUT is the kernel giving up on a peer that stopped acknowledging
 * (retransmission or keep-alive): the connection is gone, and a caller that reconnects on
 * `ConnectionLostError` must see it as such.
 */
export function toStreamError(err: unknown, options: ToStreamErrorOptions = {}): StreamError {
  if (err instanceof StreamError) return err;
  const code = codeOf(err);
  const phase = options.phase ?? 'stream';
  const where = options.target ? ` (${options.target})` : '';
  const message = err instanceof Error ? err.message : String(err);
  const what = code && !message.includes(code) ? `${code}: ${message}` : message;
  const table = options.kinds ?? ERRNO_KINDS;
  const known = code !== undefined && Object.hasOwn(table, code) ? table[code] : undefined;
  const kind = known ?? (phase === 'connect' ? 'refused' : options.unknown);
  const cause = { cause: err };
  switch (kind) {
    case 'auth':
      return new AuthenticationError(`peer not accepted${where}: ${what}`, cause);
    case 'refused':
      return new ConnectError(`could not connect${where}: ${what}`, cause);
    case 'timeout':
      return phase === 'connect'
        ? new TimeoutError(`connect timed out${where}: ${what}`, cause)
        : new ConnectionLostError(`connection lost${where}: ${what}`, cause);
    case 'unreachable':
    case 'lost':
      return phase === 'connect'
        ? new ConnectError(`could not connect${where}: ${what}`, cause)
        : new ConnectionLostError(`connection lost${where}: ${what}`, cause);
    default:
      return new StreamError(`stream failed${where}: ${what}`, cause);
  }
}
