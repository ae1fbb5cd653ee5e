// The server side of WebSocket streams: `listenWebSocket()` on a server of its own (ws://, or
// wss:// with `tls`), or on an `http.Server` / `https.Server` the caller owns (`server`), where
// it takes only the upgrades for its `path` and leaves every plain request to the caller.
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SecureContextOptions } from 'node:tls';
import { ConnectError, type NodeBackedStream } from '@sluice/stream-core';
import type { WebSocket, WebSocketServer } from 'ws';
import { AcceptQueue, drain } from './accept-queue.js';
import { loadWs } from './lazy.js';
import type { StreamListener } from './listener.js';
import { checkOptions, type OptionNames } from './option-names.js';
import { trace, traceError } from './trace.js';
import { wrapOpenSocket } from './websocket-connect.js';
import {
  DEFAULT_MAX_PAYLOAD,
  type WebSocketStreamOptions,
  WS_STREAM_OPTION_NAMES,
} from './websocket-duplex.js';

/** TLS settings of a wss:// listener. */
export interface WebSocketTlsOptions extends SecureContextOptions {
  /** Ask clients for a certificate. */
  requestCert?: boolean;
  /** With `requestCert`: refuse clients without a certificate the `ca` signed. Default true. */
  rejectUnauthorized?: boolean;
}

/** Options of `listenWebSocket`. */
export interface WebSocketListenOptions extends WebSocketStreamOptions {
  /**
   * Accept upgrades on this HTTP(S) server, which you own, listen on and close yourself: plain
   * requests stay with your handlers, and upgrades for other paths with your other `upgrade`
   * listeners (with none, they are answered 404). Not together with `port`, `host` or `tls`.
   */
  server?: HttpServer | HttpsServer;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Only upgrade requests for this path (default: any path); others are answered 404. */
  path?: string;
  /** Listen for wss:// with these TLS settings. */
  tls?: WebSocketTlsOptions;
  /** With `tls`: time a client has for its TLS handshake before it is dropped, in ms. Default 30000. */
  handshakeTimeoutMs?: number;
  /** Largest message accepted from a client, in bytes (ws `maxPayload`). Default 100 MiB. */
  maxPayload?: number;
  /** Connections accepted but not yet taken by `accept()`; more are refused with 1013. Default 128. */
  backlog?: number;
  /** Decides whether to take an upgrade request (e.g. check a token); false answers 401. */
  verifyClient?: (request: IncomingMessage) => boolean | Promise<boolean>;
}

/** The names of `WebSocketListenOptions`. */
export const WS_LISTEN_OPTION_NAMES: OptionNames<WebSocketListenOptions> = {
  ...WS_STREAM_OPTION_NAMES,
  server: true,
  port: true,
  host: true,
  path: true,
  tls: true,
  handshakeTimeoutMs: true,
  maxPayload: true,
  backlog: true,
  verifyClient: true,
};

const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;
const DEFAULT_BACKLOG = 128;

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** A client-reachable host for an address the server bound to. */
function reachableHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '::1';
  return address;
}

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** The listeners of ours on each caller's server: who else might take an upgrade. */
const ours = new WeakMap<object, Array<{ path: string | undefined; onUpgrade: UpgradeListener }>>();

function register(
  server: object,
  entry: { path: string | undefined; onUpgrade: UpgradeListener },
): void {
  const list = ours.get(server) ?? [];
  list.push(entry);
  ours.set(server, list);
}

function unregister(server: object, onUpgrade: UpgradeListener): void {
  const list = ours.get(server);
  if (list)
    ours.set(
      server,
      list.filter((entry) => entry.onUpgrade !== onUpgrade),
    );
}

/**
 * True when no upgrade listener but ours is on `server`, none of ours takes the request's
 * path, and `me` is the first of ours: then exactly one of them answers 404.
 */
function nobodyElseTakes(
  server: HttpServer | HttpsServer,
  request: IncomingMessage,
  me: UpgradeListener,
): boolean {
  const list = ours.get(server) ?? [];
  if (server.listenerCount('upgrade') > list.length) return false; // the caller's own listeners
  const path = pathOf(request);
  if (list.some((entry) => entry.path === undefined || entry.path === path)) return false;
  return list[0]?.onUpgrade === me;
}

