// Connected stream pairs for the channel tests: in memory, and real TCP loopback on port 0.
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { SocketReads, Stream, type StreamOptions } from '@sluice/stream-core';
import { createStreamPair } from '@sluice/stream-core/testing';

/** Two connected streams and a function that releases everything they hold. */
export interface Pair {
  kind: 'memory' | 'tcp' | 'tcp-onread';
  a: Stream;
  b: Stream;
  dispose(): Promise<void>;
}

export function memoryPair(options: StreamOptions = {}): Pair {
  const [a, b] = createStreamPair(options);
  return {
    kind: 'memory',
    a,
    b,
    async dispose() {
      a.destroy();
      b.destroy();
    },
  };
}

/**
 * Two `Stream`s over a real loopback TCP connection (Nagle off, as a batching user would).
 * `onread`: `b` (the side the tests receive on) reads through `SocketReads`, so a channel on
 * it reads large messages straight into their buffers, as over the transports' sockets.
 */
export async function tcpPair(options: StreamOptions = {}, onread = false): Promise<Pair> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const reads = onread ? new SocketReads() : undefined;
  const client = connect({ port, host: '127.0.0.1', ...(reads ? { onread: reads.onread } : {}) });
  await once(client, 'connect');
  const [serverSide] = await accepted;
  server.close();
  for (const s of [client, serverSide]) s.setNoDelay(true);
  const a = reads ? new Stream(serverSide, options) : new Stream(client, options);
  const b = reads ? new Stream(client, { ...options, reads }) : new Stream(serverSide, options);
  return {
    kind: reads ? 'tcp-onread' : 'tcp',
    a,
    b,
    async dispose() {
      a.destroy();
      b.destroy();
    },
  };
}

export const pairMakers: [string, (options?: StreamOptions) => Pair | Promise<Pair>][] = [
  ['in-memory pair', memoryPair],
  ['TCP loopback', tcpPair],
  ['TCP loopback, receiver reading through onread', (options) => tcpPair(options, true)],
];
