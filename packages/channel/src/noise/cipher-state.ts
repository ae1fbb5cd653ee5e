// A Noise CipherState (spec §5.1): one key and a 64-bit nonce counter that is never sent and
// never reused. The AEAD is Node's own (OpenSSL) chacha20-poly1305 or aes-256-gcm, tag pinned
// to 16 bytes.
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { EncryptionError } from '@sluice/stream-core';
import { withoutStackTraces } from './quiet.js';

/** The AEAD ciphers of Noise that sluice implements. */
export type NoiseCipher = 'ChaChaPoly' | 'AESGCM';

/** Length in bytes of a cipher key. */
export const KEY_LENGTH = 32;
/** Length in bytes of the authentication tag appended to every ciphertext. */
export const TAG_LENGTH = 16;
/** The nonce value Noise reserves for REKEY(); a counter reaching it is exhausted. */
export const MAX_NONCE: bigint = 2n ** 64n - 1n;

const ALGORITHM = { ChaChaPoly: 'chacha20-poly1305', AESGCM: 'aes-256-gcm' } as const;
// Node's typings pick an overload per literal name; both AEADs take the same calls here.
type AeadAlgorithm = 'chacha20-poly1305';
const EMPTY = new Uint8Array(0);
const REKEY_ZEROS = new Uint8Array(KEY_LENGTH);
const TWO_32 = 0x1_0000_0000;

/** An AEAD key with its implicit nonce counter, as Noise's Split() hands them out. */
export class CipherState {
  /** The cipher this state encrypts with. */
  readonly cipher: NoiseCipher;
  // A KeyObject, made once per key and only when first used: createCipheriv with a plain
  // Buffer key spends more time checking what kind of key it got than a 64-byte record takes
  // to encrypt, and most of a handshake's keys are replaced by the next MixKey unused.
  #raw: Uint8Array | undefined;
  #object: KeyObject | undefined;
  // The counter as two uint32 halves: cheaper than a bigint per record.
  #low = 0;
  #high = 0;
  // The nonce block of the next record (see writeNonce).
  readonly #iv = Buffer.alloc(12);

  constructor(cipher: NoiseCipher, key: Uint8Array) {
    if (!(cipher in ALGORITHM)) throw new TypeError(`unknown Noise cipher ${String(cipher)}`);
    if (!(key instanceof Uint8Array) || key.length !== KEY_LENGTH)
      throw new RangeError(`a cipher key must be ${KEY_LENGTH} bytes`);
    this.cipher = cipher;
    this.#raw = new Uint8Array(key);
  }

