// The seed's performance stack (issue 13, item 4): SocketStream → BufferedStream(32768) →
// BatchingChannel(20, 0.05), used for request/response as RPyC does. Here `SocketStream` is
// stream-core's `Stream` over a real TCP socket (transports' SocketStream is that class).
import { BufferedStream, type Stream } from '@sluice/stream-core';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchingChannel, Channel } from '../src/index.js';
import { type Pair, tcpPair } from './pairs.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.dispose();
  pair = undefined;
});

// The server answers each request with "re:" and the request.
async function serve(stream: Stream): Promise<void> {
  const server = new Channel(stream);
  for await (const request of server) {
    await server.send(Buffer.concat([Buffer.from('re:'), request]));
  }
}

async function calls(client: BatchingChannel, count: number): Promise<string[]> {
  const replies: string[] = [];
  for (let i = 0; i < count; i++) {
    await client.send(`quick_operation(${i})`);
    replies.push(Buffer.from(await client.recv()).toString());
  }
  return replies;
}

describe('the seed stack: SocketStream → BufferedStream(32768) → BatchingChannel(20, 0.05)', () => {
  it('request/response works: a waiting recv() sends the batch and what the buffer holds', async () => {
    pair = await tcpPair();
    void serve(pair.b).catch(() => {});
    const client = new BatchingChannel(new BufferedStream(pair.a, 32768), 20, 0.05);
    const replies = await calls(client, 50);
    expect(replies).toEqual(Array.from({ length: 50 }, (_, i) => `re:quick_operation(${i})`));
  });

  it('pays no batch timeout per call: 20 calls with a 60 s batch timeout finish at once', async () => {
    pair = await tcpPair();
    void serve(pair.b).catch(() => {});
    const client = new BatchingChannel(new BufferedStream(pair.a, 32768), 20, 60);
    const started = performance.now();
    expect(await calls(client, 20)).toHaveLength(20);
    // One batch timeout would be 60 s; the test's own limit is far below it.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('flush() pushes batched messages through the buffering stream', async () => {
    pair = await tcpPair();
    const client = new BatchingChannel(new BufferedStream(pair.a, 32768), 20, 60);
    const server = new Channel(pair.b);
    await client.send('one');
    await client.send('two');
    await client.flush();
    expect(Buffer.from(await server.recv()).toString()).toBe('one');
    expect(Buffer.from(await server.recv()).toString()).toBe('two');
  });
});
