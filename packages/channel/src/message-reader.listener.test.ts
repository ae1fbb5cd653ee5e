// The reader waits on its stream through one readiness listener for its whole life (one per
// wait was most of a large message's garbage), and lets go of it once the stream is done.
import type { Stream } from '@sluice/stream-core';
import { createStreamPair } from '@sluice/stream-core/testing';
import { describe, expect, it } from 'vitest';
import { Channel } from './channel.js';

// Counts the readiness listeners registered on `stream`, and those still registered.
function countListeners(stream: Stream): { added: number; live: number } {
  const counts = { added: 0, live: 0 };
  const listen = stream.onReadiness.bind(stream);
  stream.onReadiness = (listener) => {
    counts.added++;
    counts.live++;
    const off = listen(listener);
    let done = false;
    return () => {
      if (!done) counts.live--;
      done = true;
      off();
    };
  };
  return counts;
}

describe('MessageReader readiness listener', () => {
  it('registers one listener for many waits, and drops it at the end of the stream', async () => {
    const [a, b] = createStreamPair();
    const counts = countListeners(b);
    const tx = new Channel(a);
    const rx = new Channel(b);
    for (let i = 0; i < 5; i++) {
      const got = rx.recv(); // waits: nothing has been sent yet
      await tx.send(`message ${i}`);
      expect(Buffer.from(await got).toString()).toBe(`message ${i}`);
    }
    expect(counts.added).toBe(1);
    const end = rx.recv();
    await tx.close();
    await expect(end).rejects.toThrow();
    expect(counts.live).toBe(0);
    b.destroy();
  });

  it('wakes a waiting recv when the channel closes, then drops the listener', async () => {
    const [a, b] = createStreamPair();
    const counts = countListeners(b);
    const rx = new Channel(b);
    const waiting = rx.recv();
    await rx.close();
    await expect(waiting).rejects.toThrow();
    expect(counts.live).toBe(0);
    a.destroy();
  });
});
