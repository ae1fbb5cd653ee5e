// Compression off for one message (SECURITY.md, "Compression and secrets"): a secret sent
// next to attacker-chosen bytes must not share a compression context with them.
import { createStreamPair } from '@sluice/stream-core/testing';
import { describe, expect, it } from 'vitest';
import { Channel, FLAG_COMPRESSED, FrameDecoder } from '../src/index.js';

const text = Buffer.from('secret=hunter2; '.repeat(400));

// The frames a channel wrote, as the peer's decoder sees them (flags included).
async function framesSent(send: (tx: Channel) => Promise<void>, compress: object) {
  const [a, b] = createStreamPair();
  const tx = new Channel(a, compress);
  await send(tx);
  await tx.flush();
  const decoder = new FrameDecoder();
  const flags: number[] = [];
  while (flags.length < 2) {
    const chunk = await b.readExactly(1).then(async (first) => {
      const rest = b.read(1 << 20);
      return rest && rest.length > 0 ? Buffer.concat([first, rest]) : first;
    });
    decoder.push(chunk);
    for (let m = decoder.shift(); m; m = decoder.shift()) flags.push(m.flags);
  }
  a.destroy();
  b.destroy();
  return flags;
}

describe('send(message, { compress: false })', () => {
  it('sends that message uncompressed, the others compressed as configured', async () => {
    const flags = await framesSent(
      async (tx) => {
        await tx.send(text, { compress: false });
        await tx.send(text);
      },
      { compress: { algorithm: 'deflate', threshold: 0 } },
    );
    expect(flags[0]! & FLAG_COMPRESSED).toBe(0);
    expect(flags[1]! & FLAG_COMPRESSED).toBe(FLAG_COMPRESSED);
  });

  it('takes it out of a batch, keeping the order', async () => {
    const [a, b] = createStreamPair();
    const tx = new Channel(a, { compress: { algorithm: 'deflate', threshold: 0 }, batch: true });
    const rx = new Channel(b);
    await tx.send('one');
    await tx.send(text, { compress: false });
    await tx.send('three');
    await tx.flush();
    expect(Buffer.from(await rx.recv()).toString()).toBe('one');
    expect(Buffer.compare(Buffer.from(await rx.recv()), text)).toBe(0);
    expect(Buffer.from(await rx.recv()).toString()).toBe('three');
    a.destroy();
    b.destroy();
  });

  it('works on an encrypted channel', async () => {
    const [a, b] = createStreamPair();
    const key = new Uint8Array(32).fill(7);
    const tx = new Channel(a, { encrypt: { key }, compress: 'deflate' });
    const rx = new Channel(b, { encrypt: { key } });
    await tx.send(text, { compress: false });
    expect(Buffer.compare(Buffer.from(await rx.recv()), text)).toBe(0);
    await tx.close();
    await rx.close();
  });

  it('refuses an unknown send option by name', async () => {
    const [a, b] = createStreamPair();
    const tx = new Channel(a);
    await expect(tx.send('x', { compres: false } as never)).rejects.toThrow(/'compres'/);
    a.destroy();
    b.destroy();
  });
});
