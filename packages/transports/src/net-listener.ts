// A StreamListener over a Node `net.Server` or `tls.Server`: accepted sockets wait in a
// bounded queue until `accept()` takes them, wrapped as stream-core Streams.
import type { ListenOptions, Server, Socket } from 'node:net';
import type { NodeBackedStream } from '@sluice/stream-core';
import { AcceptQueue, drain } from './accept-queue.js';
import { toStreamError } from './errors-map.js';
import type { StreamListener } from './listener.js';
import { trace, traceError } from './trace.js';

/** How the server hands out connections, and how to wrap them. */
export interface NetListenerParts {
  /** A server already listening. */
  server: Server;
  /** `connection` for TCP/Unix, `secureConnection` for TLS (after the handshake). */
  event: 'connection' | 'secureConnection';
  /** URL a client can connect to. */
  url: string;
  /** Wraps an accepted socket. */
  wrap: (socket: Socket) => NodeBackedStream;
  /** Connections accepted by the kernel but not yet by `accept()`; more are dropped (default 128). */
  maxPending?: number | undefined;
  /** Runs after the server closed (e.g. removing a Unix socket file). */
  onClose?: () => Promise<void> | void;
}

/** The StreamListener of the socket transports (tcp, tls, unix). */
export class NetListener implements StreamListener {
  readonly url: string;
  readonly #parts: NetListenerParts;
  // Raw sockets: each is wrapped (and starts being read) only when accept() hands it out.
  readonly #queue: AcceptQueue<Socket>;
  #closing: Promise<void> | undefined;

  constructor(parts: NetListenerParts) {
    this.#parts = parts;
    this.url = parts.url;
    this.#queue = new AcceptQueue<Socket>(parts.maxPending ?? 128, (socket) => socket.destroy());
    parts.server.on(parts.event, (socket: Socket) => this.#arrived(socket));
    // A failed or timed-out handshake concerns only that connection. Node reports it here and
    // leaves the socket open: a client that never finishes its handshake would stay for ever.
    parts.server.on('tlsClientError', (error: Error, socket: Socket) => {
      trace('listener %s: TLS client error: %s', parts.url, error.message);
      socket.destroy();
    });
    parts.server.on('error', traceError(`listener ${parts.url}`));
  }

  #arrived(socket: Socket): void {
    // Reported to whoever accepts it, via the Stream; until then only traced.
    socket.on('error', traceError(`listener ${this.url}: a connection not yet accepted`));
    socket.once('close', () => this.#queue.remove(socket));
    if (!this.#queue.offer(socket)) socket.destroy();
  }

  /** Resolves with the next connection; rejects with `StreamClosedError` once closed. */
  async accept(): Promise<NodeBackedStream> {
    return this.#parts.wrap(await this.#queue.take());
  }

  /** Stops accepting; streams already handed out stay open. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#queue.close();
      // close()'s callback waits for every accepted connection to end; the listening socket
      // itself is gone once the handle closes, a turn later.
      this.#parts.server.close();
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.#parts.onClose?.();
    })();
    return this.#closing;
  }

  [Symbol.asyncIterator](): AsyncIterator<NodeBackedStream> {
    return drain(this.#queue, (socket) => this.#parts.wrap(socket));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Starts `server` listening at `at` (undefined fields left out) and resolves once it listens;
 * a listen failure rejects typed, naming `target`.
 */
export function listenAt(server: Server, at: ListenOptions, target: string): Promise<void> {
  const defined = Object.fromEntries(Object.entries(at).filter(([, v]) => v !== undefined));
  return new Promise((resolve, reject) => {
    const onError = (error: unknown): void => {
      server.off('listening', onListening);
      reject(toStreamError(error, 'connect', target));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(defined);
  });
}

/** The port `server` is bound to (a TCP or TLS server). */
export function boundPort(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
