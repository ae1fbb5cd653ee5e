// A hostile peer against a receiver with default options, over real TCP loopback (issue 17,
// items 1 and 4): what the peer sends is raw bytes, written as an attacker would.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { brotliCompressSync, constants } from 'node:zlib';
import { CompressionError } from '@sluice/stream-core';
import { afterEach, describe, expect, it } from 'vitest';
import { Channel } from '../src/index.js';
import { type Pair, tcpPair } from './pairs.js';

const pairs: Pair[] = [];
afterEach(async () => {
  await Promise.all(pairs.splice(0).map((p) => p.dispose()));
});

// One message of `count` bytes as `count` 1-byte frames: the first announces the total.
function tinyFrames(count: number): Buffer {
  const wire = Buffer.allocUnsafe(15 + (count - 1) * 7);
  wire.set([2, 0x40, 0, 0, 0, 1], 0);
  wire.writeBigUInt64BE(BigInt(count), 6);
  wire[14] = 0x61;
  for (let i = 1, at = 15; i < count; i++, at += 7) {
    wire[at] = 2;
    wire[at + 1] = i === count - 1 ? 0x01 : 0x00;
    wire.writeUInt32BE(1, at + 2);
    wire[at + 6] = 0x61;
  }
  return wire;
}

describe('a hostile peer, default options, over TCP', () => {
  it('one message as 2 million 1-byte frames moves RSS by less than 3x the bytes received', async () => {
    const count = 2_000_000;
    const wire = tinyFrames(count);
    const pair = await tcpPair();
    pairs.push(pair);
    const rx = new Channel(pair.b);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const writing = pair.a.writeAll(wire);
    const message = await rx.recv();
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    await writing;
    expect(message.length).toBe(count);
    expect(message.every((b) => b === 0x61)).toBe(true);
    expect(peak - before).toBeLessThan(3 * wire.length);
  });

  it('20 small brotli bombs arriving at once hold the event loop for at most a few milliseconds', async () => {
    // 128 MiB of zeros in ~200 bytes: each inflates past the 64 MiB default cap.
    const bomb = brotliCompressSync(Buffer.alloc(128 * 1024 * 1024), {
      params: { [constants.BROTLI_PARAM_QUALITY]: 5 },
    });
    const frame = Buffer.alloc(6 + bomb.length);
    frame.set([2, 0x04 | (1 << 4) | 0x01], 0); // COMPRESSED, brotli, FINAL
    frame.writeUInt32BE(bomb.length, 2);
    frame.set(bomb, 6);
    for (let i = 0; i < 20; i++) pairs.push(await tcpPair());
    const receivers = pairs.map((p) => new Channel(p.b));
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const outcomes = Promise.all(receivers.map((rx) => rx.recv().catch((e: unknown) => e)));
    await Promise.all(pairs.map((p) => p.a.writeAll(frame)));
    const errors = await outcomes;
    // One more timer turn, so that a stall that lasted until now is in the histogram.
    await new Promise((resolve) => setTimeout(resolve, 2));
    delay.disable();
    for (const error of errors) {
      expect(error).toBeInstanceOf(CompressionError);
      expect((error as Error).message).toMatch(/more than maxMessageSize/);
    }
    // Before the output budget, each bomb held the loop 130-260 ms (unloaded), back to back:
    // 3-5 s of solid blocking for the 20 (one delay of that size). Now each synchronous call
    // stops within a few ms and the rest runs on the pool. The margins are for a shared,
    // loaded 2-core machine, whose scheduler alone stalls a process ~100 ms now and then.
    expect(delay.max / 1e6).toBeLessThan(500);
    expect(delay.percentile(90) / 1e6).toBeLessThan(50);
  });
});
