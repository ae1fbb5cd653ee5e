// Connected stream pairs for the channel tests: in memory, and real TCP loopback on port 0.
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { Stream, type StreamOptions } from '@sluice/stream-core';
import { createStreamPair } from '@sluice/stream-core/testing';

/** Two connected streams and a function that releases everything they hold. */
export interface Pair {
  kind: 'memory' | 'tcp';
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

/** Two `Stream`s over a real loopback TCP connection (Nagle off, as a batching user would). */
export async function tcpPair(options: StreamOptions = {}): Promise<Pair> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  const [serverSide] = await accepted;
  server.close();
  for (const s of [client, serverSide]) s.setNoDelay(true);
  const a = new Stream(client, options);
  const b = new Stream(serverSide, options);
  return {
    kind: 'tcp',
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
];
