// TCP: `SocketStream` (a stream-core Stream over a net.Socket, also the base of the TLS and
// Unix streams), `SocketStream.connect`, and the TCP listener.
import {
  createServer,
  isIP,
  type LookupFunction,
  connect as netConnect,
  type Socket,
} from 'node:net';
import { SocketReads, Stream } from '@sluice/stream-core';
import { openConnected } from './connecting.js';
import { toStreamError } from './errors-map.js';
import type { StreamListener } from './listener.js';
import { boundPort, listenAt, NetListener } from './net-listener.js';
import { checkOptions, type OptionNames, STREAM_OPTION_NAMES } from './option-names.js';
import { readThroughOnread } from './socket-reads.js';
import type { TransportStreamOptions } from './stream-options.js';
import { watchIdle } from './watchdog.js';

/** TCP keepalive probes. */
export interface KeepAliveOptions {
  /** Idle time before the first probe, in ms (default 60000). */
  idleMs?: number;
  /** Time between probes, in ms (default: `idleMs`). */
  intervalMs?: number;
  /** Unanswered probes before the connection is dropped (default 5). */
  count?: number;
}

/** What every socket stream (tcp, tls, unix) can be told. */
export interface SocketStreamOptions extends TransportStreamOptions {}

/** Options of `SocketStream.connect`. */
export interface TcpConnectOptions extends SocketStreamOptions {
  /** `true`: IPv6 only; `false`: IPv4 only; default: both, racing them ("happy eyeballs"). */
  ipv6?: boolean;
  /** TCP keepalive: `true` for the defaults (60 s idle and interval, 5 probes). Default off. */
  keepalive?: boolean | KeepAliveOptions;
  /** Disable Nagle's algorithm (TCP_NODELAY). Default true: sluice batches in user space. */
  nodelay?: boolean;
  /** Time allowed for the connection to be made, in ms (default 30000; 0: no limit). */
  timeoutMs?: number;
  /** Cancels the connect. */
  signal?: AbortSignal;
  /** Local address to connect from. */
  localAddress?: string;
  /** Name resolver (default `dns.lookup`), e.g. to resolve through a custom table. */
  lookup?: LookupFunction;
}

/** Options of `listenTcp`. */
export interface TcpListenOptions extends SocketStreamOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on (default `127.0.0.1`; `::` for every address, both families). */
  host?: string;
  /** With an IPv6 host, refuse IPv4-mapped connections. */
  ipv6Only?: boolean;
  /** Kernel accept queue length. */
  backlog?: number;
  /** TCP keepalive on accepted connections. */
  keepalive?: boolean | KeepAliveOptions;
  /** TCP_NODELAY on accepted connections (default true). */
  nodelay?: boolean;
}

/** The names of `TcpConnectOptions`. */
export const TCP_CONNECT_OPTION_NAMES: OptionNames<TcpConnectOptions> = {
  ...STREAM_OPTION_NAMES,
  ipv6: true,
  keepalive: true,
  nodelay: true,
  timeoutMs: true,
  signal: true,
  localAddress: true,
  lookup: true,
};

/** The names of `TcpListenOptions`. */
export const TCP_LISTEN_OPTION_NAMES: OptionNames<TcpListenOptions> = {
  ...STREAM_OPTION_NAMES,
  port: true,
  host: true,
  ipv6Only: true,
  backlog: true,
  keepalive: true,
  nodelay: true,
};

/** Default connect timeout, in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** `host:port` with brackets around IPv6 literals, for URLs and messages. */
export function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Where a socket leads, for error messages: `tcp://host:port`, `tls://…` or `unix://path`. */
function describeSocket(socket: Socket): string {
  const scheme = 'encrypted' in socket ? 'tls' : 'tcp';
  if (socket.remotePort !== undefined && socket.remoteAddress !== undefined) {
    return `${scheme}://${hostPort(socket.remoteAddress, socket.remotePort)}`;
  }
  // Unix sockets have no remote address; the client side knows the path it connected to.
  const path = (socket as { _pipeName?: unknown })._pipeName;
  return typeof path === 'string' ? `unix://${path}` : 'unix socket';
}

