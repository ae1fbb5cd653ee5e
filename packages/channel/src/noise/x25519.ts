// X25519 through Node's own crypto. Keys travel as raw 32-byte arrays (what Noise puts on the
// wire); Node wants KeyObjects. Raw public keys go in and come out as JWK (`x`: base64url of
// the raw bytes); raw private keys go in wrapped in the fixed DER prefix of RFC 8410 (a JWK
// import would need the public `x` beside the private `d`, which a raw private key does not
// carry).
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { EncryptionError } from '@sluice/stream-core';
import { withoutStackTraces } from './quiet.js';

/** Length in bytes of an X25519 public key, private key and shared secret (Noise's DHLEN). */
export const DH_LENGTH = 32;

/** A raw X25519 key pair, as Noise uses them. */
export interface KeyPair {
  /** The 32-byte public key, sent to peers. */
  publicKey: Uint8Array;
  /** The 32-byte private key; keep it secret. */
  privateKey: Uint8Array;
}

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

function checkLength(key: Uint8Array, what: string): void {
  if (!(key instanceof Uint8Array))
    throw new TypeError(`${what} must be a Uint8Array of ${DH_LENGTH} bytes`);
  if (key.length !== DH_LENGTH)
    throw new RangeError(`${what} must be ${DH_LENGTH} bytes, got ${key.length}`);
}

/** Node's KeyObject for a raw private key. */
export function privateKeyObject(privateKey: Uint8Array): KeyObject {
  checkLength(privateKey, 'X25519 private key');
  const key = Buffer.concat([PKCS8_PREFIX, privateKey]);
  return withoutStackTraces(() => createPrivateKey({ key, format: 'der', type: 'pkcs8' }));
}

// The peer's public keys, imported once per handshake rather than once per DH (XX uses each
// remote key twice); checked against the bytes on each use, like the static keys below.
const importedPublic = new WeakMap<Uint8Array, { bytes: Uint8Array; object: KeyObject }>();
// Peers' static public keys, which come back handshake after handshake (a pinned peer, a
// client that reconnects): kept by their bytes across handshakes, the oldest dropped first.
// Public values only; an ephemeral key is never put here.
const lastingPublic = new Map<string, KeyObject>();
/** How many peers' static public keys stay imported. */
export const LASTING_PUBLIC_KEYS = 256;

function publicKeyObject(publicKey: Uint8Array, lasting: boolean): KeyObject {
  const known = importedPublic.get(publicKey);
  if (known && Buffer.compare(known.bytes, publicKey) === 0) return known.object;
  const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.length).toString(
    'base64url',
  );
  let object = lasting ? lastingPublic.get(x) : undefined;
  if (object === undefined) {
    const jwk = { kty: 'OKP', crv: 'X25519', x };
    object = withoutStackTraces(() => createPublicKey({ key: jwk, format: 'jwk' }));
    if (lasting) {
      if (lastingPublic.size >= LASTING_PUBLIC_KEYS) {
        lastingPublic.delete(lastingPublic.keys().next().value as string);
      }
      lastingPublic.set(x, object);
    }
  }
  importedPublic.set(publicKey, { bytes: new Uint8Array(publicKey), object });
  return object;
}

// Raw keys come out through JWK (`x`, `d`: base64url of the raw bytes): Node's DER export of
// an X25519 key costs 50-80 µs, its JWK export a few.
function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.x as string, 'base64url'));
}

/** A fresh random X25519 key pair. */
export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const d = privateKey.export({ format: 'jwk' }).d as string;
  return {
    publicKey: rawPublicKey(publicKey),
    privateKey: new Uint8Array(Buffer.from(d, 'base64url')),
  };
}

/** A private key ready for `dh()`, with its raw public key. */
export interface LocalKey {
  /** The raw 32-byte public key. */
  publicKey: Uint8Array;
  /** The private key as Node's KeyObject. */
  privateKey: KeyObject;
}

/**
 * A fresh ephemeral key, kept as the KeyObject Node made: a handshake never needs its raw
 * private bytes, and exporting and re-importing them would double the cost of each key.
 */
export function generateEphemeral(): LocalKey {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { publicKey: rawPublicKey(publicKey), privateKey };
}

// KeyObjects of static private keys, by their byte array: a server's one static key serves
// every handshake, and importing it costs as much as a DH. The bytes are compared on each
// use, so a key changed in place is imported afresh.
const imported = new WeakMap<Uint8Array, { bytes: Uint8Array; object: KeyObject }>();

/** A given raw key pair, ready for `dh()`. */
export function localKey(pair: KeyPair): LocalKey {
  const known = imported.get(pair.privateKey);
  if (known && Buffer.compare(known.bytes, pair.privateKey) === 0)
    return { publicKey: pair.publicKey, privateKey: known.object };
  const object = privateKeyObject(pair.privateKey);
  imported.set(pair.privateKey, { bytes: new Uint8Array(pair.privateKey), object });
  return { publicKey: pair.publicKey, privateKey: object };
}

/** The key pair of a given raw private key (its public key computed). */
export function keyPairFromPrivateKey(privateKey: Uint8Array): KeyPair {
  return {
    publicKey: rawPublicKey(privateKeyObject(privateKey)),
    privateKey: new Uint8Array(privateKey),
  };
}

/**
 * X25519(private, public); `lasting` when `public` is a peer's static key (kept imported across
 * handshakes). Throws `EncryptionError` reason 'malformed' for a public key of the
 * wrong length or one that gives the all-zero output (a low-order point: the peer would
 * otherwise force a known shared secret).
 */
export function dh(privateKey: KeyObject, publicKey: Uint8Array, lasting = false): Uint8Array {
  if (publicKey.length !== DH_LENGTH)
    throw new EncryptionError(
      `X25519 public key must be ${DH_LENGTH} bytes, got ${publicKey.length}`,
      { reason: 'malformed' },
    );
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey, publicKey: publicKeyObject(publicKey, lasting) });
  } catch (cause) {
    // OpenSSL refuses the all-zero output itself; any refusal means a bad public key.
    throw new EncryptionError('X25519 rejected the peer public key (low-order or invalid point)', {
      reason: 'malformed',
      cause,
    });
  }
  if (shared.every((b) => b === 0))
    throw new EncryptionError(
      'X25519 shared secret is all zero: the peer public key is a low-order point',
      {
        reason: 'malformed',
      },
    );
  return shared;
}
