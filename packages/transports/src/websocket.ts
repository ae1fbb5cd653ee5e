// WebSocket streams (ws:// and wss://), client and server, over the `ws` library: bytes as
// binary messages, backpressure, maxPayload, ping/pong liveness, close codes mapped to errors.
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import {
  AuthenticationError,
  ConnectError,
  type NodeBackedStream,
  Stream,
  StreamClosedError,
  StreamError,
  TimeoutError,
} from '@sluice/stream-core';
import { WebSocket, WebSocketServer } from 'ws';
import { toStreamError } from './errors-map.js';
import type { StreamListener } from './listener.js';
import { watchIdle } from './watchdog.js';
import { WebSocketDuplex, type WebSocketStreamOptions } from './websocket-duplex.js';

export { WebSocketDuplex, type WebSocketStreamOptions } from './websocket-duplex.js';

/** Options of `connectWebSocket`. */
export interface WebSocketConnectOptions extends WebSocketStreamOptions {
  /** Time allowed for the TCP connect, TLS and the opening handshake, in ms. Default 30000. */
  timeoutMs?: number;
  /** Aborts the connect. */
  signal?: AbortSignal;
  /** Largest message accepted from the server, in bytes (ws `maxPayload`). Default 100 MiB. */
  maxPayload?: number;
  /** Extra HTTP headers for the opening handshake (e.g. Authorization). */
  headers?: Record<string, string>;
  /** Subprotocols to offer. */
  protocols?: string | string[];
  /** CA certificates to trust for wss:// instead of the system's (PEM). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate for mutual TLS (PEM). */
  cert?: string | Buffer;
  /** Private key of the client certificate (PEM). */
  key?: string | Buffer;
  /** Passphrase of `key`. */
  passphrase?: string;
  /** Name to verify the server certificate against (default: the URL's host). */
  servername?: string;
  /** Pin the server certificate: its SHA-256 fingerprint (`AB:CD:…`, colons optional). */
  fingerprint256?: string;
  /** Skip certificate verification. Dangerous; for tests against self-made servers only. */
  rejectUnauthorized?: boolean;
  /** Upper bound of each stream-core buffer, in bytes (default MAX_BUFFER_SIZE). */
  maxBufferSize?: number;
}

/** TLS settings of a wss:// listener. */
export interface WebSocketTlsOptions extends SecureContextOptions {
  /** Ask clients for a certificate. */
  requestCert?: boolean;
  /** With `requestCert`: refuse clients without a certificate the `ca` signed. Default true. */
  rejectUnauthorized?: boolean;
}

/** Options of `listenWebSocket`. */
export interface WebSocketListenOptions extends WebSocketStreamOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Only upgrade requests for this path (default: any path). */
  path?: string;
  /** Listen for wss:// with these TLS settings. */
  tls?: WebSocketTlsOptions;
  /** Largest message accepted from a client, in bytes (ws `maxPayload`). Default 100 MiB. */
  maxPayload?: number;
  /** Connections accepted but not yet taken by `accept()`; more are refused with 1013. Default 128. */
  backlog?: number;
  /** Decides whether to take an upgrade request (e.g. check a token); false answers 401. */
  verifyClient?: (request: IncomingMessage) => boolean | Promise<boolean>;
  /** Upper bound of each stream-core buffer, in bytes (default MAX_BUFFER_SIZE). */
  maxBufferSize?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** ws's own handshake failures first; socket and TLS failures as every transport maps them. */
function mapConnectError(url: string, error: Error): StreamError {
  if (error instanceof StreamError) return error;
  if (/handshake has timed out/i.test(error.message)) {
    return new TimeoutError(`${url}: the opening handshake timed out`, { cause: error });
  }
  const status = /Unexpected server response: (\d+)/.exec(error.message)?.[1];
  if (status === '401' || status === '403') {
    return new AuthenticationError(`${url}: the server refused the upgrade (HTTP ${status})`, {
      cause: error,
    });
  }
  if (status) {
    return new ConnectError(`${url}: the server answered HTTP ${status} instead of upgrading`, {
      cause: error,
    });
  }
  return toStreamError(error, 'connect', url);
}

function normalizeFingerprint(value: string): string {
  return value
    .replace(/^sha256:/i, '')
    .replaceAll(':', '')
    .toUpperCase();
}

