import { createCipheriv, createDecipheriv } from 'node:crypto';
import { EncryptionError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { CipherState, MAX_NONCE, TAG_LENGTH } from './cipher-state.js';

const key = new Uint8Array(32).fill(7);
const ad = Uint8Array.of(1, 2, 3);
const text = new TextEncoder().encode('hello, records');

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EncryptionError);
    return (error as EncryptionError).reason;
  }
  throw new Error('expected an EncryptionError');
}

describe('CipherState', () => {
  it.each([
    [
      'ChaChaPoly',
      'chacha20-poly1305',
      (n: bigint) => {
        const iv = Buffer.alloc(12);
        iv.writeBigUInt64LE(n, 4);
        return iv;
      },
    ],
    [
      'AESGCM',
      'aes-256-gcm',
      (n: bigint) => {
        const iv = Buffer.alloc(12);
        iv.writeBigUInt64BE(n, 4);
        return iv;
      },
    ],
  ] as const)(
    '%s puts the counter in the nonce as Noise says, with a 16-byte tag',
    (cipher, algorithm, iv) => {
      const state = new CipherState(cipher, key);
      state.setNonce(0x0102_0304_0506n);
      const sealed = state.encrypt(ad, text);
      expect(sealed.length).toBe(text.length + TAG_LENGTH);
      expect(state.nonce).toBe(0x0102_0304_0507n);
      const d = createDecipheriv(algorithm as 'chacha20-poly1305', key, iv(0x0102_0304_0506n), {
        authTagLength: 16,
      });
      d.setAAD(ad, { plaintextLength: text.length });
      d.setAuthTag(sealed.subarray(text.length));
      const plain = Buffer.concat([d.update(sealed.subarray(0, text.length)), d.final()]);
      expect(plain.toString()).toBe('hello, records');
    },
  );

  it('gives the same bytes in two parts from encryptParts (ciphertext, tag)', () => {
    const whole = new CipherState('AESGCM', key);
    const parts = new CipherState('AESGCM', key);
    for (let i = 0; i < 2; i += 1) {
      const [body, tag] = parts.encryptParts(ad, text);
      expect(tag.length).toBe(TAG_LENGTH);
      expect(Buffer.concat([body, tag])).toEqual(Buffer.from(whole.encrypt(ad, text)));
    }
    expect(parts.nonce).toBe(2n);
  });

  it('decrypts in order and counts per direction', () => {
    const send = new CipherState('ChaChaPoly', key);
    const receive = new CipherState('ChaChaPoly', key);
    for (let i = 0; i < 3; i += 1)
      expect(Buffer.from(receive.decrypt(ad, send.encrypt(ad, text))).toString()).toBe(
        'hello, records',
      );
    expect(receive.nonce).toBe(3n);
  });

  it('rejects a flipped bit, other associated data, or a replay as tampered, counter unmoved', () => {
    const send = new CipherState('ChaChaPoly', key);
    const receive = new CipherState('ChaChaPoly', key);
    const first = send.encrypt(ad, text);
    const flipped = Uint8Array.from(first);
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(reason(() => receive.decrypt(ad, flipped))).toBe('tampered');
    expect(reason(() => receive.decrypt(Uint8Array.of(9), first))).toBe('tampered');
    expect(receive.nonce).toBe(0n);
    receive.decrypt(ad, first);
    expect(reason(() => receive.decrypt(ad, first))).toBe('tampered');
    expect(reason(() => receive.decrypt(ad, first.subarray(0, 15)))).toBe('malformed');
  });

  it('stops at the reserved nonce 2^64-1 with nonce-exhausted', () => {
    const state = new CipherState('AESGCM', key);
    state.setNonce(MAX_NONCE - 1n);
    state.encrypt(ad, text);
    expect(state.nonce).toBe(MAX_NONCE);
    expect(reason(() => state.encrypt(ad, text))).toBe('nonce-exhausted');
    expect(reason(() => state.decrypt(ad, new Uint8Array(32)))).toBe('nonce-exhausted');
  });

  it('carries the counter across 2^32', () => {
    const state = new CipherState('ChaChaPoly', key);
    state.setNonce(0xffff_ffffn);
    state.encrypt(ad, text);
    expect(state.nonce).toBe(0x1_0000_0000n);
  });

  it('rekeys both sides alike without moving the counter (REKEY of the spec)', () => {
    const send = new CipherState('ChaChaPoly', key);
    const receive = new CipherState('ChaChaPoly', key);
    const before = send.encrypt(ad, text);
    receive.decrypt(ad, before);
    send.rekey();
    const after = send.encrypt(ad, text);
    expect(send.nonce).toBe(2n);
    expect(reason(() => new CipherState('ChaChaPoly', key).decrypt(ad, after))).toBe('tampered');
    receive.rekey();
    expect(Buffer.from(receive.decrypt(ad, after)).toString()).toBe('hello, records');
    // k' is the first 32 bytes of ENCRYPT(k, 2^64-1, empty, zeros[32]).
    const iv = Buffer.alloc(12);
    iv.writeBigUInt64LE(MAX_NONCE, 4);
    const c = createCipheriv('chacha20-poly1305', key, iv, { authTagLength: 16 });
    const next = Buffer.concat([c.update(new Uint8Array(32)), c.final()]);
    const expected = new CipherState('ChaChaPoly', next);
    expected.setNonce(1n);
    const check = new CipherState('ChaChaPoly', key);
    check.setNonce(1n);
    check.rekey();
    expect(Buffer.from(check.encrypt(ad, text))).toEqual(Buffer.from(expected.encrypt(ad, text)));
  });

  it('refuses keys of the wrong length and unknown ciphers', () => {
    expect(() => new CipherState('ChaChaPoly', new Uint8Array(31))).toThrow(RangeError);
    expect(() => new CipherState('DES' as never, key)).toThrow(TypeError);
    expect(() => new CipherState('ChaChaPoly', key).setNonce(-1n)).toThrow(RangeError);
  });

  it.each(['ChaChaPoly', 'AESGCM'] as const)(
    'verifiesAt (%s): true only under the nonce a record was sealed with; the counter stays',
    (cipher) => {
      const send = new CipherState(cipher, key);
      send.setNonce(2n ** 32n + 5n); // both halves of the counter in play
      const record = send.encrypt(ad, text);
      const receive = new CipherState(cipher, key);
      expect(receive.verifiesAt(ad, record, 2n ** 32n + 5n)).toBe(true);
      expect(receive.verifiesAt(ad, record, 2n ** 32n + 4n)).toBe(false);
      expect(receive.verifiesAt(ad, record, 5n)).toBe(false);
      expect(receive.verifiesAt(Uint8Array.of(9), record, 2n ** 32n + 5n)).toBe(false);
      expect(receive.verifiesAt(ad, record.subarray(0, 15), 0n)).toBe(false);
      expect(receive.verifiesAt(ad, record, MAX_NONCE)).toBe(false);
      expect(receive.nonce).toBe(0n);
    },
  );

  it("keeps its own copy of the key: changing the caller's bytes later changes nothing", () => {
    const given = new Uint8Array(key);
    const state = new CipherState('ChaChaPoly', given);
    given.fill(0);
    const record = state.encrypt(ad, text);
    expect(Buffer.from(new CipherState('ChaChaPoly', key).decrypt(ad, record)).toString()).toBe(
      'hello, records',
    );
  });
});
