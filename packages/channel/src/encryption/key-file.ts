// Pre-shared keys as users handle them: 32 random bytes, a one-line text file for them
// (`sluice keygen` writes one), and a passphrase turned into a key only through scrypt.
import { randomBytes, scrypt } from 'node:crypto';

/** Bytes of a pre-shared key. */
export const KEY_SIZE = 32;
/** First word of a key file: the format and its version. */
export const KEY_FILE_PREFIX = 'sluice-psk-v1';

/** A fresh pre-shared key: 32 random bytes from the system's CSPRNG. */
export function generateKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_SIZE));
}

/** The text of a key file: `sluice-psk-v1 <base64url of the 32 bytes>` and a newline. */
export function encodeKeyFile(key: Uint8Array): string {
  if (!(key instanceof Uint8Array) || key.length !== KEY_SIZE) {
    throw new RangeError(`a key is ${KEY_SIZE} bytes, got ${describe(key)}`);
  }
  return `${KEY_FILE_PREFIX} ${Buffer.from(key).toString('base64url')}\n`;
}

/** The key in a key file's text; a `TypeError` that says what is wrong with it. */
export function decodeKeyFile(text: string): Uint8Array {
  if (typeof text !== 'string') {
    throw new TypeError(`a key file is text, got ${typeof text}`);
  }
  const words = text.trim().split(/\s+/);
  if (words.length !== 2 || words[0] !== KEY_FILE_PREFIX) {
    throw new TypeError(
      `not a sluice key file: expected one line "${KEY_FILE_PREFIX} <key>", got ${JSON.stringify(text.trim().slice(0, 40))}${text.trim().length > 40 ? '…' : ''}`,
    );
  }
  const encoded = words[1]!;
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) {
    throw new TypeError('the key in the key file is not base64url (A-Z, a-z, 0-9, -, _)');
  }
  const key = Buffer.from(encoded, 'base64url');
  if (key.length !== KEY_SIZE) {
    throw new TypeError(`the key file holds ${key.length} bytes, a key is ${KEY_SIZE}`);
  }
  return new Uint8Array(key);
}

/** scrypt's cost parameters for `deriveKey`. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. Default 2^17 (131,072: 128 MiB, ~0.3 s). */
  N?: number;
  /** Block size. Default 8. */
  r?: number;
  /** Parallelism. Default 1. */
  p?: number;
}

/** The parameters `deriveKey` uses unless told otherwise (OWASP's scrypt minimum is 2^17, 8, 1). */
export const DEFAULT_SCRYPT_PARAMS: Readonly<Required<ScryptParams>> = { N: 2 ** 17, r: 8, p: 1 };

/**
 * A 32-byte key from a passphrase: scrypt(passphrase as UTF-8, salt, N, r, p). Both sides
 * need the same passphrase, salt and parameters. `salt`: at least 16 bytes, random per
 * deployment (it may be public).
 */
export function deriveKey(
  passphrase: string,
  salt: Uint8Array,
  params: ScryptParams = {},
): Promise<Uint8Array> {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    return Promise.reject(new TypeError('deriveKey needs a non-empty passphrase string'));
  }
  if (!(salt instanceof Uint8Array) || salt.length < 16) {
    return Promise.reject(
      new RangeError(`deriveKey needs a salt of at least 16 bytes, got ${describe(salt)}`),
    );
  }
  const { N, r, p } = { ...DEFAULT_SCRYPT_PARAMS, ...params };
  if (!Number.isInteger(N) || N < 2 ** 14 || (N & (N - 1)) !== 0) {
    return Promise.reject(new RangeError(`scrypt N must be a power of two >= 2^14, got ${N}`));
  }
  if (!Number.isInteger(r) || r < 1 || !Number.isInteger(p) || p < 1) {
    return Promise.reject(new RangeError(`scrypt r and p must be integers >= 1, got ${r}, ${p}`));
  }
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase.normalize('NFC'),
      salt,
      KEY_SIZE,
      { N, r, p, maxmem: 256 * N * r + 1024 * 1024 },
      (error, key) => {
        if (error) reject(error);
        else resolve(new Uint8Array(key));
      },
    );
  });
}

function describe(value: unknown): string {
  return value instanceof Uint8Array ? `${value.length} bytes` : typeof value;
}
