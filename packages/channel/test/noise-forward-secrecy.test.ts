// Forward secrecy: a session recorded on the wire cannot be decrypted by someone who later
// learns the PSK. The attacker here has the recording and the PSK, and tries with sluice's
// own Noise engine everything the PSK allows; every attempt fails. The control: the same
// procedure with the initiator's ephemeral private key (captured from Node's key
// generation during the session) decrypts the recording, so the failures are owed to the
// ephemeral keys and nothing else.
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { EncryptionError } from '@sluice/stream-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CipherState, Handshake, type KeyPair, keyPairFromPrivateKey } from '../src/noise/index.js';
import { type Frame, isRecord } from './attacks/proxy.js';
import { PSK, session } from './attacks/session.js';

const FLAG_CONTROL = 0x80;
const HELLO = 1;
const HANDSHAKE = 2;
// The start of the prologue: sluice's protocol label (the hellos follow, initiator's first).
const PROLOGUE_LABEL = Buffer.from('sluice channel, wire version 2\n');

// Every X25519 private key Node generates while the session runs (the control needs one).
const generated: Uint8Array[] = [];
const original = crypto.generateKeyPairSync;
beforeAll(() => {
  crypto.generateKeyPairSync = ((type: string, ...rest: unknown[]) => {
    const pair = (original as (...a: unknown[]) => crypto.KeyPairKeyObjectResult)(type, ...rest);
    if (type === 'x25519') {
      const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
      generated.push(new Uint8Array(der.subarray(der.length - 32)));
    }
    return pair;
  }) as typeof crypto.generateKeyPairSync;
  syncBuiltinESMExports();
});
afterAll(() => {
  crypto.generateKeyPairSync = original;
  syncBuiltinESMExports();
});

interface Recording {
  frames: Frame[];
  sent: string[];
}

async function record(): Promise<Recording> {
  // Roles fixed, so that the client (whose records are attacked) is the Noise initiator.
  await using s = await session({
    client: { encrypt: { key: PSK, role: 'initiator' } },
    server: { encrypt: { key: PSK, role: 'responder' } },
  });
  await Promise.all([s.client.handshake(), s.server.handshake()]);
  const sent = ['the launch code is 0000', 'and the backup is 1234'];
  for (const m of sent) await s.client.send(m);
  await s.client.flush();
  for (const m of sent) expect(Buffer.from(await s.server.recv()).toString()).toBe(m);
  return { frames: [...s.proxy.frames], sent };
}

const controlBody = (f: Frame, type: number): Buffer | undefined =>
  (f.flags & FLAG_CONTROL) !== 0 && f.bytes[f.headerSize] === type
    ? f.bytes.subarray(f.headerSize + 1)
    : undefined;

/** What a passive recording gives: hellos, Noise messages, and the client's records. */
function dissect(rec: Recording) {
  const handshakes = rec.frames.filter((f) => controlBody(f, HANDSHAKE));
  const initiatorSide = (handshakes[0] as Frame).direction;
  expect(initiatorSide).toBe('toServer');
  const hello = (dir: string) =>
    controlBody(
      rec.frames.find((f) => f.direction === dir && controlBody(f, HELLO)) as Frame,
      HELLO,
    ) as Buffer;
  const other = initiatorSide === 'toServer' ? 'toClient' : 'toServer';
  const prologue = Buffer.concat([PROLOGUE_LABEL, hello(initiatorSide), hello(other)]);
  const messages = handshakes.map((f) => controlBody(f, HANDSHAKE) as Buffer);
  const records = rec.frames.filter((f) => f.direction === initiatorSide && isRecord(f));
  return { prologue, messages, records };
}

/** Decrypts the initiator's records with a receiving state; the plaintexts or the failure. */
function tryRecords(receive: CipherState, records: Frame[]): string[] | EncryptionError {
  try {
    return records.map((r) =>
      Buffer.from(
        receive.decrypt(r.bytes.subarray(0, r.headerSize), r.bytes.subarray(r.headerSize)),
      ).toString(),
    );
  } catch (error) {
    expect(error).toBeInstanceOf(EncryptionError);
    return error as EncryptionError;
  }
}

describe('forward secrecy', () => {
  it('a recorded session stays secret from someone holding the PSK', async () => {
    generated.length = 0;
    const rec = await record();
    const { prologue, messages, records } = dissect(rec);
    expect(messages.length).toBe(2);
    expect(records.length).toBeGreaterThanOrEqual(2);
    // The recording itself shows none of the plaintext.
    const wire = Buffer.concat(rec.frames.map((f) => f.bytes));
    for (const m of rec.sent) expect(wire.includes(Buffer.from(m))).toBe(false);

    // 1. With the PSK the attacker can check message 1 (so it has the right PSK and
    //    prologue), answer it with an ephemeral key of its own, and split: wrong keys.
    const responder = new Handshake({ pattern: 'NNpsk0', initiator: false, psk: PSK, prologue });
    responder.readMessage(messages[0] as Buffer);
    responder.writeMessage();
    const asResponder = tryRecords(responder.split().receive, records);
    expect(asResponder).toBeInstanceOf(EncryptionError);
    expect((asResponder as EncryptionError).reason).toBe('tampered');

    // 2. Posing as the initiator, it replays message 1 byte for byte (the recorded public
    //    ephemeral key, with a private key of its own, since it has not the real one): the
    //    responder's message 2 does not authenticate, as its key needs the real `ee`.
    const impostor = new Handshake({
      pattern: 'NNpsk0',
      initiator: true,
      psk: PSK,
      prologue,
      ephemeralKeyPair: {
        publicKey: (messages[0] as Buffer).subarray(0, 32),
        privateKey: crypto.randomBytes(32),
      },
    });
    expect(Buffer.from(impostor.writeMessage()).equals(messages[0] as Buffer)).toBe(true);
    expect(() => impostor.readMessage(messages[1] as Buffer)).toThrow(
      expect.objectContaining({ reason: 'bad-key' }),
    );

    // 3. Keys made from the PSK alone, as a scheme without ephemeral keys would use.
    for (const key of [PSK, crypto.createHash('sha256').update(PSK).digest()])
      for (const cipher of ['ChaChaPoly', 'AESGCM'] as const)
        expect(tryRecords(new CipherState(cipher, key), records)).toBeInstanceOf(EncryptionError);

    // Control: the initiator's ephemeral private key (which forward secrecy keeps from the
    // attacker) and the PSK replay the handshake byte for byte and decrypt the recording.
    const ephemeral = generated
      .map((d): KeyPair => keyPairFromPrivateKey(d))
      .find((kp) => Buffer.from(kp.publicKey).equals((messages[0] as Buffer).subarray(0, 32)));
    expect(ephemeral, 'the initiator ephemeral key was captured').toBeDefined();
    const replay = new Handshake({
      pattern: 'NNpsk0',
      initiator: true,
      psk: PSK,
      prologue,
      ephemeralKeyPair: ephemeral as KeyPair,
    });
    expect(Buffer.from(replay.writeMessage()).equals(messages[0] as Buffer)).toBe(true);
    replay.readMessage(messages[1] as Buffer);
    const plain = tryRecords(replay.split().send, records);
    expect(plain).toEqual(rec.sent);
  });
});
