import { randomBytes } from 'node:crypto';
import { EncryptionError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { Handshake, type HandshakeOptions } from './handshake-state.js';
import type { NoisePattern } from './patterns.js';
import { generateKeyPair } from './x25519.js';

const psk = randomBytes(32);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => Buffer.from(b).toString();

type Side = Omit<HandshakeOptions, 'pattern' | 'initiator'>;

function pair(pattern: NoisePattern, init: Side = {}, resp: Side = {}): [Handshake, Handshake] {
  const statics = pattern !== 'NNpsk0';
  const withPsk = pattern !== 'XX';
  const defaults = (): Side => ({
    ...(withPsk ? { psk } : {}),
    ...(statics ? { staticKeyPair: generateKeyPair() } : {}),
  });
  return [
    new Handshake({ pattern, initiator: true, ...defaults(), ...init }),
    new Handshake({ pattern, initiator: false, ...defaults(), ...resp }),
  ];
}

/** Runs the handshake to completion, each message carrying its index as payload. */
function run(a: Handshake, b: Handshake): string[] {
  const payloads: string[] = [];
  for (let i = 0; !a.complete; i += 1) {
    const [w, r] = a.isMyTurn ? [a, b] : [b, a];
    payloads.push(str(r.readMessage(w.writeMessage(text(`m${i}`)))));
  }
  return payloads;
}

function failure(fn: () => unknown): EncryptionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EncryptionError);
    return error as EncryptionError;
  }
  throw new Error('expected an EncryptionError');
}

