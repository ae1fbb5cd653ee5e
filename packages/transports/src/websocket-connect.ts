// The client side of WebSocket streams (ws:// and wss://) and `webSocketStream()` over a
// socket someone else opened. `ws` is imported on the first connect, not at load.
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
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
import { loadWs } from './lazy.js';
import { traceError } from './trace.js';
import { watchIdle } from './watchdog.js';
import {
  DEFAULT_MAX_PAYLOAD,
  WebSocketDuplex,
  type WebSocketStreamOptions,
  WS_OPEN,
} from './websocket-duplex.js';

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
  const { WebSocket } = await loadWs();
  options.signal?.throwIfAborted();
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const pin = options.fingerprint256 && normalizeFingerprint(options.fingerprint256);
  let pinFailure: AuthenticationError | undefined;
  const socket = new WebSocket(url, options.protocols, {
    handshakeTimeout: timeoutMs,
    // ws reads an explicit `undefined` as "no limit": the default must be spelled out.
    maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
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
      const stream = webSocketStream(socket, options);
      settle();
      resolve(stream);
    };
    const onError = (error: Error): void => fail(pinFailure ?? mapConnectError(url, error));
    socket.once('open', onOpen);
    socket.once('error', onError);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A stream-core Stream over a `ws` WebSocket that is already open (e.g. one your own HTTP
 * server upgraded), with the same framing, liveness and timeouts as `connectWebSocket`.
 */
export function webSocketStream(
  socket: WebSocket,
  options: WebSocketStreamOptions & { maxBufferSize?: number | undefined } = {},
): Stream {
  if (socket.readyState !== WS_OPEN) {
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
