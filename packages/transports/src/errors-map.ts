// Node's socket and TLS errors, turned into stream-core's typed errors, so a caller can tell
// "could not connect" from "not who we expected" from "too slow" from "the peer went away"
// without parsing messages. Every transport (ws and ssh too) maps through here. The table is
// stream-core's (`ERRNO_KINDS`), extended with the codes only transports meet: Unix socket
// paths, and the certificate checks of TLS.
import {
  toStreamError as coreToStreamError,
  ERRNO_KINDS,
  type ErrnoKind,
  type StreamError,
} from '@sluice/stream-core';

/** Where the error happened: while connecting (or handshaking), or on an open stream. */
export type ErrorPhase = 'connect' | 'stream';

/** OpenSSL / Node codes that say the peer's (or our) certificate was not accepted. */
const TLS_AUTH_CODES = [
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
] as const;

/** stream-core's errno table plus what only transports meet. */
export const TRANSPORT_ERRNO_KINDS: Readonly<Record<string, ErrnoKind>> = Object.freeze({
  ...ERRNO_KINDS,
  ENOENT: 'refused', // a Unix socket path that does not exist
  ENOTSOCK: 'refused',
  EACCES: 'refused',
  EPERM: 'refused',
  EINVAL: 'refused',
  EAGAIN: 'refused', // a Unix socket whose accept queue is full
  EAFNOSUPPORT: 'refused',
  ...Object.fromEntries(TLS_AUTH_CODES.map((code) => [code, 'auth' as const])),
});

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The typed error for a Node error (a `StreamError` passes through unchanged), naming
 * `target` (e.g. `tcp://127.0.0.1:4000`). On an open stream, a failure the table does not
 * know is a `ConnectionLostError`: a socket that failed is gone.
 */
export function toStreamError(error: unknown, phase: ErrorPhase, target?: string): StreamError {
  const code = codeOf(error);
  // OpenSSL names more certificate failures than any list: each is a refusal of the peer.
  const kinds =
    code?.includes('CERT') && !Object.hasOwn(TRANSPORT_ERRNO_KINDS, code)
      ? { ...TRANSPORT_ERRNO_KINDS, [code]: 'auth' as const }
      : TRANSPORT_ERRNO_KINDS;
  return coreToStreamError(error, { phase, target, kinds, unknown: 'lost' });
}
