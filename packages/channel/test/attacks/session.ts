// One encrypted session for an attack test: a real TCP server on 127.0.0.1 port 0, a client
// connected to it through the attacking proxy, and an encrypted channel on each end.
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { Stream } from '@sluice/stream-core';
import { Channel, type ChannelOptions } from '../../src/index.js';
import { AttackProxy, type OnFrame } from './proxy.js';

/** The pre-shared key of the tests (32 bytes). */
export const PSK: Uint8Array = new Uint8Array(32).map((_, i) => i + 1);

/** A client and a server channel with the attacker between them. */
export interface Session {
  client: Channel;
  server: Channel;
  proxy: AttackProxy;
  /** Closes both channels, the proxy and the server. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** What a session is made of; both ends default to `{ encrypt: { key: PSK } }`. */
export interface SessionOptions {
  /** The attacker's hook for each frame. Default: forward unchanged. */
  onFrame?: OnFrame;
  /** Options of the client's channel. */
  client?: ChannelOptions;
  /** Options of the server's channel. */
  server?: ChannelOptions;
}

/** Opens a session; the handshake runs on first use (or `await channel.handshake()`). */
export async function session(options: SessionOptions = {}): Promise<Session> {
  const listener = createServer({ noDelay: true });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as { port: number };
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const proxy = await AttackProxy.start(port, options.onFrame);
  const socket = connect({ port: proxy.port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  const [serverSocket] = await accepted;
  const client = new Channel(new Stream(socket), options.client ?? { encrypt: { key: PSK } });
  const server = new Channel(new Stream(serverSocket), options.server ?? { encrypt: { key: PSK } });
  return {
    client,
    server,
    proxy,
    async [Symbol.asyncDispose]() {
      socket.destroy();
      serverSocket.destroy();
      await proxy.close();
      listener.close();
    },
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  const what = value instanceof Uint8Array ? `${value.length} bytes` : typeof value;
  throw new Error(`expected a rejection, got a value (${what})`);
}
