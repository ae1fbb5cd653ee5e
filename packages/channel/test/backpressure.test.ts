// Acceptance: a receiver that stops reading makes `send` wait, and memory stays bounded.
import { randomBytes } from 'node:crypto';
import type { Stream } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { Channel } from '../src/index.js';
import { pairMakers } from './pairs.js';

// Resolves once the receiver's read buffer is full (its source is paused) and the sender's
// transport is asking for 'drain': the sender is being held back. Buffers filling up emit no
// event, so this checks once per event-loop turn (no timers).
async function blocked(tx: Stream, rx: Stream): Promise<void> {
  while (!(rx.bufferedReadBytes >= BOUND && tx.underlying.writableNeedDrain)) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

// What the sender holds: the stream's queue and the Node writable's buffer.
const held = (tx: Stream): number => tx.bufferedWriteBytes + tx.underlying.writableLength;

const BOUND = 256 * 1024;

describe.each(pairMakers)('over %s', (_kind, makePair) => {
  it('send waits while the receiver does not read, with bounded buffers; reading releases it', async () => {
    const pair = await makePair({ maxBufferSize: BOUND });
    try {
      const tx = new Channel(pair.a, { maxMessageSize: 64 * 1024 * 1024 });
      const rx = new Channel(pair.b, { maxMessageSize: 64 * 1024 * 1024 });
      // Far more than every buffer on the way can hold (stream bounds, socket, kernel).
      const message = randomBytes(48 * 1024 * 1024);
      const buffersBefore = process.memoryUsage().arrayBuffers;
      let accepted = false;
      const sending = tx.send(message).then(() => {
        accepted = true;
      });
      await blocked(pair.a, pair.b);
      expect(accepted).toBe(false);
      // Nothing grows past its bound while the receiver is idle: the sender holds views of
      // the one message being sent (no copy of it), the receiver at most its read bound.
      expect(held(pair.a)).toBeLessThanOrEqual(message.length + 1024 * 1024);
      expect(process.memoryUsage().arrayBuffers - buffersBefore).toBeLessThan(8 * 1024 * 1024);
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
      const stalled = blocked(pair.a, pair.b).then(() => 'blocked' as const);
      for (;;) {
        const r = await Promise.race([tx.send(message).then(() => 'sent' as const), stalled]);
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
