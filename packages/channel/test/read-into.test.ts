// Large messages over a stream that can read into memory the channel chooses (a socket read
// through `SocketReads`) land straight in their own buffers: no second copy per message.
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { Channel, generateKey } from '../src/index.js';
import { CipherState } from '../src/noise/index.js';
import { tcpPair } from './pairs.js';

/** Records every chunk the channel takes from `stream`. */
function recordReads(stream: { read(n?: number): Uint8Array | null }): Uint8Array[] {
  const seen: Uint8Array[] = [];
  const read = stream.read.bind(stream);
  stream.read = (n?: number) => {
    const chunk = read(n);
    if (chunk !== null && chunk.length > 0) seen.push(chunk);
    return chunk;
  };
  return seen;
}

/** Sends `sent` from `tx`, receives as many on `rx`, and checks they arrived intact. */
async function exchange(tx: Channel, rx: Channel, sent: Buffer[]): Promise<Uint8Array[]> {
  const sending = (async () => {
    for (const m of sent) await tx.send(m);
    await tx.flush();
  })();
  const got: Uint8Array[] = [];
  for (let i = 0; i < sent.length; i++) got.push(await rx.recv());
  await sending;
  for (let i = 0; i < sent.length; i++) expect(Buffer.from(got[i]!).equals(sent[i]!)).toBe(true);
  return got;
}

describe('Channel over a stream that reads into chosen memory', () => {
  it('receives large messages in the very memory the socket read them into', async () => {
    const pair = await tcpPair({}, true);
    const seen = recordReads(pair.b);
    const tx = new Channel(pair.a);
    const rx = new Channel(pair.b);
    const sent = Array.from({ length: 32 }, (_, i) => randomBytes(64 * 1024 + i * 997));
    const got = await exchange(tx, rx, sent);
    // A message the socket read into holds the very chunks read() handed out. Timing may
    // make the odd message arrive by an ordinary read; most may not.
    const direct = got.filter((m) => seen.some((chunk) => chunk.buffer === m.buffer));
    expect(direct.length).toBeGreaterThanOrEqual(sent.length / 2);
    await pair.dispose();
  });

  it('reads chunked messages in place too: their first frame announces the total size', async () => {
    const pair = await tcpPair({}, true);
    const seen = recordReads(pair.b);
    const tx = new Channel(pair.a, { frameSize: 256 * 1024 });
    const rx = new Channel(pair.b);
    const sent = Array.from({ length: 4 }, () => randomBytes(4 * 1024 * 1024 + 123));
    const got = await exchange(tx, rx, sent);
    // Most of each 4 MiB message (17 frames) was read by the socket straight into its buffer.
    for (const m of got) {
      const inPlace = seen
        .filter((chunk) => chunk.buffer === m.buffer)
        .reduce((n, chunk) => n + chunk.length, 0);
      expect(inPlace).toBeGreaterThan(m.length / 2);
    }
    await pair.dispose();
  });

  it('reads large encrypted records in place: the ciphertext opened is the memory read into', async () => {
    const pair = await tcpPair({}, true);
    const seen = recordReads(pair.b);
    const key = generateKey();
    const tx = new Channel(pair.a, { encrypt: { key } });
    const rx = new Channel(pair.b, { encrypt: { key } });
    await Promise.all([tx.handshake(), rx.handshake()]);
    // Watches (and still runs) the real decryption, to see which memory each record is in.
    const decrypt = vi.spyOn(CipherState.prototype, 'decrypt');
    try {
      const sent = Array.from({ length: 32 }, (_, i) => randomBytes(64 * 1024 + i * 997));
      await exchange(tx, rx, sent);
      const records = decrypt.mock.calls.map(([, record]) => record).filter((r) => r.length > 1024);
      expect(records.length).toBe(sent.length);
      // A record the socket read into is opened in the very chunks read() handed out. No record
      // fits in an ordinary read (64 KiB), so without that each would be a copy of its own.
      // The first straddles an ordinary read; timing may make the odd other one do so too.
      const direct = records.filter((r) => seen.some((chunk) => chunk.buffer === r.buffer));
      expect(direct.length).toBeGreaterThanOrEqual(sent.length / 2);
    } finally {
      decrypt.mockRestore();
      await pair.dispose();
    }
  });

  it('small messages are not read one system call each', async () => {
    const pair = await tcpPair({}, true);
    const seen = recordReads(pair.b);
    const tx = new Channel(pair.a);
    const rx = new Channel(pair.b);
    const count = 20_000;
    const sending = (async () => {
      for (let i = 0; i < count; i++) await tx.send(Buffer.alloc(100, i & 0xff));
      await tx.flush();
    })();
    for (let i = 0; i < count; i++) expect((await rx.recv())[0]).toBe(i & 0xff);
    await sending;
    // 2 MB of 106-byte frames: a few dozen reads, not one per message that crossed a read.
    expect(seen.length).toBeLessThan(count / 20);
    await pair.dispose();
  });
});
