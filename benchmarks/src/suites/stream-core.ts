// stream-core: Pump.run vs Node's stream.pipeline, both moving the same bytes from one Unix
// socket pair to another (producer → [socket pair] → pump/pipeline → [socket pair] →
// consumer). pipeline is the limit: Node's own pipe with backpressure and no extra work.
// Each iteration makes fresh socket pairs for both sides, so both pay the same set-up.
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Pump, Stream } from '@sluice/stream-core';
import { unixSocketPair } from '@sluice/stream-core/testing';
import type { BenchCase, BenchSuite } from '../harness.js';

const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

/** Writes `total` bytes into `socket` with backpressure, then ends it. */
async function produce(socket: Socket, total: number): Promise<void> {
  for (let sent = 0; sent < total; sent += CHUNK.length) {
    if (!socket.write(CHUNK)) {
      await new Promise<void>((resolve) => socket.once('drain', resolve));
    }
  }
  socket.end();
}

/** Counts bytes until end of stream; fails if the count is not `total`. */
function consume(socket: Socket, total: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    socket.once('error', reject);
    socket.once('end', () => {
      socket.destroy();
      if (received === total) resolve();
      else reject(new Error(`received ${received} of ${total} bytes`));
    });
  });
}

/** One transfer of `total` bytes with `move` doing the middle hop. */
async function transfer(
  total: number,
  move: (from: Socket, to: Socket) => Promise<unknown>,
): Promise<void> {
  const [[producer, fromSocket], [toSocket, consumer]] = await Promise.all([
    unixSocketPair(),
    unixSocketPair(),
  ]);
  const done = consume(consumer, total);
  const producing = produce(producer, total);
  await move(fromSocket, toSocket);
  await Promise.all([producing, done]);
  producer.destroy();
}

function pumpCase(total: number): BenchCase {
  const label = `${total / (1024 * 1024)} MiB, Unix socket → Unix socket`;
  return {
    name: `Pump.run, ${label}`,
    bytes: total,
    sluice: () => transfer(total, (from, to) => new Pump(new Stream(from), new Stream(to)).run()),
    limit: () => transfer(total, (from, to) => pipeline(from, to)),
    goal: { limit: 0.9 },
  };
}

export const suite: BenchSuite = {
  name: 'stream-core',
  cases: [pumpCase(64 * 1024 * 1024)],
};
