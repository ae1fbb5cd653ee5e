// Noise's HKDF (spec §4.3): HKDF with HMAC-SHA256, chaining key as salt, empty info, two or
// three 32-byte outputs. HMAC is written out over SHA-256 (RFC 2104) instead of calling
// createHmac: Node's createHmac spends 15-30 µs per call checking whether its key is a
// KeyObject or a CryptoKey (two internal exceptions for a plain Buffer), against 2-4 µs for
// the two hashes, and a handshake computes a dozen HMACs. Each hash is one call of Node's
// one-shot `hash()` over one buffer (the pad and the data joined): a `createHash` object per
// hash costs more than hashing the 100 bytes.
import { hash } from 'node:crypto';

/** Length in bytes of a SHA-256 output (Noise's HASHLEN). */
export const HASH_LENGTH = 32;

const BLOCK = 64;
const ONE = Uint8Array.of(1);
const TWO = Uint8Array.of(2);
const THREE = Uint8Array.of(3);

// SHA-256 of `pad` XOR the key (zero-padded to the block), followed by `data`.
function padHash(pad: number, key: Uint8Array, data: readonly Uint8Array[]): Buffer {
  let size = BLOCK;
  for (const part of data) size += part.length;
  const input = Buffer.allocUnsafe(size);
  input.fill(pad, 0, BLOCK);
  for (let i = 0; i < key.length; i += 1) input[i] = pad ^ (key[i] as number);
  let at = BLOCK;
  for (const part of data) {
    input.set(part, at);
    at += part.length;
  }
  return hash('sha256', input, 'buffer');
}

/** HMAC-SHA256(key, ...data) (RFC 2104). */
export function hmac(key: Uint8Array, ...data: Uint8Array[]): Buffer {
  // A key longer than the block is hashed first; shorter ones are zero-padded.
  const k = key.length > BLOCK ? sha256(key) : key;
  return padHash(0x5c, k, [padHash(0x36, k, data)]);
}

/** SHA256(...data). */
export function sha256(...data: Uint8Array[]): Buffer {
  if (data.length === 1) return hash('sha256', data[0] as Uint8Array, 'buffer');
  return hash('sha256', Buffer.concat(data), 'buffer');
}

/** HKDF(chainingKey, inputKeyMaterial, 2): two 32-byte outputs. */
export function hkdf2(chainingKey: Uint8Array, input: Uint8Array): [Buffer, Buffer] {
  const temp = hmac(chainingKey, input);
  const first = hmac(temp, ONE);
  return [first, hmac(temp, first, TWO)];
}

/** HKDF(chainingKey, inputKeyMaterial, 3): three 32-byte outputs. */
export function hkdf3(chainingKey: Uint8Array, input: Uint8Array): [Buffer, Buffer, Buffer] {
  const temp = hmac(chainingKey, input);
  const first = hmac(temp, ONE);
  const second = hmac(temp, first, TWO);
  return [first, second, hmac(temp, second, THREE)];
}