/** Answers an upgrade we do not take with a plain HTTP status and drops the connection. */
function refuse(socket: Duplex, status: 404 | 503): void {
  const text = status === 404 ? 'Not Found' : 'Service Unavailable';
  socket.on('error', traceError('ws listener: refusing an upgrade'));
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** True for an https.Server (a tls.Server underneath), told apart without loading node:https. */
function isTlsServer(server: HttpServer | HttpsServer): boolean {
  return typeof (server as { addContext?: unknown }).addContext === 'function';
}

/** The listener URL for `server`'s current address (port 0 before it listens). */
function urlOf(server: HttpServer | HttpsServer, secure: boolean, path: string): string {
  const address = server.address() as AddressInfo | string | null;
  if (typeof address === 'string') return `${secure ? 'wss' : 'ws'}+unix://${address}:${path}`;
  const host = address ? reachableHost(address.address) : '127.0.0.1';
  return `${secure ? 'wss' : 'ws'}://${formatHost(host)}:${address?.port ?? 0}${path}`;
}

async function ownServer(options: WebSocketListenOptions): Promise<HttpServer | HttpsServer> {
  const tls = options.tls;
  let server: HttpServer | HttpsServer;
  if (tls) {
    const { createServer } = await import('node:https');
    server = createServer({
      ...tls,
      rejectUnauthorized: tls.rejectUnauthorized ?? true,
      handshakeTimeout: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    });
    // Node reports a handshake timeout (or failure) here but leaves the socket open: a silent
    // client would hold its connection for ever.
    server.on('tlsClientError', (error: Error, socket: Socket) => {
      trace('wss listener: TLS client error: %s', error.message);
      socket.destroy();
    });
  } else {
    const { createServer } = await import('node:http');
    server = createServer();
  }
  // Plain HTTP requests that are not upgrades get a short answer instead of hanging.
  server.on('request', (_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket upgrade required\n');
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void =>
      reject(
        new ConnectError(`cannot listen on ${host}:${options.port ?? 0}: ${error.message}`, {
          cause: error,
        }),
      );
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      server.on('error', traceError('ws listener'));
      resolve();
    });
  });
  return server;
}

function checkServerOptions(options: WebSocketListenOptions): void {
  checkOptions('listenWebSocket', options, WS_LISTEN_OPTION_NAMES);
  if (options.server === undefined) {
    // A plain ws:// listener has no TLS handshake to bound: the option would do nothing.
    if (options.tls === undefined && options.handshakeTimeoutMs !== undefined) {
      throw new TypeError(
        'listenWebSocket: handshakeTimeoutMs applies to wss:// listeners (with tls)',
      );
    }
    return;
  }
  const clash = (['port', 'host', 'tls', 'handshakeTimeoutMs'] as const).filter(
    (name) => options[name] !== undefined,
  );
  if (clash.length > 0) {
    throw new TypeError(
      `listenWebSocket: ${clash.join(', ')} cannot be combined with server (the server you pass already listens where and how you set it up)`,
    );
  }
}

function createWss(
  Server: typeof WebSocketServer,
  options: WebSocketListenOptions,
): WebSocketServer {
  const verify = options.verifyClient;
  return new Server({
    noServer: true,
    // ws reads an explicit `undefined` as "no limit": the default must be spelled out.
    maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
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
}

/**
 * Listens for WebSocket connections: on a server of its own (wss:// when `tls` is given), or
 * on the HTTP(S) server you pass as `server`.
 */
export async function listenWebSocket(
  options: WebSocketListenOptions = {},
): Promise<StreamListener> {
  checkServerOptions(options);
  const { WebSocketServer } = await loadWs();
  const attached = options.server !== undefined;
  const server = options.server ?? (await ownServer(options));
  const secure = attached ? isTlsServer(server) : options.tls !== undefined;
  const path = options.path;
  const backlog = options.backlog ?? DEFAULT_BACKLOG;
  const wss = createWss(WebSocketServer, options);
  const queue = new AcceptQueue<NodeBackedStream>(backlog, (stream) => stream.close());

  const onConnection = (socket: WebSocket): void => {
    if (!queue.hasRoom) {
      socket.on('error', traceError('ws listener: refusing a connection'));
      socket.close(1013, 'server busy');
      return;
    }
    queue.offer(wrapOpenSocket(socket, options));
  };
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (path !== undefined && pathOf(request) !== path) {
      if (!attached || nobodyElseTakes(server, request, onUpgrade)) refuse(socket, 404);
      return;
    }
    if (queue.closed) {
      refuse(socket, 503);
      return;
    }
    wss.handleUpgrade(request, socket, head, onConnection);
  };
  server.on('upgrade', onUpgrade);
  if (attached) register(server, { path, onUpgrade });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Stops taking upgrades now; connections already handed out stay open.
      server.off('upgrade', onUpgrade);
      unregister(server, onUpgrade);
      if (!attached) {
        server.close();
        server.closeIdleConnections();
      }
      wss.close();
      await queue.close();
    })();
    return closing;
  };

  const ownUrl = attached ? undefined : urlOf(server, secure, path ?? '/');
  return {
    get url() {
      return ownUrl ?? urlOf(server, secure, path ?? '/');
    },
    accept: () => queue.take(),
    close,
    [Symbol.asyncDispose]: close,
    [Symbol.asyncIterator]: () => drain(queue, (stream) => stream),
  };
}