describe('Handshake', () => {
  it.each(['NNpsk0', 'XX', 'XXpsk3'] as const)(
    '%s completes, agrees on h, and carries records both ways',
    (pattern) => {
      for (const cipher of ['ChaChaPoly', 'AESGCM'] as const) {
        const [a, b] = pair(pattern, { cipher }, { cipher });
        expect(a.protocolName).toBe(`Noise_${pattern}_25519_${cipher}_SHA256`);
        expect(run(a, b)).toEqual(pattern === 'NNpsk0' ? ['m0', 'm1'] : ['m0', 'm1', 'm2']);
        expect(b.complete).toBe(true);
        expect(a.isMyTurn).toBe(false);
        expect(Buffer.from(a.handshakeHash)).toEqual(Buffer.from(b.handshakeHash));
        const x = a.split();
        const y = b.split();
        expect(
          str(y.receive.decrypt(new Uint8Array(0), x.send.encrypt(new Uint8Array(0), text('up')))),
        ).toBe('up');
        expect(
          str(
            x.receive.decrypt(new Uint8Array(0), y.send.encrypt(new Uint8Array(0), text('down'))),
          ),
        ).toBe('down');
      }
    },
  );

  it('learns the peer static key in XX', () => {
    const s1 = generateKeyPair();
    const s2 = generateKeyPair();
    const [a, b] = pair('XX', { staticKeyPair: s1 }, { staticKeyPair: s2 });
    run(a, b);
    expect(Buffer.from(a.remoteStaticKey as Uint8Array)).toEqual(Buffer.from(s2.publicKey));
    expect(Buffer.from(b.remoteStaticKey as Uint8Array)).toEqual(Buffer.from(s1.publicKey));
  });

  it('fails a wrong PSK on the first message with bad-key, before any payload is accepted', () => {
    const [a, b] = pair('NNpsk0', {}, { psk: randomBytes(32) });
    const error = failure(() => b.readMessage(a.writeMessage(text('secret'))));
    expect(error.reason).toBe('bad-key');
    // A failed handshake stays failed.
    expect(failure(() => b.writeMessage()).reason).toBe('malformed');
  });

  it('fails a wrong PSK in XXpsk3 on the last message with bad-key', () => {
    const [a, b] = pair('XXpsk3', {}, { psk: randomBytes(32) });
    b.readMessage(a.writeMessage());
    a.readMessage(b.writeMessage());
    expect(failure(() => b.readMessage(a.writeMessage())).reason).toBe('bad-key');
  });

  it('fails different prologues with bad-key (a downgrade or option mismatch)', () => {
    const [a, b] = pair(
      'NNpsk0',
      { prologue: text('sluice v2 zstd') },
      { prologue: text('sluice v2 none') },
    );
    expect(failure(() => b.readMessage(a.writeMessage())).reason).toBe('bad-key');
  });

  it('fails a peer static key other than the expected one with peer-not-allowed', () => {
    const [a, b] = pair('XX', { remoteStaticKey: generateKeyPair().publicKey });
    b.readMessage(a.writeMessage());
    expect(failure(() => a.readMessage(b.writeMessage())).reason).toBe('peer-not-allowed');
  });

  it('rejects short, long, and low-order handshake messages as malformed', () => {
    let [a, b] = pair('XX');
    expect(failure(() => b.readMessage(new Uint8Array(31))).reason).toBe('malformed');
    let [c, d] = pair('XX');
    expect(failure(() => d.readMessage(new Uint8Array(70_000))).reason).toBe('malformed');
    [a, b] = pair('XX');
    [c, d] = pair('XX');
    // XX message 1 is just e: a low-order e is accepted, but the ee DH against it is refused.
    b.readMessage(a.writeMessage());
    const reply = b.writeMessage();
    reply.fill(0, 0, 32);
    expect(failure(() => a.readMessage(reply)).reason).toBe('malformed');
    d.readMessage(c.writeMessage());
    expect(failure(() => c.readMessage(d.writeMessage().subarray(0, 60))).reason).toBe('malformed');
  });

  it('refuses calls out of turn, and transport before completion', () => {
    const [a, b] = pair('NNpsk0');
    expect(() => a.readMessage(new Uint8Array(48))).toThrow(/ours to send/);
    expect(() => b.writeMessage()).toThrow(/peer's to send/);
    expect(() => a.split()).toThrow(EncryptionError);
    expect(() => a.handshakeHash).toThrow(EncryptionError);
  });

  it('rejects bad options with TypeError or RangeError naming them', () => {
    const kp = generateKeyPair();
    expect(
      () => new Handshake({ pattern: 'NNpsk0', initiator: true, psk, extra: 1 } as never),
    ).toThrow(/extra/);
    expect(() => new Handshake({ pattern: 'IK' as never, initiator: true })).toThrow(TypeError);
    expect(() => new Handshake({ pattern: 'NNpsk0', initiator: true })).toThrow(/psk/);
    expect(
      () => new Handshake({ pattern: 'NNpsk0', initiator: true, psk: new Uint8Array(16) }),
    ).toThrow(RangeError);
    expect(() => new Handshake({ pattern: 'XX', initiator: true, psk, staticKeyPair: kp })).toThrow(
      /psk/,
    );
    expect(() => new Handshake({ pattern: 'XX', initiator: true })).toThrow(/staticKeyPair/);
    expect(
      () =>
        new Handshake({
          pattern: 'XX',
          initiator: true,
          staticKeyPair: { publicKey: kp.publicKey, privateKey: new Uint8Array(31) },
        }),
    ).toThrow(RangeError);
    expect(
      () => new Handshake({ pattern: 'XX', initiator: 'yes' as never, staticKeyPair: kp }),
    ).toThrow(TypeError);
    expect(
      () =>
        new Handshake({
          pattern: 'XX',
          initiator: true,
          cipher: 'AES' as never,
          staticKeyPair: kp,
        }),
    ).toThrow(TypeError);
  });

  it('gives different keys to two sessions under one PSK (fresh ephemerals)', () => {
    const [a1, b1] = pair('NNpsk0');
    const [a2, b2] = pair('NNpsk0');
    run(a1, b1);
    run(a2, b2);
    const r1 = a1.split().send.encrypt(new Uint8Array(0), text('same'));
    const r2 = a2.split().send.encrypt(new Uint8Array(0), text('same'));
    expect(Buffer.from(r1)).not.toEqual(Buffer.from(r2));
  });
});
