import { EncryptionError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import {
  dh,
  generateEphemeral,
  generateKeyPair,
  keyPairFromPrivateKey,
  LASTING_PUBLIC_KEYS,
  localKey,
  privateKeyObject,
} from './x25519.js';

describe('X25519', () => {
  it('agrees on one secret from both sides, with raw 32-byte keys', () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    expect(a.publicKey.length).toBe(32);
    expect(a.privateKey.length).toBe(32);
    const ab = dh(privateKeyObject(a.privateKey), b.publicKey);
    const ba = dh(privateKeyObject(b.privateKey), a.publicKey);
    expect(Buffer.from(ab)).toEqual(Buffer.from(ba));
    expect(Buffer.from(keyPairFromPrivateKey(a.privateKey).publicKey)).toEqual(
      Buffer.from(a.publicKey),
    );
  });

  it('matches RFC 7748 section 6.1', () => {
    const alice = keyPairFromPrivateKey(
      Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex'),
    );
    expect(Buffer.from(alice.publicKey).toString('hex')).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    );
    const bobPublic = Buffer.from(
      'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
      'hex',
    );
    expect(Buffer.from(dh(privateKeyObject(alice.privateKey), bobPublic)).toString('hex')).toBe(
      '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
    );
  });

  it('rejects low-order points (all-zero output) and wrong lengths', () => {
    const key = privateKeyObject(generateKeyPair().privateKey);
    for (const point of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
      expect(() => dh(key, point)).toThrow(EncryptionError);
      try {
        dh(key, point);
      } catch (error) {
        expect((error as EncryptionError).reason).toBe('malformed');
      }
    }
    expect(() => dh(key, new Uint8Array(31))).toThrow(/32 bytes/);
    expect(() => privateKeyObject(new Uint8Array(33))).toThrow(RangeError);
    expect(() => privateKeyObject('x' as never)).toThrow(TypeError);
  });

  it('an ephemeral key agrees with a static one', () => {
    const e = generateEphemeral();
    const s = generateKeyPair();
    expect(Buffer.from(dh(e.privateKey, s.publicKey))).toEqual(
      Buffer.from(dh(privateKeyObject(s.privateKey), e.publicKey)),
    );
  });

  it('imports a static key again when its bytes changed in place', () => {
    const peer = generateKeyPair();
    const pair = generateKeyPair();
    const before = dh(localKey(pair).privateKey, peer.publicKey);
    expect(Buffer.from(dh(localKey(pair).privateKey, peer.publicKey))).toEqual(Buffer.from(before));
    pair.privateKey.set(generateKeyPair().privateKey);
    const after = dh(localKey(pair).privateKey, peer.publicKey);
    expect(Buffer.from(after)).not.toEqual(Buffer.from(before));
    expect(Buffer.from(after)).toEqual(
      Buffer.from(dh(privateKeyObject(pair.privateKey), peer.publicKey)),
    );
  });

  it('a peer static key kept across handshakes gives the same secrets, by its bytes', () => {
    const mine = privateKeyObject(generateKeyPair().privateKey);
    const peers = Array.from({ length: LASTING_PUBLIC_KEYS + 10 }, () => generateKeyPair());
    // Twice round more keys than are kept: the first ones are dropped and imported again.
    for (let round = 0; round < 2; round++) {
      for (const peer of peers) {
        // A fresh array each time, as a handshake reads it off the wire.
        const lasting = dh(mine, new Uint8Array(peer.publicKey), true);
        expect(Buffer.from(lasting)).toEqual(Buffer.from(dh(mine, new Uint8Array(peer.publicKey))));
      }
    }
  });
});
