// Encrypted channels end to end over real TCP loopback: each key mode, both ciphers, with
// compression and batching, roles settled by the peers, the authenticated end of stream,
// rekeying, and the failures a user meets (a wrong key, a pinned peer, a mismatch, a v1 peer).
import { EncryptionError, ProtocolError } from '@sluice/stream-core';
import { createStreamPair } from '@sluice/stream-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Channel,
  type ChannelOptions,
  EncryptedChannel,
  FLAG_BATCH,
  FLAG_ENCRYPTED,
  FLAG_FINAL,
  generateKey,
  generateKeyPair,
} from '../../src/index.js';
import { type Pair, tcpPair } from '../pairs.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.dispose();
  pair = undefined;
});

async function channels(a: ChannelOptions, b: ChannelOptions = a): Promise<[Channel, Channel]> {
  pair = await tcpPair();
  return [new Channel(pair.a, a), new Channel(pair.b, b)];
}

const text = (m: Uint8Array): string => Buffer.from(m).toString();

async function roundTrip(x: Channel, y: Channel, messages: readonly Uint8Array[]): Promise<void> {
  const sending = (async () => {
    for (const m of messages) await x.send(m);
    await x.flush();
  })();
  for (const m of messages) expect(Buffer.from(await y.recv()).equals(m)).toBe(true);
  await sending;
}

const sample = (): Uint8Array[] => [
  Buffer.from('hello'),
  Buffer.alloc(0),
  Buffer.from('compressible text, '.repeat(5000)),
  new Uint8Array(700_000).map((_, i) => (i * 7) & 0xff),
];

