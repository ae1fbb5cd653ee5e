// The options `connect(url)` and `listen(url)` take, per scheme: as types (so that
// `connect('tcp://…', { privateKey })` does not compile) and as name lists (so that a
// JavaScript caller gets a TypeError naming the option that does not apply).
import {
  TCP_CONNECT_OPTION_NAMES,
  TCP_LISTEN_OPTION_NAMES,
  type TcpConnectOptions,
  type TcpListenOptions,
} from './socket.js';
import { SSH_URL_OPTION_NAMES, type SshTunnelUrlOptions } from './ssh.js';
import { SUBPROCESS_OPTION_NAMES, type SubprocessOptions } from './subprocess.js';
import {
  TLS_CONNECT_OPTION_NAMES,
  TLS_LISTEN_OPTION_NAMES,
  type TlsConnectOptions,
  type TlsListenOptions,
} from './tls.js';
import {
  UNIX_CONNECT_OPTION_NAMES,
  UNIX_LISTEN_OPTION_NAMES,
  type UnixConnectOptions,
  type UnixListenOptions,
} from './unix.js';
import { type WebSocketConnectOptions, WS_CONNECT_OPTION_NAMES } from './websocket-connect.js';
import { type WebSocketListenOptions, WS_LISTEN_OPTION_NAMES } from './websocket-listen.js';

/** Options of `connect()` for a URL only known at run time: any transport's. */
export type ConnectOptions = TlsConnectOptions &
  UnixConnectOptions &
  SubprocessOptions &
  WebSocketConnectOptions &
  SshTunnelUrlOptions;

/** The options `connect(url)` takes for `url`'s scheme (all of them for a plain `string`). */
export type ConnectOptionsFor<U extends string> = U extends `tcp://${string}`
  ? TcpConnectOptions
  : U extends `tls://${string}`
    ? TlsConnectOptions
    : U extends `unix:${string}`
      ? UnixConnectOptions
      : U extends `ws://${string}` | `wss://${string}`
        ? WebSocketConnectOptions
        : U extends `ssh://${string}`
          ? SshTunnelUrlOptions
          : U extends `exec:${string}`
            ? SubprocessOptions
            : ConnectOptions;

/** Options of `listen()` on a ws:// URL. */
export type WebSocketUrlListenOptions = Omit<
  WebSocketListenOptions,
  'host' | 'port' | 'path' | 'tls' | 'server' | 'handshakeTimeoutMs'
>;

/** Options of `listen()` on a wss:// URL: ws://'s plus the server's certificate. */
export type SecureWebSocketUrlListenOptions = WebSocketUrlListenOptions &
  Pick<WebSocketListenOptions, 'handshakeTimeoutMs'> &
  Pick<TlsListenOptions, 'key' | 'cert' | 'pfx' | 'ca' | 'passphrase' | 'requireClientCert'>;

/** Options of `listen()` for a URL only known at run time: any transport's. */
export type ListenOptions = Omit<TcpListenOptions, 'host' | 'port'> &
  Omit<TlsListenOptions, 'host' | 'port'> &
  Omit<UnixListenOptions, 'path'> &
  SecureWebSocketUrlListenOptions;

/** The options `listen(url)` takes for `url`'s scheme (all of them for a plain `string`). */
export type ListenOptionsFor<U extends string> = U extends `tcp://${string}`
  ? Omit<TcpListenOptions, 'host' | 'port'>
  : U extends `tls://${string}`
    ? Omit<TlsListenOptions, 'host' | 'port'>
    : U extends `unix:${string}`
      ? Omit<UnixListenOptions, 'path'>
      : U extends `ws://${string}`
        ? WebSocketUrlListenOptions
        : U extends `wss://${string}`
          ? SecureWebSocketUrlListenOptions
          : ListenOptions;

function without(names: object, ...drop: string[]): Record<string, true> {
  return Object.fromEntries(
    Object.keys(names)
      .filter((name) => !drop.includes(name))
      .map((name) => [name, true]),
  );
}

/** Option names `connect()` takes per scheme (`tcp`, `tls`, …, as `parseTransportUrl` names them). */
export const CONNECT_NAMES: Record<string, object> = {
  tcp: TCP_CONNECT_OPTION_NAMES,
  tls: TLS_CONNECT_OPTION_NAMES,
  unix: UNIX_CONNECT_OPTION_NAMES,
  ws: WS_CONNECT_OPTION_NAMES,
  wss: WS_CONNECT_OPTION_NAMES,
  ssh: SSH_URL_OPTION_NAMES,
  exec: SUBPROCESS_OPTION_NAMES,
};

const WS_URL_LISTEN_NAMES = without(
  WS_LISTEN_OPTION_NAMES,
  'host',
  'port',
  'path',
  'tls',
  'server',
  'handshakeTimeoutMs',
);

/** Option names `listen()` takes per scheme. */
export const LISTEN_NAMES: Record<string, object> = {
  tcp: without(TCP_LISTEN_OPTION_NAMES, 'host', 'port'),
  tls: without(TLS_LISTEN_OPTION_NAMES, 'host', 'port'),
  unix: without(UNIX_LISTEN_OPTION_NAMES, 'path'),
  ws: WS_URL_LISTEN_NAMES,
  wss: {
    ...WS_URL_LISTEN_NAMES,
    key: true,
    cert: true,
    pfx: true,
    ca: true,
    passphrase: true,
    requireClientCert: true,
    handshakeTimeoutMs: true,
  } satisfies Record<string, true>,
};

/**
 * The options of `options` that apply to `scheme`. Options of other schemes left undefined
 * are dropped (a caller may build one options object for any URL); a defined one that does
 * not apply, or an unknown one, is a `TypeError` naming it.
 */
export function optionsFor<T extends object>(
  fn: string,
  url: string,
  scheme: string,
  options: T,
  table: Record<string, object>,
): T {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${fn}: options must be an object`);
  }
  const names = table[scheme] ?? {};
  const everything = Object.assign({}, ...Object.values(table)) as object;
  const picked: Record<string, unknown> = {};
  const wrong: string[] = [];
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(options)) {
    if (Object.hasOwn(names, name)) picked[name] = value;
    else if (!Object.hasOwn(everything, name)) unknown.push(name);
    else if (value !== undefined) wrong.push(name);
  }
  if (unknown.length > 0) {
    throw new TypeError(
      `${fn}(${JSON.stringify(url)}): unknown option ${unknown.map((n) => JSON.stringify(n)).join(', ')}`,
    );
  }
  if (wrong.length > 0) {
    throw new TypeError(
      `${fn}(${JSON.stringify(url)}): option ${wrong.map((n) => JSON.stringify(n)).join(', ')} does not apply to ${scheme} URLs`,
    );
  }
  return picked as T;
}
