// A Noise SymmetricState (spec §5.2): the chaining key `ck`, the handshake hash `h`, and the
// CipherState that has a key once the first DH (or PSK) has been mixed in.
import { EncryptionError } from '@sluice/stream-core';
import { CipherState, type NoiseCipher } from './cipher-state.js';
import { HASH_LENGTH, hkdf2, hkdf3, sha256 } from './hkdf.js';

/** The transcript state of a handshake in progress. */
export class SymmetricState {
  readonly #cipher: NoiseCipher;
  #ck: Uint8Array;
  #h: Uint8Array;
  #state: CipherState | undefined;

  /** InitializeSymmetric(protocolName): h = the name zero-padded to 32 bytes, or its hash. */
  constructor(protocolName: string, cipher: NoiseCipher) {
    const name = Buffer.from(protocolName, 'ascii');
    const h = new Uint8Array(HASH_LENGTH);
    if (name.length <= HASH_LENGTH) h.set(name);
    else h.set(sha256(name));
    this.#cipher = cipher;
    this.#h = h;
    this.#ck = new Uint8Array(h);
  }

  /** The handshake hash so far (a copy). */
  get handshakeHash(): Uint8Array {
    return new Uint8Array(this.#h);
  }

  /** Whether a key has been mixed in, i.e. payloads and static keys are now encrypted. */
  get hasKey(): boolean {
    return this.#state !== undefined;
  }

  /** MixKey(ikm): ck, k = HKDF(ck, ikm, 2). */
  mixKey(input: Uint8Array): void {
    const [ck, k] = hkdf2(this.#ck, input);
    this.#ck = ck;
    this.#state = new CipherState(this.#cipher, k);
  }

  /** MixHash(data): h = SHA256(h || data). */
  mixHash(data: Uint8Array): void {
    this.#h = sha256(this.#h, data);
  }

  /** MixKeyAndHash(ikm): ck, temp_h, k = HKDF(ck, ikm, 3); MixHash(temp_h). Used for the PSK. */
  mixKeyAndHash(input: Uint8Array): void {
    const [ck, tempH, k] = hkdf3(this.#ck, input);
    this.#ck = ck;
    this.mixHash(tempH);
    this.#state = new CipherState(this.#cipher, k);
  }

  /** EncryptAndHash(plaintext): encrypted under h as associated data once there is a key. */
  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const out = this.#state ? this.#state.encrypt(this.#h, plaintext) : new Uint8Array(plaintext);
    this.mixHash(out);
    return out;
  }

  /**
   * DecryptAndHash(ciphertext). During a handshake a failed tag means the two sides derived
   * different keys, so it is reported as 'bad-key' (a wrong PSK or static key shows up here).
   */
  decryptAndHash(ciphertext: Uint8Array): Uint8Array {
    let out: Uint8Array;
    if (!this.#state) out = new Uint8Array(ciphertext);
    else {
      try {
        out = this.#state.decrypt(this.#h, ciphertext);
      } catch (cause) {
        const malformed = cause instanceof EncryptionError && cause.reason === 'malformed';
        throw new EncryptionError(
          malformed
            ? 'handshake message too short for its authentication tag'
            : 'handshake failed to authenticate: the peers hold different keys (wrong pre-shared key or static key)',
          { reason: malformed ? 'malformed' : 'bad-key', cause },
        );
      }
    }
    this.mixHash(ciphertext);
    return out;
  }

  /** Split(): the initiator-to-responder and responder-to-initiator CipherStates. */
  split(): [CipherState, CipherState] {
    const [k1, k2] = hkdf2(this.#ck, new Uint8Array(0));
    return [new CipherState(this.#cipher, k1), new CipherState(this.#cipher, k2)];
  }
}
