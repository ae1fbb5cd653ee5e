// Unix domain sockets: `createUnixStream(path)` and a listener, including Linux abstract
// sockets (a path starting with NUL, written `@name` in URLs). A stale socket file left by a
// dead listener is replaced on listen; a live one, or a file that is not a socket, is not.
import { chmod, lstat, unlink } from 'node:fs/promises';
import { createServer, connect as netConnect } from 'node:net';
import { ConnectError, SocketReads } from '@sluice/stream-core';
import { openConnected } from './connecting.js';
import type { StreamListener } from './listener.js';
import { listenAt, NetListener } from './net-listener.js';
import { checkOptions, type OptionNames, STREAM_OPTION_NAMES } from './option-names.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, SocketStream, type SocketStreamOptions } from './socket.js';
import { readThroughOnread } from './socket-reads.js';

/** Options of `createUnixStream`. */
export interface UnixConnectOptions extends SocketStreamOptions {
  /** Time allowed for the connection, in ms (default 30000). */
  timeoutMs?: number;
  /** Cancels the connect. */
  signal?: AbortSignal;
}

/** Options of `listenUnix`. */
export interface UnixListenOptions extends SocketStreamOptions {
  /** Socket path, or an abstract name starting with `\0` (Linux). */
  path: string;
  /** Kernel accept queue length. */
  backlog?: number;
  /** File mode of the socket file (e.g. 0o600), set before accepting. */
  mode?: number;
}

/** The names of `UnixConnectOptions`. */
export const UNIX_CONNECT_OPTION_NAMES: OptionNames<UnixConnectOptions> = {
  ...STREAM_OPTION_NAMES,
  timeoutMs: true,
  signal: true,
};

/** The names of `UnixListenOptions`. */
export const UNIX_LISTEN_OPTION_NAMES: OptionNames<UnixListenOptions> = {
  ...STREAM_OPTION_NAMES,
  path: true,
  backlog: true,
  mode: true,
};

/** True for a Linux abstract socket name (`\0name`). */
export const isAbstract = (path: string): boolean => path.startsWith('\0');

/** How a socket path is written in a URL: `unix:@name` for abstract ones. */
export function unixUrl(path: string): string {
  return isAbstract(path) ? `unix:@${path.slice(1)}` : `unix://${path}`;
}

/** Connects to a Unix domain socket (the seed's `create_unix_stream`). */
export async function connectUnix(
  path: string,
  options: UnixConnectOptions = {},
): Promise<SocketStream> {
  checkOptions('connectUnix', options, UNIX_CONNECT_OPTION_NAMES);
  const target = unixUrl(path);
  const reads = new SocketReads();
  const connect = () => netConnect({ path, allowHalfOpen: true, onread: reads.onread });
  const socket = await openConnected(connect, {
    event: 'connect',
    timeoutMs: options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    signal: options.signal,
    target,
  });
  return new SocketStream(socket, { ...options, reads });
}

/** Removes `path` if it is a socket nobody listens on; refuses if someone does. */
async function clearStaleSocket(path: string): Promise<void> {
  const stat = await lstat(path).catch(() => undefined);
  if (!stat) return;
  if (!stat.isSocket()) {
    throw new ConnectError(`cannot listen on ${path}: it exists and is not a socket`);
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe = netConnect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new ConnectError(`cannot listen on ${path}: another process is listening there`);
  await unlink(path).catch(() => {});
}

/** Listens on a Unix domain socket; each accepted connection is a `SocketStream`. */
export async function listenUnix(options: UnixListenOptions): Promise<StreamListener> {
  checkOptions('listenUnix', options, UNIX_LISTEN_OPTION_NAMES);
  const { path } = options;
  const target = unixUrl(path);
  if (!isAbstract(path)) await clearStaleSocket(path);
  // Paused: nothing is read before the socket is moved to `onread` reads (socket-reads.ts).
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
  await listenAt(server, { path, backlog: options.backlog }, target);
  if (options.mode !== undefined && !isAbstract(path)) {
    await chmod(path, options.mode);
  }
  return new NetListener({
    server,
    event: 'connection',
    url: target,
    wrap: (accepted) => {
      const { socket, reads } = readThroughOnread(accepted);
      return new SocketStream(socket, { ...options, reads });
    },
    onClose: async () => {
      if (!isAbstract(path)) await unlink(path).catch(() => {});
    },
  });
}