/** Resolved keepalive settings, in ms. */
export function keepAliveSettings(
  option: boolean | KeepAliveOptions | undefined,
): { idleMs: number; intervalMs: number; count: number } | undefined {
  if (!option) return undefined;
  const given = option === true ? {} : option;
  const idleMs = given.idleMs ?? 60_000;
  return { idleMs, intervalMs: given.intervalMs ?? idleMs, count: given.count ?? 5 };
}

/** Applies keepalive and nodelay to a socket. */
export function tuneSocket(
  socket: Socket,
  options: { keepalive?: boolean | KeepAliveOptions | undefined; nodelay?: boolean | undefined },
): void {
  socket.setNoDelay(options.nodelay ?? true);
  const keepalive = keepAliveSettings(options.keepalive);
  if (keepalive) {
    // The two-argument form sets the idle time on every Node; the object form adds the
    // interval and count where Node takes them (it does on 24.21; 22.15 reads the object as
    // `enable` with no delay, which leaves the idle time set just before unchanged).
    socket.setKeepAlive(true, keepalive.idleMs);
    socket.setKeepAlive({
      enable: true,
      initialDelay: keepalive.idleMs,
      interval: keepalive.intervalMs,
      count: keepalive.count,
    });
  }
}

/** Options of the `SocketStream` constructor. */
export interface SocketStreamWrapOptions extends SocketStreamOptions {
  /**
   * The reads the socket was created with (`onread: reads.onread`, see stream-core's
   * `SocketReads`): the stream then supports `readInto()`. The transports' own connect and
   * listen do this for TCP and Unix sockets.
   */
  reads?: SocketReads | undefined;
}

/** A stream-core Stream over a connected `net.Socket` (or `tls.TLSSocket`). */
export class SocketStream extends Stream {
  /** The connected socket. */
  readonly socket: Socket;

  constructor(socket: Socket, options: SocketStreamWrapOptions = {}) {
    const target = describeSocket(socket);
    super(socket, {
      maxBufferSize: options.maxBufferSize,
      mapError: (error) => toStreamError(error, 'stream', target),
      reads: options.reads,
    });
    this.socket = socket;
    watchIdle(this, socket, options);
  }

  /** Connects over TCP to `host:port` (the same as `connectTcp`). */
  static connect(host: string, port: number, options?: TcpConnectOptions): Promise<SocketStream> {
    return connectTcp(host, port, options);
  }
}

/** Connects over TCP to `host:port`. Rejects with `ConnectError` or `TimeoutError`. */
export async function connectTcp(
  host: string,
  port: number,
  options: TcpConnectOptions = {},
): Promise<SocketStream> {
  checkOptions('connectTcp', options, TCP_CONNECT_OPTION_NAMES);
  const target = `tcp://${hostPort(host, port)}`;
  const family = options.ipv6 === true ? 6 : options.ipv6 === false ? 4 : 0;
  const reads = new SocketReads();
  const socket = await openConnected(
    () =>
      netConnect({
        host,
        port,
        family,
        autoSelectFamily: family === 0,
        allowHalfOpen: true,
        onread: reads.onread,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        ...(options.lookup ? { lookup: options.lookup } : {}),
      }),
    {
      event: 'connect',
      timeoutMs: options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      signal: options.signal,
      target,
    },
  );
  tuneSocket(socket, options);
  return new SocketStream(socket, { ...options, reads });
}

/** Listens for TCP connections; each accepted one is a `SocketStream`. */
export async function listenTcp(options: TcpListenOptions = {}): Promise<StreamListener> {
  checkOptions('listenTcp', options, TCP_LISTEN_OPTION_NAMES);
  const host = options.host ?? '127.0.0.1';
  // Paused: nothing is read before the socket is moved to `onread` reads (socket-reads.ts).
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
  const { backlog, ipv6Only } = options;
  await listenAt(
    server,
    { port: options.port ?? 0, host, backlog, ipv6Only },
    `tcp://${hostPort(host, options.port ?? 0)}`,
  );
  const port = boundPort(server);
  return new NetListener({
    server,
    event: 'connection',
    url: `tcp://${hostPort(host, port)}`,
    wrap: (accepted) => {
      const { socket, reads } = readThroughOnread(accepted);
      tuneSocket(socket, options);
      return new SocketStream(socket, { ...options, reads });
    },
  });
}
