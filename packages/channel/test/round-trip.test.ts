// Acceptance: round trips over an in-memory pair and over real TCP loopback, with every
// combination of compression (off, deflate, brotli, zstd) and batching (off, on): the empty
// message, 1 byte, 64 KiB, 100 MiB (chunked into frames) and 10,000 mixed-size messages.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel, type ChannelOptions } from '../src/index.js';
import { type Pair, pairMakers } from './pairs.js';

// The 100 MiB message needs a cap above the 64 MiB default.
const MAX = 128 * 1024 * 1024;
const HUNDRED_MIB = 100 * 1024 * 1024;

// Level 1 keeps 16 passes over 100 MiB quick; the default level is exercised elsewhere.
const compressions: [string, ChannelOptions['compress']][] = [
  ['no compression', false],
  ['deflate', { algorithm: 'deflate', level: 1 }],
  ['brotli', { algorithm: 'brotli', level: 1 }],
  ['zstd', { algorithm: 'zstd', level: 1 }],
];
const batchings: [string, ChannelOptions['batch']][] = [
  ['no batching', false],
  ['batching', { size: 10, timeout: 0.005 }],
];

// Compressible, yet every 4 KiB block is stamped with its index, so a lost, repeated or
// reordered frame cannot go unnoticed.
function bigMessage(): Buffer {
  const big = Buffer.allocUnsafe(HUNDRED_MIB);
  big.fill('sluice channel round trip, a compressible line of text.\n');
  for (let at = 0; at < big.length; at += 4096) big.writeUInt32BE(at / 4096, at);
  return big;
}

// Mostly small, some medium and a few large; half text, half noise.
function mixedMessages(count: number): Buffer[] {
  const noise = randomBytes(256 * 1024);
  const text = Buffer.from('mixed message text '.repeat(15_000));
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const r = (i * 7919) % 1000;
    const size = r < 700 ? r % 200 : r < 990 ? 1000 + r * 4 : 100_000 + r * 100;
    const source = i % 2 === 0 ? text : noise;
    const start = (i * 31) % (source.length - size);
    out.push(source.subarray(start, start + size));
  }
  return out;
}

let big: Buffer;
let mixed: Buffer[];
beforeAll(() => {
  big = bigMessage();
  mixed = mixedMessages(10_000);
});
afterAll(() => {
  big = Buffer.alloc(0);
});

async function exchange(tx: Channel, rx: Channel, messages: readonly Uint8Array[]): Promise<void> {
  const sending = (async () => {
    for (const m of messages) await tx.send(m);
    await tx.flush();
  })();
  for (let i = 0; i < messages.length; i++) {
    const got = await rx.recv();
    const want = messages[i]!;
    if (
      got.length !== want.length ||
      !Buffer.from(got.buffer, got.byteOffset, got.length).equals(want)
    ) {
      expect.fail(`message ${i}: got ${got.length} bytes, expected ${want.length}`);
    }
  }
  await sending;
}

describe.each(pairMakers)('over %s', (_kind, makePair) => {
  describe.each(compressions)('%s', (_c, compress) => {
    describe.each(batchings)('%s', (_b, batch) => {
      let pair: Pair;
      let tx: Channel;
      let rx: Channel;
      beforeAll(async () => {
        pair = await makePair();
        const options: ChannelOptions = { compress, batch, maxMessageSize: MAX };
        tx = new Channel(pair.a, options);
        rx = new Channel(pair.b, options);
      });
      afterAll(() => pair.dispose());

      it('the empty message, 1 byte and 64 KiB', async () => {
        await exchange(tx, rx, [Buffer.alloc(0), Buffer.from([0xab]), randomBytes(64 * 1024)]);
      });

      it('a 100 MiB message, chunked into frames', async () => {
        await exchange(tx, rx, [big]);
      });

      it('10,000 mixed-size messages, in order', async () => {
        await exchange(tx, rx, mixed);
      });

      it('both directions at once, then a clean end', async () => {
        await Promise.all([
          exchange(tx, rx, mixed.slice(0, 500)),
          exchange(rx, tx, mixed.slice(500, 1000)),
        ]);
        await tx.close();
        await expect(rx.recv()).rejects.toMatchObject({ name: 'ConnectionLostError' });
      });
    });
  });
});
