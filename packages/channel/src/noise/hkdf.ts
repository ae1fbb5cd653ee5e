// Noise's HKDF (spec §4.3): HKDF with HMAC-SHA256, chaining key as salt, empty info, two or
// three 32-byte outputs. Written out with createHmac because Noise calls it with an empty
// input (Split), which Node's hkdfSync does not promise to accept.
import { createHash, createHmac } from 'node:crypto';

/** Length in bytes of a SHA-256 output (Noise's HASHLEN). */
export const HASH_LENGTH = 32;

const ONE = Uint8Array.of(1);
const TWO = Uint8Array.of(2);
const THREE = Uint8Array.of(3);

/** HMAC-SHA256(key, ...data). */
export function hmac(key: Uint8Array, ...data: Uint8Array[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of data) mac.update(part);
  return mac.digest();
}

/** SHA256(...data). */
export function sha256(...data: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of data) hash.update(part);
  return hash.digest();
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
