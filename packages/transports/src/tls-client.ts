// What a TLS client is told, for tls:// and wss:// alike: credentials (PEM text, or the seed's
// file paths `keyfile`, `certfile`, `ca_certs`), the name to verify, and pinned certificate
// fingerprints, checked one way for both.
import { readFile } from 'node:fs/promises';
import type { checkServerIdentity, PeerCertificate, SecureContextOptions } from 'node:tls';
import { AuthenticationError, ConnectError } from '@sluice/stream-core';
import type { OptionNames } from './option-names.js';

type Pem = string | Buffer;

/** Certificates and keys (PEM), as Node's `tls` takes them. */
export interface TlsCredentials {
  /** Private key (PEM) of `cert`. */
  key?: Pem;
  /** Certificate chain (PEM) presented to the peer. */
  cert?: Pem;
  /** Passphrase of `key`. */
  passphrase?: string;
  /** CAs to trust instead of the system's (PEM). */
  ca?: Pem | Pem[];
  /** PFX/PKCS#12 bundle instead of key and cert. */
  pfx?: Pem;
  /** Lowest TLS version to accept (default Node's, TLSv1.2). */
  minVersion?: SecureContextOptions['minVersion'];
}

/** How a TLS client (tls:// or wss://) authenticates and verifies the server. */
export interface TlsClientOptions extends TlsCredentials {
  /** Name to verify the certificate against and to send as SNI (default: the host). */
  servername?: string;
  /**
   * Pin the server certificate by its SHA-256 fingerprint (`AB:CD:…`; colons, case and a
   * `sha256:` prefix do not matter), checked in addition to the CA chain and host name, and
   * even with `rejectUnauthorized: false`. Several: any of them.
   */
  fingerprint256?: string | string[];
  /** Verify the server's certificate chain and name. Default true; false is for tests only. */
  rejectUnauthorized?: boolean;
  /** The seed's spelling: path of a PEM file read into `key`. */
  keyfile?: string;
  /** The seed's spelling: path of a PEM file read into `cert`. */
  certfile?: string;
  /** The seed's spelling: path of a PEM file read into `ca`. */
  ca_certs?: string;
}

/** The names of `TlsCredentials`. */
export const TLS_CREDENTIAL_NAMES: OptionNames<TlsCredentials> = {
  key: true,
  cert: true,
  passphrase: true,
  ca: true,
  pfx: true,
  minVersion: true,
};

/** The names of `TlsClientOptions`. */
export const TLS_CLIENT_OPTION_NAMES: OptionNames<TlsClientOptions> = {
  ...TLS_CREDENTIAL_NAMES,
  servername: true,
  fingerprint256: true,
  rejectUnauthorized: true,
  keyfile: true,
  certfile: true,
  ca_certs: true,
};

/** A SHA-256 fingerprint as one canonical string: no `sha256:` prefix, no colons, upper case. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint
    .replace(/^sha256:/i, '')
    .replaceAll(':', '')
    .toUpperCase();
}

/** The credential fields of `options` that are set, for Node's `tls`. */
export function credentials(options: TlsCredentials): SecureContextOptions {
  const out: SecureContextOptions = {};
  if (options.key !== undefined) out.key = options.key;
  if (options.cert !== undefined) out.cert = options.cert;
  if (options.passphrase !== undefined) out.passphrase = options.passphrase;
  if (options.ca !== undefined) out.ca = options.ca;
  if (options.pfx !== undefined) out.pfx = options.pfx;
  if (options.minVersion !== undefined) out.minVersion = options.minVersion;
  return out;
}

const SEED_FILES = [
  ['keyfile', 'key'],
  ['certfile', 'cert'],
  ['ca_certs', 'ca'],
] as const;

/**
 * `options` with the seed's file options read into the PEM ones. Giving both spellings of
 * one (`key` and `keyfile`) is a `TypeError`; a file that cannot be read, a `ConnectError`
 * naming it.
 */
export async function withSeedFiles<T extends TlsClientOptions>(
  fn: string,
  options: T,
): Promise<T> {
  const out: T = { ...options };
  await Promise.all(
    SEED_FILES.map(async ([file, pem]) => {
      const path = options[file];
      if (path === undefined) return;
      if (typeof path !== 'string') throw new TypeError(`${fn}: ${file} must be a file path`);
      if (options[pem] !== undefined) {
        throw new TypeError(`${fn}: give ${pem} (PEM text) or ${file} (a file path), not both`);
      }
      try {
        out[pem] = await readFile(path, 'utf8');
      } catch (error) {
        throw new ConnectError(`${fn}: cannot read ${file} ${path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }),
  );
  delete out.keyfile;
  delete out.certfile;
  delete out.ca_certs;
  return out;
}

/** The pinned fingerprints of `options`, normalised. */
export function pinsOf(options: TlsClientOptions): string[] {
  return [options.fingerprint256 ?? []].flat().map(normalizeFingerprint);
}

/** An AuthenticationError when `pins` are set and `cert` matches none of them. */
export function checkPins(
  pins: readonly string[],
  cert: PeerCertificate | undefined,
  target: string,
): AuthenticationError | undefined {
  if (pins.length === 0) return undefined;
  const presented = cert?.fingerprint256;
  if (presented && pins.includes(normalizeFingerprint(presented))) return undefined;
  return new AuthenticationError(
    `${target}: the server certificate's fingerprint ${presented ?? '(none)'} is not the pinned one`,
  );
}

/** `hostCheck` (Node's `tls.checkServerIdentity`), then the pins: for `checkServerIdentity`. */
export function identityCheck(
  pins: readonly string[],
  target: string,
  hostCheck: typeof checkServerIdentity,
): (host: string, cert: PeerCertificate) => Error | undefined {
  return (host, cert) => hostCheck(host, cert) ?? checkPins(pins, cert, target);
}