/** Connects to a ws:// or wss:// URL; resolves with a stream once the handshake is done. */
export async function connectWebSocket(
  url: string,
  options: WebSocketConnectOptions = {},
): Promise<NodeBackedStream> {
  if (!/^wss?:\/\//i.test(url)) {
    throw new ConnectError(`not a WebSocket URL (expected ws:// or wss://): ${url}`);
  }
  options.signal?.throwIfAborted();
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const pin = options.fingerprint256 && normalizeFingerprint(options.fingerprint256);
  let pinFailure: AuthenticationError | undefined;
  const socket = new WebSocket(url, options.protocols, {
    handshakeTimeout: timeoutMs,
    maxPayload: options.maxPayload,
    headers: options.headers,
    perMessageDeflate: false,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    passphrase: options.passphrase,
    // Passed on to tls.connect; ws's types leave it out.
    ...({ servername: options.servername } as object),
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    ...(pin && {
      // ws types this as returning boolean; Node's TLS wants an Error or undefined.
      checkServerIdentity: ((host: string, cert: PeerCertificate) => {
        const hostError = checkServerIdentity(host, cert);
        if (hostError) return hostError;
        if (normalizeFingerprint(cert.fingerprint256) !== pin) {
          pinFailure = new AuthenticationError(
            `${url}: the server certificate's fingerprint ${cert.fingerprint256} is not the pinned ${options.fingerprint256}`,
          );
          return pinFailure;
        }
        return undefined;
      }) as never,
    }),
  });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      done(
        new TimeoutError(`${url}: no WebSocket connection within ${timeoutMs} ms`, { timeoutMs }),
      );
    }, timeoutMs);
    const onAbort = (): void => done(options.signal?.reason as Error);
    const done = (error?: Error): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('open', onOpen);
      socket.off('error', onError);
      if (!error) {
        resolve();
        return;
      }
      socket.on('error', () => undefined); // late errors of a connection we gave up on
      socket.terminate();
      reject(error);
    };
    const onOpen = (): void => done();
    const onError = (error: Error): void => done(pinFailure ?? mapConnectError(url, error));
    socket.once('open', onOpen);
    socket.once('error', onError);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });

  return webSocketStream(socket, options);
}

/**
 * A stream-core Stream over a `ws` WebSocket that is already open (e.g. one your own HTTP
 * server upgraded), with the same framing, liveness and timeouts as `connectWebSocket`.
 */
export function webSocketStream(
  socket: WebSocket,
  options: WebSocketStreamOptions & { maxBufferSize?: number | undefined } = {},
): Stream {
  if (socket.readyState !== WebSocket.OPEN) {
    throw new ConnectError(`the WebSocket is not open (readyState ${socket.readyState})`);
  }
  const duplex = new WebSocketDuplex(socket, options);
  const stream = new Stream(
    duplex,
    options.maxBufferSize === undefined ? {} : { maxBufferSize: options.maxBufferSize },
  );
  watchIdle(stream, duplex, options);
  return stream;
}

/** A queue of accepted streams and of `accept()` calls waiting for one. */
class AcceptQueue {
  private readonly ready: NodeBackedStream[] = [];
  private readonly waiting: Array<{
    resolve: (stream: NodeBackedStream) => void;
    reject: (error: Error) => void;
  }> = [];
  closed = false;

  get length(): number {
    return this.ready.length;
  }

  push(stream: NodeBackedStream): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(stream);
    else this.ready.push(stream);
  }

  take(): Promise<NodeBackedStream> {
    const stream = this.ready.shift();
    if (stream) return Promise.resolve(stream);
    if (this.closed) return Promise.reject(new StreamClosedError('listener has been closed'));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Rejects waiting `accept()`s and closes connections nobody took. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) {
      waiter.reject(new StreamClosedError('listener has been closed'));
    }
    await Promise.all(this.ready.splice(0).map((stream) => stream.close()));
  }
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Listens for WebSocket connections (wss:// when `tls` is given). */
export async function listenWebSocket(
  options: WebSocketListenOptions = {},
): Promise<StreamListener> {
  const host = options.host ?? '127.0.0.1';
  const backlog = options.backlog ?? 128;
  const server: Server = options.tls
    ? createHttpsServer({
        ...options.tls,
        rejectUnauthorized: options.tls.rejectUnauthorized ?? true,
      })
    : createHttpServer();
  // Plain HTTP requests that are not upgrades get a short answer instead of hanging.
  server.on('request', (_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket upgrade required\n');
  });
  const verify = options.verifyClient;
  const wss = new WebSocketServer({
    server,
    path: options.path,
    maxPayload: options.maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
    ...(verify && {
      verifyClient: (
        info: { req: IncomingMessage },
        callback: (result: boolean, code?: number) => void,
      ) => {
        Promise.resolve(verify(info.req)).then(
          (ok) => callback(ok, ok ? undefined : 401),
          () => callback(false, 500),
        );
      },
    }),
  });
  const queue = new AcceptQueue();
  wss.on('connection', (socket: WebSocket) => {
    if (queue.closed || queue.length >= backlog) {
      socket.close(1013, 'server busy');
      return;
    }
    queue.push(webSocketStream(socket, options));
  });
  wss.on('error', () => undefined); // errors of the http server are reported by listen below

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: Error) =>
      reject(
        new ConnectError(`cannot listen on ${host}:${options.port ?? 0}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const url = `${options.tls ? 'wss' : 'ws'}://${formatHost(host)}:${port}${options.path ?? '/'}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Stops listening now; upgraded connections already handed out stay open.
      server.close();
      server.closeIdleConnections();
      wss.close();
      await queue.close();
    })();
    return closing;
  };

  return {
    url,
    accept: () => queue.take(),
    close,
    [Symbol.asyncDispose]: close,
    async *[Symbol.asyncIterator]() {
      while (true) {
        try {
          yield await queue.take();
        } catch (error) {
          if (queue.closed) return;
          throw error;
        }
      }
    },
  };
}