  get #key(): KeyObject {
    if (this.#object === undefined) {
      const raw = this.#raw as Uint8Array;
      this.#object = withoutStackTraces(() => createSecretKey(raw));
      raw.fill(0); // the key lives on in the KeyObject only
      this.#raw = undefined;
    }
    return this.#object;
  }

  /** The next nonce this state will use. */
  get nonce(): bigint {
    return (BigInt(this.#high) << 32n) | BigInt(this.#low);
  }

  /** Moves the counter (for tests of the nonce limit; Noise's SetNonce). */
  setNonce(n: bigint): void {
    if (typeof n !== 'bigint' || n < 0n || n > MAX_NONCE)
      throw new RangeError(`a nonce must be a bigint in [0, 2^64-1], got ${String(n)}`);
    this.#high = Number(n >> 32n);
    this.#low = Number(n & 0xffff_ffffn);
  }

  /** ENCRYPT(k, n++, ad, plaintext): the ciphertext with its 16-byte tag appended. */
  encrypt(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const [body, tag] = this.encryptParts(ad, plaintext);
    return Buffer.concat([body, tag], body.length + TAG_LENGTH);
  }

  /**
   * ENCRYPT(k, n++, ad, plaintext) as two buffers, the ciphertext and the 16-byte tag, whose
   * concatenation is what `encrypt()` returns. For writers that hand both to one `writev`:
   * joining them would copy every large record once more.
   */
  encryptParts(ad: Uint8Array, plaintext: Uint8Array): [Uint8Array, Uint8Array] {
    this.#checkNonce();
    const parts = this.#seal(this.#ivFor(this.#low, this.#high), ad, plaintext);
    this.#advance();
    return parts;
  }

  /**
   * DECRYPT(k, n, ad, ciphertext): the plaintext, released only after the tag verified. A
   * failed tag throws `EncryptionError` reason 'tampered' and leaves the counter unmoved.
   */
  decrypt(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    this.#checkNonce();
    if (ciphertext.length < TAG_LENGTH)
      throw new EncryptionError(
        `an encrypted record must hold at least its ${TAG_LENGTH}-byte tag, got ${ciphertext.length} bytes`,
        { reason: 'malformed' },
      );
    const end = ciphertext.length - TAG_LENGTH;
    const decipher = createDecipheriv(
      ALGORITHM[this.cipher] as AeadAlgorithm,
      this.#key,
      this.#ivFor(this.#low, this.#high),
      { authTagLength: TAG_LENGTH },
    );
    decipher.setAuthTag(ciphertext.subarray(end));
    decipher.setAAD(ad, { plaintextLength: end });
    const body = decipher.update(ciphertext.subarray(0, end));
    try {
      decipher.final();
    } catch (cause) {
      // `body` is dropped here: no byte of an unauthenticated record leaves this method.
      throw new EncryptionError(
        `record ${this.nonce} failed authentication (${this.cipher}): tampered, reordered or under another key`,
        { reason: 'tampered', cause },
      );
    }
    this.#advance();
    return body;
  }

  /**
   * Whether `ciphertext` authenticates under nonce `n` (the counter does not move, nothing is
   * returned). For telling a replayed or early record from a forged one after `decrypt()`
   * failed; the plaintext it computes is dropped unread.
   */
  verifiesAt(ad: Uint8Array, ciphertext: Uint8Array, n: bigint): boolean {
    if (typeof n !== 'bigint' || n < 0n || n >= MAX_NONCE) return false;
    if (ciphertext.length < TAG_LENGTH) return false;
    const end = ciphertext.length - TAG_LENGTH;
    const iv = writeNonce(
      Buffer.alloc(12),
      this.cipher,
      Number(n & 0xffff_ffffn),
      Number(n >> 32n),
    );
    const decipher = createDecipheriv(ALGORITHM[this.cipher] as AeadAlgorithm, this.#key, iv, {
      authTagLength: TAG_LENGTH,
    });
    decipher.setAuthTag(ciphertext.subarray(end));
    decipher.setAAD(ad, { plaintextLength: end });
    decipher.update(ciphertext.subarray(0, end));
    try {
      decipher.final();
      return true;
    } catch {
      return false;
    }
  }

  /** Noise REKEY(): k = the first 32 bytes of ENCRYPT(k, 2^64-1, empty, zeros[32]). The counter stays. */
  rekey(): void {
    const [body] = this.#seal(this.#ivFor(0xffff_ffff, 0xffff_ffff), EMPTY, REKEY_ZEROS);
    const next = body.subarray(0, KEY_LENGTH);
    this.#object = withoutStackTraces(() => createSecretKey(next));
  }

  #seal(iv: Buffer, ad: Uint8Array, plaintext: Uint8Array): [Buffer, Buffer] {
    const cipher = createCipheriv(ALGORITHM[this.cipher] as AeadAlgorithm, this.#key, iv, {
      authTagLength: TAG_LENGTH,
    });
    cipher.setAAD(ad, { plaintextLength: plaintext.length });
    const body = cipher.update(plaintext);
    cipher.final();
    return [body, cipher.getAuthTag()];
  }

  #ivFor(low: number, high: number): Buffer {
    return writeNonce(this.#iv, this.cipher, low, high);
  }

  #checkNonce(): void {
    if (this.#low === 0xffff_ffff && this.#high === 0xffff_ffff)
      throw new EncryptionError(
        'nonce counter exhausted (2^64-1 is reserved): rekey or reconnect before this point',
        { reason: 'nonce-exhausted' },
      );
  }

  #advance(): void {
    this.#low += 1;
    if (this.#low === TWO_32) {
      this.#low = 0;
      this.#high += 1;
    }
  }
}

// 4 zero bytes then the 64-bit counter: little-endian for ChaChaPoly, big-endian for AESGCM.
function writeNonce(iv: Buffer, cipher: NoiseCipher, low: number, high: number): Buffer {
  if (cipher === 'ChaChaPoly') {
    iv.writeUInt32LE(low, 4);
    iv.writeUInt32LE(high, 8);
  } else {
    iv.writeUInt32BE(high, 4);
    iv.writeUInt32BE(low, 8);
  }
  return iv;
}
