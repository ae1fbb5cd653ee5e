// The `encrypt` option of a channel: what the user says, checked once and turned into what
// the handshake needs (the Noise pattern follows from the keys given).
import { assertKnownOptions } from '@sluice/stream-core';
import type { KeyPair, NoiseCipher, NoisePattern } from '../noise/index.js';

/** Which peer's public keys are accepted (identity mode): a list, or a predicate. */
export type AllowedPeers = readonly Uint8Array[] | ((publicKey: Uint8Array) => boolean);

/** When a channel changes its sending key (Noise `REKEY()`), whichever comes first. */
export interface RekeyOptions {
  /** After this many records under one key. Default 2^20 (1,048,576). */
  records?: number;
  /** After this many plaintext bytes under one key. Default 2^30 (1 GiB). */
  bytes?: number;
  /** After this many milliseconds under one key (checked when sending). Default 3,600,000 (1 h). */
  intervalMs?: number;
}

/** How a channel encrypts: a pre-shared key, static keys with pinned peers, or both. */
export interface EncryptOptions {
  /** The 32-byte pre-shared key (`generateKey()`, a key file, or `deriveKey()`): NNpsk0. */
  key?: Uint8Array;
  /** This side's static X25519 key pair (`generateKeyPair()`): XX, or XXpsk3 with `key`. */
  staticKeyPair?: KeyPair;
  /** The peers' public keys this side accepts; required with `staticKeyPair`. */
  allowedPeers?: AllowedPeers;
  /** The AEAD; both sides must choose the same. Default 'ChaChaPoly'. */
  cipher?: NoiseCipher;
  /** Force this side's handshake role. Default: settled between the peers (a random tie-break). */
  role?: 'initiator' | 'responder';
  /** Longest the handshake may take, in milliseconds. Default 10,000. */
  handshakeTimeoutMs?: number;
  /** When to change keys. Defaults: 2^20 records, 1 GiB, 1 hour. */
  rekey?: RekeyOptions;
}

/** Default handshake timeout (10 s). */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
/** Default number of records under one key before a rekey (2^20). */
export const DEFAULT_REKEY_RECORDS: number = 2 ** 20;
/** Default plaintext bytes under one key before a rekey (1 GiB). */
export const DEFAULT_REKEY_BYTES: number = 2 ** 30;
/** Default time under one key before a rekey (1 hour). */
export const DEFAULT_REKEY_INTERVAL_MS: number = 3_600_000;

/** The checked `encrypt` option. */
export interface EncryptConfig {
  pattern: NoisePattern;
  cipher: NoiseCipher;
  psk: Uint8Array | undefined;
  staticKeyPair: KeyPair | undefined;
  allowed: ((publicKey: Uint8Array) => boolean) | undefined;
  role: 'initiator' | 'responder' | undefined;
  handshakeTimeoutMs: number;
  rekeyRecords: number;
  rekeyBytes: number;
  rekeyIntervalMs: number;
}

const NAMES: readonly string[] = [
  'key',
  'staticKeyPair',
  'allowedPeers',
  'cipher',
  'role',
  'handshakeTimeoutMs',
  'rekey',
];
const REKEY_NAMES: readonly string[] = ['records', 'bytes', 'intervalMs'];

