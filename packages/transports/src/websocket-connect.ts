// The client side of WebSocket streams (ws:// and wss://) and `webSocketStream()` over a
// socket someone else opened. `ws` is imported on the first connect, not at load.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import {
  AuthenticationError,
  ConnectError,
  type NodeBackedStream,
  Stream,
  StreamError,
  TimeoutError,
} from '@sluice/stream-core';
import type { WebSocket } from 'ws';
import { toStreamError } from './errors-map.js';
import { loadTls, loadWs } from './lazy.js';
import { checkOptions, type OptionNames } from './option-names.js';
import { streamCoreOptions } from './stream-options.js';
import {
  checkPins,
  credentials,
  identityCheck,
  pinsOf,
  TLS_CLIENT_OPTION_NAMES,
  type TlsClientOptions,
  withSeedFiles,
} from './tls-client.js';
import { traceError } from './trace.js';
import { watchIdle } from './watchdog.js';
import {
  DEFAULT_MAX_PAYLOAD,
  WebSocketDuplex,
  type WebSocketStreamOptions,
  WS_OPEN,
  WS_STREAM_OPTION_NAMES,
} from './websocket-duplex.js';

/** Options of `connectWebSocket`: the stream's, the handshake's, and TLS for wss://. */
export interface WebSocketConnectOptions extends WebSocketStreamOptions, TlsClientOptions {
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
}

/** The names of `WebSocketConnectOptions`. */
export const WS_CONNECT_OPTION_NAMES: OptionNames<WebSocketConnectOptions> = {
  ...WS_STREAM_OPTION_NAMES,
  ...TLS_CLIENT_OPTION_NAMES,
  timeoutMs: true,
  signal: true,
  maxPayload: true,
  headers: true,
  protocols: true,
};

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

/** Connects to a ws:// or wss:// URL; resolves with a stream once the handshake is done. */
export async function connectWebSocket(
  url: string,
  options: WebSocketConnectOptions = {},
): Promise<NodeBackedStream> {
  if (!/^wss?:\/\//i.test(url)) {
    throw new ConnectError(`not a WebSocket URL (expected ws:// or wss://): ${url}`);
  }
  checkOptions('connectWebSocket', options, WS_CONNECT_OPTION_NAMES);
  options.signal?.throwIfAborted();
  const [{ WebSocket }, settings, tls] = await Promise.all([
    loadWs(),
    withSeedFiles('connectWebSocket', options),
    loadTls(),
  ]);
  options.signal?.throwIfAborted();
  const timeoutMs = settings.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const pins = pinsOf(settings);
  let pinFailure: AuthenticationError | undefined;
  const checkIdentity = identityCheck(pins, url, tls.checkServerIdentity);
  const socket = new WebSocket(url, settings.protocols, {
    handshakeTimeout: timeoutMs,
    // ws reads an explicit `undefined` as "no limit": the default must be spelled out.
    maxPayload: settings.maxPayload ?? DEFAULT_MAX_PAYLOAD,
    headers: settings.headers,
    perMessageDeflate: false,
    // Passed on to tls.connect for wss:// (ws's types leave some of them out).
    ...(credentials(settings) as object),
    ...(settings.servername === undefined ? {} : ({ servername: settings.servername } as object)),
    rejectUnauthorized: settings.rejectUnauthorized ?? true,
    // ws types this as returning boolean; Node's TLS wants an Error or undefined.
    checkServerIdentity: ((host: string, cert: Parameters<typeof checkIdentity>[1]) => {
      const failure = checkIdentity(host, cert);
      if (failure instanceof AuthenticationError) pinFailure = failure;
      return failure;
    }) as never,
  });
  // checkServerIdentity only runs when the chain verified; pins must hold without it too.
  if (pins.length > 0) {
    socket.once('upgrade', (response: IncomingMessage) => {
      const tls = response.socket as TLSSocket;
      pinFailure ??= checkPins(pins, tls.getPeerCertificate?.(), url);
      if (pinFailure) socket.emit('error', pinFailure);
    });
  }

  return new Promise<NodeBackedStream>((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(
        new TimeoutError(`${url}: no WebSocket connection within ${timeoutMs} ms`, { timeoutMs }),
      );
    }, timeoutMs);
    const onAbort = (): void => fail(options.signal?.reason as Error);
    const settle = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('open', onOpen);
      socket.off('error', onError);
    };
    const fail = (error: Error): void => {
      settle();
      socket.on('error', traceError(`${url}: after giving up the connect`));
      socket.terminate();
      reject(error);
    };
    const onOpen = (): void => {
      // The stream takes the socket's errors in this same turn: a frame that arrived in the
      // packet of the 101 is parsed on the next tick, and must find a listener there.
      const stream = wrapOpenSocket(socket, settings);
      settle();
      resolve(stream);
    };
    const onError = (error: Error): void => fail(pinFailure ?? mapConnectError(url, error));
    socket.once('open', onOpen);
    socket.once('error', onError);
    settings.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A stream-core Stream over a `ws` WebSocket that is already open (e.g. one your own HTTP
 * server upgraded), with the same framing, liveness and timeouts as `connectWebSocket`.
 */
export function webSocketStream(socket: WebSocket, options: WebSocketStreamOptions = {}): Stream {
  checkOptions('webSocketStream', options, WS_STREAM_OPTION_NAMES);
  return wrapOpenSocket(socket, options);
}

/** `webSocketStream` for options already checked (a connect's or a listener's). */
export function wrapOpenSocket(socket: WebSocket, options: WebSocketStreamOptions): Stream {
  if (socket.readyState !== WS_OPEN) {
    throw new ConnectError(`the WebSocket is not open (readyState ${socket.readyState})`);
  }
  const duplex = new WebSocketDuplex(socket, options);
  const stream = new Stream(duplex, streamCoreOptions(options));
  watchIdle(stream, duplex, options);
  return stream;
}
