// Acceptance: a receiver that stops reading makes `send` wait, and memory stays bounded.
import { randomBytes } from 'node:crypto';
import type { Stream } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { Channel } from '../src/index.js';
import { pairMakers } from './pairs.js';

// Resolves once the stream's write queue is full: the sender is being held back. A queue
// filling up emits no readiness event, so this checks once per event-loop turn (no timers).
async function writeBlocked(stream: Stream): Promise<void> {
  while (stream.readyToWrite()) await new Promise((resolve) => setImmediate(resolve));
}

const BOUND = 256 * 1024;

describe.each(pairMakers)('over %s', (_kind, makePair) => {
  it('send waits while the receiver does not read, with bounded buffers; reading releases it', async () => {
    const pair = await makePair({ maxBufferSize: BOUND });
    try {
      const tx = new Channel(pair.a, { maxMessageSize: 64 * 1024 * 1024 });
      const rx = new Channel(pair.b, { maxMessageSize: 64 * 1024 * 1024 });
      // Far more than every buffer on the way can hold (stream bounds, socket, kernel).
      const message = randomBytes(48 * 1024 * 1024);
      let accepted = false;
      const sending = tx.send(message).then(() => {
        accepted = true;
      });
      await writeBlocked(pair.a);
      expect(accepted).toBe(false);
      // Nothing grows past its bound while the receiver is idle.
      expect(pair.a.bufferedWriteBytes).toBeLessThanOrEqual(BOUND);
      expect(pair.b.bufferedReadBytes).toBeLessThanOrEqual(BOUND + 64 * 1024);
      const rss = process.memoryUsage().rss;
      // The receiver resumes: the send completes and the message is intact.
      const got = await rx.recv();
      await sending;
      expect(accepted).toBe(true);
      expect(Buffer.compare(got, message)).toBe(0);
      expect(process.memoryUsage().rss - rss).toBeLessThan(256 * 1024 * 1024);
    } finally {
      await pair.dispose();
    }
  });

  it('many small sends stop being accepted once the buffers fill', async () => {
    const pair = await makePair({ maxBufferSize: BOUND });
    try {
      const tx = new Channel(pair.a);
      const rx = new Channel(pair.b);
      const message = Buffer.alloc(16 * 1024, 1);
      let accepted = 0;
      const blocked = writeBlocked(pair.a).then(() => 'blocked' as const);
      for (;;) {
        const r = await Promise.race([tx.send(message).then(() => 'sent' as const), blocked]);
        if (r === 'blocked') break;
        accepted++;
        if (accepted > 100_000) expect.fail('send never waited');
      }
      // Accepted bytes are bounded by the buffers in between, not by what the sender wants.
      expect(accepted * message.length).toBeLessThan(64 * 1024 * 1024);
      for (let i = 0; i <= accepted; i++) expect((await rx.recv()).length).toBe(message.length);
    } finally {
      await pair.dispose();
    }
  });
});
