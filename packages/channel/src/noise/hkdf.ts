// Noise's HKDF (spec §4.3): HKDF with HMAC-SHA256, chaining key as salt, empty info, two or
// three 32-byte outputs. HMAC is written out over SHA-256 (RFC 2104) instead of calling
// createHmac: Node's createHmac spends 15-30 µs per call checking whether its key is a
// KeyObject or a CryptoKey (two internal exceptions for a plain Buffer), against 2-4 µs for
// the two hashes, and a handshake computes a dozen HMACs.
import { createHash } from 'node:crypto';

/** Length in bytes of a SHA-256 output (Noise's HASHLEN). */
export const HASH_LENGTH = 32;

const BLOCK = 64;
const ONE = Uint8Array.of(1);
const TWO = Uint8Array.of(2);
const THREE = Uint8Array.of(3);

/** HMAC-SHA256(key, ...data) (RFC 2104). */
export function hmac(key: Uint8Array, ...data: Uint8Array[]): Buffer {
  // A key longer than the block is hashed first; shorter ones are zero-padded.
  const k = key.length > BLOCK ? sha256(key) : key;
  const inner = Buffer.alloc(BLOCK, 0x36);
  const outer = Buffer.alloc(BLOCK, 0x5c);
  for (let i = 0; i < k.length; i += 1) {
    inner[i] = (inner[i] as number) ^ (k[i] as number);
    outer[i] = (outer[i] as number) ^ (k[i] as number);
  }
  const hash = createHash('sha256').update(inner);
  for (const part of data) hash.update(part);
  return createHash('sha256').update(outer).update(hash.digest()).digest();
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
