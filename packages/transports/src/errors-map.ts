// Node's socket and TLS errors, turned into stream-core's typed errors, so a caller can tell
// "could not connect" from "not who we expected" from "too slow" from "the peer went away"
// without parsing messages. Every transport (ws and ssh too) maps through here.
import {
  AuthenticationError,
  ConnectError,
  ConnectionLostError,
  StreamError,
  TimeoutError,
} from '@sluice/stream-core';

/** Where the error happened: while connecting (or handshaking), or on an open stream. */
export type ErrorPhase = 'connect' | 'stream';

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT', // a Unix socket path that does not exist
  'ENOTSOCK',
  'EACCES',
  'EPERM',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EADDRNOTAVAIL',
  'EAFNOSUPPORT',
  'EINVAL',
  'EAGAIN', // a Unix socket whose accept queue is full
]);

const LOST_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/** OpenSSL / Node codes that say the peer's (or our) certificate was not accepted. */
const TLS_AUTH_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_CERT_ALTNAME_FORMAT',
  'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
  'ERR_SSL_CERTIFICATE_VERIFY_FAILED',
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The typed error for a Node error. A `StreamError` passes through unchanged. `target`
 * (e.g. `tcp://127.0.0.1:4000`) is named in the message.
 */
export function toStreamError(error: unknown, phase: ErrorPhase, target?: string): StreamError {
  if (error instanceof StreamError) return error;
  const code = codeOf(error);
  const where = target ? ` (${target})` : '';
  const what = `${code ? `${code}: ` : ''}${messageOf(error)}`;
  if (code && (TLS_AUTH_CODES.has(code) || code.includes('CERT'))) {
    return new AuthenticationError(`TLS peer not accepted${where}: ${what}`, { cause: error });
  }
  if (code && TIMEOUT_CODES.has(code)) {
    return new TimeoutError(
      `${phase === 'connect' ? 'connect' : 'I/O'} timed out${where}: ${what}`,
      {
        cause: error,
      },
    );
  }
  if (code && LOST_CODES.has(code)) {
    return phase === 'connect'
      ? new ConnectError(`connection lost while connecting${where}: ${what}`, { cause: error })
      : new ConnectionLostError(`connection lost${where}: ${what}`, { cause: error });
  }
  if (phase === 'connect' || (code && CONNECT_CODES.has(code))) {
    return new ConnectError(`cannot connect${where}: ${what}`, { cause: error });
  }
  if (code?.startsWith('ERR_SSL_')) {
    return new ConnectionLostError(`TLS failure${where}: ${what}`, { cause: error });
  }
  return new ConnectionLostError(`stream failed${where}: ${what}`, { cause: error });
}
