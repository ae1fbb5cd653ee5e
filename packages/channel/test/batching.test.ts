// Acceptance: 100,000 64-byte messages cause at most 100,000 / batchSize + 1 writes on the
// underlying stream; a lone message goes out within batchTimeout. Fake timers, not sleeps.
import { createStreamPair } from '@sluice/stream-core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchingChannel, Channel } from '../src/index.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

// Counts writes where they reach the transport: on the Node stream under the sender's
// `Stream` (every byte the channel sends goes through it, corked or not).
function countedPair() {
  const [a, b] = createStreamPair();
  const writes = { count: 0 };
  const node = a.underlying;
  const write = node.write.bind(node) as (chunk: unknown) => boolean;
  node.write = ((chunk: unknown) => {
    writes.count++;
    return write(chunk);
  }) as typeof node.write;
  return { a, b, writes };
}

describe('batching', () => {
  it.each([10, 7])(
    '100,000 64-byte messages take at most 100,000 / %i + 1 writes, arriving in order',
    async (batchSize) => {
      const { a, b, writes } = countedPair();
      const tx = new BatchingChannel(a, batchSize);
      const rx = new Channel(b);
      const total = 100_000;
      const receiving = (async () => {
        for (let i = 0; i < total; i++) {
          const m = await rx.recv();
          if (m.length !== 64 || Buffer.from(m).readUInt32BE(0) !== i)
            expect.fail(`message ${i} out of order`);
        }
      })();
      const message = Buffer.alloc(64, 0x61);
      for (let i = 0; i < total; i++) {
        const m = Buffer.from(message);
        m.writeUInt32BE(i, 0);
        await tx.send(m);
      }
      // A partial last batch leaves on its timer.
      await vi.advanceTimersByTimeAsync(100);
      await receiving;
      expect(writes.count).toBeLessThanOrEqual(Math.floor(total / batchSize) + 1);
      expect(writes.count).toBeGreaterThanOrEqual(Math.ceil(total / batchSize));
      a.destroy();
      b.destroy();
    },
  );

  it('a lone message goes out within batchTimeout, not before its batch could fill', async () => {
    const { a, b, writes } = countedPair();
    const tx = new BatchingChannel(a); // batchSize 10, batchTimeout 0.1 s
    const rx = new Channel(b);
    await tx.send('lonely');
    await vi.advanceTimersByTimeAsync(99);
    expect(writes.count).toBe(0);
    expect(await rx.poll(0)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(writes.count).toBe(1);
    expect(Buffer.from(await rx.recv()).toString()).toBe('lonely');
    a.destroy();
    b.destroy();
  });

  it('flush() sends at once; a full batch goes without waiting for the timer', async () => {
    const { a, b, writes } = countedPair();
    const tx = new Channel(a, { batch: { size: 3, timeout: 10 } });
    const rx = new Channel(b);
    await tx.send('one');
    await tx.flush();
    expect(writes.count).toBe(1);
    for (const m of ['a', 'b', 'c']) await tx.send(m);
    expect(writes.count).toBe(2);
    const got = [];
    for (let i = 0; i < 4; i++) got.push(Buffer.from(await rx.recv()).toString());
    expect(got).toEqual(['one', 'a', 'b', 'c']);
    a.destroy();
    b.destroy();
  });

  it('a large message flushes the batch before it, keeping order', async () => {
    const [a, b] = createStreamPair();
    const tx = new Channel(a, { batch: { size: 10, timeout: 10, maxMessage: 100 } });
    const rx = new Channel(b);
    await tx.send('small');
    await tx.send(Buffer.alloc(1000, 0x62));
    const first = await rx.recv();
    expect(Buffer.from(first).toString()).toBe('small');
    expect((await rx.recv()).length).toBe(1000);
    a.destroy();
    b.destroy();
  });
});