/** Checks the `encrypt` option; `TypeError` / `RangeError` naming what is wrong. */
export function encryptConfig(option: unknown): EncryptConfig {
  if (option === true) {
    throw new TypeError(
      'encrypt: true has no key: pass encrypt: { key } (32 bytes, e.g. generateKey()) or { staticKeyPair, allowedPeers }',
    );
  }
  if (typeof option !== 'object' || option === null) {
    throw new TypeError(`encrypt must be an object of options, got ${String(option)}`);
  }
  const o = option as EncryptOptions;
  assertKnownOptions(o, NAMES, 'new Channel({ encrypt })');
  const psk = o.key;
  if (psk !== undefined && !(psk instanceof Uint8Array && psk.length === 32)) {
    throw new RangeError(
      `encrypt.key must be 32 bytes (a Uint8Array), got ${psk instanceof Uint8Array ? `${psk.length} bytes` : typeof psk}`,
    );
  }
  const pair = o.staticKeyPair;
  if (pair !== undefined && !isKeyPair(pair)) {
    throw new TypeError('encrypt.staticKeyPair must be { publicKey, privateKey }, 32 bytes each');
  }
  if (psk === undefined && pair === undefined) {
    throw new TypeError('encrypt needs a key (pre-shared, 32 bytes) or a staticKeyPair, or both');
  }
  if (pair === undefined && o.allowedPeers !== undefined) {
    throw new TypeError('encrypt.allowedPeers needs a staticKeyPair (identity mode)');
  }
  if (pair !== undefined && o.allowedPeers === undefined) {
    throw new TypeError(
      'encrypt.staticKeyPair needs allowedPeers: the public keys (or a function) this side accepts',
    );
  }
  const cipher = o.cipher ?? 'ChaChaPoly';
  if (cipher !== 'ChaChaPoly' && cipher !== 'AESGCM') {
    throw new TypeError(`encrypt.cipher must be 'ChaChaPoly' or 'AESGCM', got ${String(cipher)}`);
  }
  if (o.role !== undefined && o.role !== 'initiator' && o.role !== 'responder') {
    throw new TypeError(`encrypt.role must be 'initiator' or 'responder', got ${String(o.role)}`);
  }
  const rekey = o.rekey ?? {};
  if (typeof rekey !== 'object' || rekey === null) {
    throw new TypeError('encrypt.rekey must be an object');
  }
  assertKnownOptions(rekey, REKEY_NAMES, 'new Channel({ encrypt: { rekey } })');
  return {
    pattern: pair === undefined ? 'NNpsk0' : psk === undefined ? 'XX' : 'XXpsk3',
    cipher,
    psk,
    staticKeyPair: pair,
    allowed: pair === undefined ? undefined : allowedPredicate(o.allowedPeers!),
    role: o.role,
    handshakeTimeoutMs: positive(
      o.handshakeTimeoutMs,
      DEFAULT_HANDSHAKE_TIMEOUT_MS,
      'encrypt.handshakeTimeoutMs',
      2 ** 31 - 1,
    ),
    rekeyRecords: positive(rekey.records, DEFAULT_REKEY_RECORDS, 'encrypt.rekey.records', 2 ** 53),
    rekeyBytes: positive(rekey.bytes, DEFAULT_REKEY_BYTES, 'encrypt.rekey.bytes', 2 ** 53),
    rekeyIntervalMs: positive(
      rekey.intervalMs,
      DEFAULT_REKEY_INTERVAL_MS,
      'encrypt.rekey.intervalMs',
      2 ** 53,
    ),
  };
}

function positive(value: unknown, fallback: number, name: string, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${name} must be an integer 1..${max}, got ${String(value)}`);
  }
  return value;
}

function isKeyPair(pair: unknown): pair is KeyPair {
  const p = pair as Partial<KeyPair>;
  return (
    typeof p === 'object' &&
    p !== null &&
    p.publicKey instanceof Uint8Array &&
    p.publicKey.length === 32 &&
    p.privateKey instanceof Uint8Array &&
    p.privateKey.length === 32
  );
}

function allowedPredicate(allowed: AllowedPeers): (key: Uint8Array) => boolean {
  if (typeof allowed === 'function') return allowed;
  if (
    !Array.isArray(allowed) ||
    allowed.some((k) => !(k instanceof Uint8Array && k.length === 32))
  ) {
    throw new TypeError(
      'encrypt.allowedPeers must be an array of 32-byte public keys, or a function',
    );
  }
  const keys = allowed.map((k) => Buffer.from(k).toString('hex'));
  return (key) => keys.includes(Buffer.from(key).toString('hex'));
}
