// sluice's own test vectors: fixed keys and randomness → the exact bytes on the wire, for
// another implementation to check itself against. Two real channels over TCP (through a
// recording proxy) run with Node's key generation and random bytes fixed; the bytes they
// put on the wire must equal (1) the bytes derived here from the protocol as SECURITY.md
// describes it, with the Noise engine alone and a hand-written frame layout, and (2) the
// vectors published in test/vectors/sluice-wire.json and in SECURITY.md.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type CipherState, Handshake, keyPairFromPrivateKey } from '../src/noise/index.js';
import { PSK, session } from './attacks/session.js';
import { fixRandomness } from './fixed-randomness.js';

const file = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const sha = (label: string): Buffer => createHash('sha256').update(label).digest();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const INPUTS = {
  psk: PSK,
  initiatorEphemeral: sha('sluice test vector: initiator ephemeral'),
  responderEphemeral: sha('sluice test vector: responder ephemeral'),
  initiatorTieBreak: Buffer.alloc(32, 0x11),
  responderTieBreak: Buffer.alloc(32, 0x22),
  prologueLabel: 'sluice channel, wire version 2\n',
  initiatorMessage: 'hello, responder',
  responderMessage: 'hello, initiator',
};

// The frame layout, written out from SECURITY.md (not from the channel's code).
const WIRE_VERSION = 2;
const FINAL = 0x01;
const ENCRYPTED = 0x08;
const CONTROL = 0x80;
const HELLO = 1;
const HANDSHAKE = 2;
const CLOSE = 5;

function header(flags: number, length: number): Buffer {
  const h = Buffer.alloc(6);
  h[0] = WIRE_VERSION;
  h[1] = flags;
  h.writeUInt32BE(length, 2);
  return h;
}
const controlFrame = (type: number, body: Uint8Array): Buffer =>
  Buffer.concat([header(CONTROL | FINAL, 1 + body.length), Uint8Array.of(type), body]);
function record(cs: CipherState, flags: number, plaintext: Uint8Array): Buffer {
  const h = header(flags | ENCRYPTED | FINAL, plaintext.length + 16);
  return Buffer.concat([h, cs.encrypt(h, plaintext)]);
}
// Hello body: wire version, pattern (0 NNpsk0), cipher (0 ChaChaPoly), compression (0 none),
// role (1 initiator, 2 responder), 32 tie-break bytes.
const hello = (role: number, tieBreak: Uint8Array): Buffer =>
  Buffer.concat([Uint8Array.of(WIRE_VERSION, 0, 0, 0, role), tieBreak]);

interface WireVectors {
  toResponder: Record<string, string>;
  toInitiator: Record<string, string>;
  handshakeHash: string;
}

/** The expected frames, derived from the protocol with the Noise engine alone. */
function derive(): WireVectors {
  const helloI = hello(1, INPUTS.initiatorTieBreak);
  const helloR = hello(2, INPUTS.responderTieBreak);
  const prologue = Buffer.concat([Buffer.from(INPUTS.prologueLabel), helloI, helloR]);
  const common = { pattern: 'NNpsk0' as const, psk: INPUTS.psk, prologue };
  const i = new Handshake({
    ...common,
    initiator: true,
    ephemeralKeyPair: keyPairFromPrivateKey(INPUTS.initiatorEphemeral),
  });
  const r = new Handshake({
    ...common,
    initiator: false,
    ephemeralKeyPair: keyPairFromPrivateKey(INPUTS.responderEphemeral),
  });
  const m1 = i.writeMessage();
  r.readMessage(m1);
  const m2 = r.writeMessage();
  i.readMessage(m2);
  const iStates = i.split();
  const rStates = r.split();
  return {
    toResponder: {
      hello: hex(controlFrame(HELLO, helloI)),
      handshake1: hex(controlFrame(HANDSHAKE, m1)),
      message: hex(record(iStates.send, 0, Buffer.from(INPUTS.initiatorMessage))),
      close: hex(record(iStates.send, CONTROL, Uint8Array.of(CLOSE))),
    },
    toInitiator: {
      hello: hex(controlFrame(HELLO, helloR)),
      handshake2: hex(controlFrame(HANDSHAKE, m2)),
      message: hex(record(rStates.send, 0, Buffer.from(INPUTS.responderMessage))),
    },
    handshakeHash: hex(i.handshakeHash),
  };
}

let restore: (() => void) | undefined;
afterEach(() => restore?.());

describe("sluice's wire test vectors (NNpsk0, ChaChaPoly)", () => {
  it('real channels with fixed randomness put exactly the derived bytes on the wire', async () => {
    const expected = derive();
    // Tie-breaks are drawn as the channels are made (client first), ephemerals as each side
    // writes its first handshake message (initiator first).
    restore = fixRandomness(
      [INPUTS.initiatorEphemeral, INPUTS.responderEphemeral],
      [INPUTS.initiatorTieBreak, INPUTS.responderTieBreak],
    );
    const wire = { toServer: [] as string[], toClient: [] as string[] };
    {
      await using s = await session({
        client: { encrypt: { key: PSK, role: 'initiator' } },
        server: { encrypt: { key: PSK, role: 'responder' } },
      });
      await Promise.all([s.client.handshake(), s.server.handshake()]);
      restore();
      restore = undefined;
      expect(hex(s.client.handshakeHash as Uint8Array)).toBe(expected.handshakeHash);
      await s.client.send(INPUTS.initiatorMessage);
      await s.client.flush();
      expect(Buffer.from(await s.server.recv()).toString()).toBe(INPUTS.initiatorMessage);
      await s.server.send(INPUTS.responderMessage);
      await s.server.flush();
      expect(Buffer.from(await s.client.recv()).toString()).toBe(INPUTS.responderMessage);
      await s.client.close();
      await s.proxy.waitFor((f) => f.direction === 'toServer' && f.index === 3);
      for (const f of s.proxy.frames)
        (f.direction === 'toServer' ? wire.toServer : wire.toClient).push(hex(f.bytes));
    }
    expect(wire.toServer).toEqual(Object.values(expected.toResponder));
    expect(wire.toClient).toEqual(Object.values(expected.toInitiator));
  });

  it('are the vectors published in test/vectors/sluice-wire.json and SECURITY.md', async () => {
    const expected = derive();
    const published = {
      protocol: 'Noise_NNpsk0_25519_ChaChaPoly_SHA256, sluice wire version 2',
      inputs: {
        psk: hex(INPUTS.psk),
        initiatorEphemeralPrivate: hex(INPUTS.initiatorEphemeral),
        responderEphemeralPrivate: hex(INPUTS.responderEphemeral),
        initiatorTieBreak: hex(INPUTS.initiatorTieBreak),
        responderTieBreak: hex(INPUTS.responderTieBreak),
        initiatorMessage: INPUTS.initiatorMessage,
        responderMessage: INPUTS.responderMessage,
      },
      ...expected,
    };
    // A file snapshot: under CI a missing or different file fails (never rewritten there).
    await expect(`${JSON.stringify(published, null, 2)}\n`).toMatchFileSnapshot(
      './vectors/sluice-wire.json',
    );
    const doc = readFileSync(file('../SECURITY.md'), 'utf8');
    for (const frame of [
      ...Object.values(expected.toResponder),
      ...Object.values(expected.toInitiator),
      expected.handshakeHash,
    ])
      expect(doc).toContain(frame);
  });
});