describe('encrypted channels over TCP', () => {
  const key = generateKey();
  it.each<[string, ChannelOptions]>([
    ['NNpsk0 ChaChaPoly', { encrypt: { key } }],
    [
      'NNpsk0 AESGCM, zstd, batching',
      { encrypt: { key, cipher: 'AESGCM' }, compress: 'zstd', batch: { size: 4, timeout: 0.001 } },
    ],
    ['NNpsk0, small frames', { encrypt: { key }, frameSize: 4096 }],
  ])('%s: messages both ways, the same handshake hash on both ends', async (_name, options) => {
    const [x, y] = await channels(options);
    await roundTrip(x, y, sample());
    await roundTrip(y, x, sample());
    expect(x.handshakeHash).toHaveLength(32);
    expect(Buffer.from(x.handshakeHash!).equals(y.handshakeHash!)).toBe(true);
  });

  it('identity mode (XX) with pinned peers, and XXpsk3 with a key as well', async () => {
    const alice = generateKeyPair();
    const bob = generateKeyPair();
    for (const psk of [undefined, key]) {
      const [x, y] = await channels(
        {
          encrypt: {
            staticKeyPair: alice,
            allowedPeers: [bob.publicKey],
            ...(psk ? { key: psk } : {}),
          },
        },
        {
          encrypt: {
            staticKeyPair: bob,
            allowedPeers: (k) => Buffer.from(k).equals(alice.publicKey),
            ...(psk ? { key: psk } : {}),
          },
        },
      );
      await roundTrip(x, y, [Buffer.from('who are you?')]);
      expect(Buffer.from(y.remoteStaticKey!).equals(alice.publicKey)).toBe(true);
      expect(Buffer.from(x.remoteStaticKey!).equals(bob.publicKey)).toBe(true);
      await pair!.dispose();
    }
  });

  it('a peer key that is not allowed fails the handshake with peer-not-allowed', async () => {
    const [x, y] = await channels(
      {
        encrypt: { staticKeyPair: generateKeyPair(), allowedPeers: [generateKeyPair().publicKey] },
      },
      { encrypt: { staticKeyPair: generateKeyPair(), allowedPeers: () => true } },
    );
    const [ex, ey] = await Promise.all([
      x.handshake().catch((e: unknown) => e),
      y.handshake().catch((e: unknown) => e),
    ]);
    expect(ex).toBeInstanceOf(EncryptionError);
    expect((ex as EncryptionError).reason).toBe('peer-not-allowed');
    // The XX initiator is done once it sent its last message: it learns of the refusal from
    // the responder's alert, on its next call.
    const told = ey ?? (await y.recv().catch((e: unknown) => e));
    expect(told).toMatchObject({ reason: 'peer-not-allowed' });
    expect(x.closed).toBe(true);
  });

  it('a wrong key fails with bad-key before any message is delivered', async () => {
    const [x, y] = await channels({ encrypt: { key } }, { encrypt: { key: generateKey() } });
    void x.send('secret').catch(() => {});
    const errors = await Promise.all([
      x.recv().catch((e: unknown) => e),
      y.recv().catch((e: unknown) => e),
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(EncryptionError);
      expect((error as EncryptionError).reason).toBe('bad-key');
    }
  });

  it('differing options fail with version-mismatch naming both sides', async () => {
    const [x, y] = await channels({ encrypt: { key } }, { encrypt: { key, cipher: 'AESGCM' } });
    const [ex] = await Promise.all([
      x.handshake().catch((e: unknown) => e),
      y.handshake().catch(() => {}),
    ]);
    expect(ex).toMatchObject({
      reason: 'version-mismatch',
      message: expect.stringMatching(/AESGCM.*ChaChaPoly/),
    });
  });

  it('role overrides the tie-break; two sides insisting on the same role is refused', async () => {
    const [x, y] = await channels(
      { encrypt: { key, role: 'responder' } },
      { encrypt: { key, role: 'initiator' } },
    );
    await roundTrip(y, x, [Buffer.from('initiated by y')]);
    await pair!.dispose();
    const [p, q] = await channels({ encrypt: { key, role: 'initiator' } });
    const [ep] = await Promise.all([
      p.handshake().catch((e: unknown) => e),
      q.handshake().catch(() => {}),
    ]);
    expect(ep).toMatchObject({
      reason: 'version-mismatch',
      message: expect.stringMatching(/both sides asked/),
    });
  });

  it('a plain channel talking to an encrypted one: a clear error on both sides', async () => {
    const [x, y] = await channels({ encrypt: { key, handshakeTimeoutMs: 300 } }, {});
    const [ex, ey] = await Promise.all([
      x.handshake().catch((e: unknown) => e),
      y.recv().catch((e: unknown) => e),
    ]);
    expect(ey).toBeInstanceOf(ProtocolError);
    expect((ey as Error).message).toMatch(/no `encrypt` option/);
    expect(ex).toBeInstanceOf(EncryptionError);
  });

  it("close() is the authenticated end: the peer's iteration ends quietly; a cut is 'truncated'", async () => {
    const [x, y] = await channels({ encrypt: { key } });
    await x.send('one');
    await x.close();
    const got: string[] = [];
    for await (const m of y) got.push(text(m));
    expect(got).toEqual(['one']);

    const [p, q] = await channels({ encrypt: { key } });
    await p.send('two');
    await p.flush();
    expect(text(await q.recv())).toBe('two');
    pair!.a.destroy(); // cut, not closed
    const error = await q.recv().catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'truncated' });
    expect(q.closed).toBe(true);
  });

  it('rekeys after the configured number of records, transparently', async () => {
    const [x, y] = await channels({ encrypt: { key, rekey: { records: 3 } } });
    const messages = Array.from({ length: 20 }, (_, i) => Buffer.from(`m${i}`));
    await roundTrip(x, y, messages);
    await roundTrip(y, x, messages);
  });

  it('the seed face: EncryptedChannel(stream, key) on both ends, each compressing its own way', async () => {
    pair = await tcpPair();
    const p = new EncryptedChannel(pair.a, key);
    const q = new EncryptedChannel(pair.b, key, { compress: 'brotli' });
    await p.send('top secret');
    expect(text(await q.recv())).toBe('top secret');
    const long = Buffer.from('compressible '.repeat(1000));
    await q.send(long);
    expect(Buffer.from(await p.recv()).equals(long)).toBe(true);
  });

  it('with batching, one sealed record (one AEAD call) carries a whole batch', async () => {
    const [a, b] = createStreamPair();
    const tx = new Channel(a, { encrypt: { key }, batch: { size: 10, timeoutMs: 60_000 } });
    const rx = new Channel(b, { encrypt: { key } });
    await Promise.all([tx.handshake(), rx.handshake()]);
    for (let i = 0; i < 10; i++) await tx.send(`message ${i}`);
    await tx.flush();
    await b.poll(1000);
    const pieces: Uint8Array[] = [];
    for (let p = b.read(); p && p.length > 0; p = b.read()) pieces.push(p);
    const wire = Buffer.concat(pieces);
    // Walk the frames: one encrypted data frame, flagged as a batch.
    const frames: number[] = [];
    for (let at = 0; at < wire.length; ) {
      const flags = wire[at + 1]!;
      frames.push(flags);
      at += (flags & 0x40 ? 14 : 6) + wire.readUInt32BE(at + 2);
    }
    expect(frames).toEqual([FLAG_ENCRYPTED | FLAG_BATCH | FLAG_FINAL]);
    a.destroy();
    b.destroy();
  });

  it('no plaintext on the wire', async () => {
    pair = await tcpPair();
    const seen: Buffer[] = [];
    const socket = (pair.a as unknown as { underlying: NodeJS.WritableStream }).underlying;
    const write = socket.write.bind(socket);
    (socket as { write: unknown }).write = (chunk: Buffer, ...rest: unknown[]) => {
      seen.push(Buffer.from(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    };
    const x = new Channel(pair.a, { encrypt: { key } });
    const y = new Channel(pair.b, { encrypt: { key } });
    await x.send('top secret, top secret, top secret');
    expect(text(await y.recv())).toMatch(/^top secret/);
    expect(Buffer.concat(seen).includes('top secret')).toBe(false);
  });
});
