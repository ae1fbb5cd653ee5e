// Interoperability with noise-c (the C reference implementation, compiled to WebAssembly):
// both roles, every pattern and cipher sluice speaks, handshake and transport both ways.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CipherState,
  generateKeyPair,
  Handshake,
  type KeyPair,
  type NoiseCipher,
  type NoisePattern,
} from '../src/noise/index.js';

// The package ships no typings: these are the parts of its API (src/index.ls) used here.
interface NoiseCCipherState {
  EncryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  DecryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array;
  free(): void;
}
interface NoiseCHandshake {
  Initialize(
    prologue: Uint8Array | null,
    s: Uint8Array | null,
    rs: Uint8Array | null,
    psk: Uint8Array | null,
  ): void;
  GetAction(): number;
  WriteMessage(payload: Uint8Array | null): Uint8Array;
  ReadMessage(message: Uint8Array, payloadNeeded: boolean): Uint8Array | null;
  GetHandshakeHash(): Uint8Array;
  GetRemotePublicKey(): Uint8Array | null;
  Split(): [NoiseCCipherState, NoiseCCipherState];
}
interface NoiseC {
  constants: Record<string, number>;
  HandshakeState: new (name: string, role: number) => NoiseCHandshake;
}

const createNoise = createRequire(import.meta.url)('@richardhopton/noise-c.wasm') as (
  ready: (noise: NoiseC) => void,
) => void;

let noise: NoiseC;
beforeAll(async () => {
  noise = await new Promise<NoiseC>((resolve) => createNoise(resolve));
});

// ChaChaPoly only: this WebAssembly build of noise-c leaves AESGCM out (any `_AESGCM_` name
// fails with NOISE_ERROR_UNKNOWN_NAME). AESGCM is proven by the cacophony vectors instead.
const cases: [NoisePattern, NoiseCipher][] = (['NNpsk0', 'XX', 'XXpsk3'] as const).map(
  (p): [NoisePattern, NoiseCipher] => [p, 'ChaChaPoly'],
);
const hex = (b: Uint8Array | null): string => Buffer.from(b ?? []).toString('hex');
const empty = new Uint8Array(0);

interface Setup {
  ours: Handshake;
  theirs: NoiseCHandshake;
  oursStatic?: KeyPair;
  theirsStatic?: KeyPair;
}

function setup(
  pattern: NoisePattern,
  cipher: NoiseCipher,
  sluiceInitiates: boolean,
  psk: Uint8Array,
): Setup {
  const prologue = Buffer.from('sluice interop');
  const statics = pattern !== 'NNpsk0';
  const withPsk = pattern !== 'XX';
  const oursStatic = statics ? generateKeyPair() : undefined;
  const theirsStatic = statics ? generateKeyPair() : undefined;
  const ours = new Handshake({
    pattern,
    cipher,
    initiator: sluiceInitiates,
    prologue,
    ...(withPsk ? { psk } : {}),
    ...(oursStatic ? { staticKeyPair: oursStatic } : {}),
  });
  const { NOISE_ROLE_INITIATOR, NOISE_ROLE_RESPONDER } = noise.constants;
  const theirs = new noise.HandshakeState(
    ours.protocolName,
    (sluiceInitiates ? NOISE_ROLE_RESPONDER : NOISE_ROLE_INITIATOR) as number,
  );
  theirs.Initialize(prologue, theirsStatic?.privateKey ?? null, null, withPsk ? psk : null);
  return {
    ours,
    theirs,
    ...(oursStatic ? { oursStatic } : {}),
    ...(theirsStatic ? { theirsStatic } : {}),
  };
}

describe('Noise interop with noise-c', () => {
  for (const [pattern, cipher] of cases)
    for (const sluiceInitiates of [true, false])
      it(`${pattern} ${cipher}, sluice as ${sluiceInitiates ? 'initiator' : 'responder'}`, () => {
        const psk = randomBytes(32);
        const { ours, theirs, oursStatic, theirsStatic } = setup(
          pattern,
          cipher,
          sluiceInitiates,
          psk,
        );
        const { NOISE_ACTION_WRITE_MESSAGE, NOISE_ACTION_READ_MESSAGE, NOISE_ACTION_SPLIT } =
          noise.constants;
        for (let i = 0; !ours.complete; i += 1) {
          const payload = Buffer.from(`handshake payload ${i}`);
          if (ours.isMyTurn) {
            expect(theirs.GetAction()).toBe(NOISE_ACTION_READ_MESSAGE);
            expect(hex(theirs.ReadMessage(ours.writeMessage(payload), true))).toBe(hex(payload));
          } else {
            expect(theirs.GetAction()).toBe(NOISE_ACTION_WRITE_MESSAGE);
            expect(hex(ours.readMessage(theirs.WriteMessage(payload)))).toBe(hex(payload));
          }
        }
        expect(theirs.GetAction()).toBe(NOISE_ACTION_SPLIT);
        expect(hex(ours.handshakeHash)).toBe(hex(theirs.GetHandshakeHash()));
        if (oursStatic && theirsStatic) {
          expect(hex(ours.remoteStaticKey as Uint8Array)).toBe(hex(theirsStatic.publicKey));
          expect(hex(theirs.GetRemotePublicKey())).toBe(hex(oursStatic.publicKey));
        }
        const [theirSend, theirReceive] = theirs.Split();
        const { send, receive }: { send: CipherState; receive: CipherState } = ours.split();
        for (let n = 0; n < 3; n += 1) {
          const up = randomBytes(100 + n);
          expect(hex(theirReceive.DecryptWithAd(empty, send.encrypt(empty, up)))).toBe(hex(up));
          const down = randomBytes(200 + n);
          expect(hex(receive.decrypt(empty, theirSend.EncryptWithAd(empty, down)))).toBe(hex(down));
        }
        theirSend.free();
        theirReceive.free();
      });

  it('a PSK that differs from noise-c fails the handshake with bad-key', () => {
    const { ours } = setup('NNpsk0', 'ChaChaPoly', false, randomBytes(32));
    const wrong = new noise.HandshakeState(
      ours.protocolName,
      noise.constants.NOISE_ROLE_INITIATOR as number,
    );
    wrong.Initialize(Buffer.from('sluice interop'), null, null, randomBytes(32));
    expect(() => ours.readMessage(wrong.WriteMessage(null))).toThrow(
      expect.objectContaining({ reason: 'bad-key' }),
    );
  });
});
