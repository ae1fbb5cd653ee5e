// `connect(url)` / `listen(url)`: one entry point over every transport, picked by the URL's
// scheme. tcp://host:port, tls://host:port, unix:///path, unix:@abstract-name,
// ws://, wss://, ssh://user@host[:port]/target-host:port and exec:command args.
import { ConnectError, type NodeBackedStream } from '@sluice/stream-core';
import type { StreamListener } from './listener.js';
import { listenTcp, SocketStream, type TcpListenOptions } from './socket.js';
import { connectSshTunnel, type SshTunnelUrlOptions } from './ssh.js';
import { createPipeStream, type SubprocessOptions } from './subprocess.js';
import {
  createSslStream,
  listenTls,
  type TlsConnectOptions,
  type TlsListenOptions,
} from './tls.js';
import { createUnixStream, listenUnix, type UnixConnectOptions } from './unix.js';
import {
  connectWebSocket,
  listenWebSocket,
  type WebSocketConnectOptions,
  type WebSocketListenOptions,
} from './websocket.js';

/** Options of `connect()`: those of the transport the URL names (others are ignored). */
export type ConnectOptions = TlsConnectOptions &
  UnixConnectOptions &
  SubprocessOptions &
  Omit<WebSocketConnectOptions, 'fingerprint256'> &
  SshTunnelUrlOptions;

/** Options of `listen()`: those of the transport the URL names (others are ignored). */
export type ListenOptions = Omit<TcpListenOptions, 'host' | 'port'> &
  Omit<TlsListenOptions, 'host' | 'port'> &
  Omit<WebSocketListenOptions, 'host' | 'port' | 'path' | 'tls' | 'server'>;

const CONNECT_SCHEMES =
  'tcp://, tls://, unix:///path, unix:@name, ws://, wss://, ssh://user@host/target:port, exec:command';
const LISTEN_SCHEMES = 'tcp://, tls://, unix:///path, unix:@name, ws://, wss://';

/** Splits a command line on blanks, honouring '…' and "…" quotes and backslash escapes. */
export function splitCommand(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      started = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (quote) throw new ConnectError(`unterminated ${quote} quote in command: ${line}`);
  if (started) args.push(current);
  return args;
}

interface HostPort {
  host: string;
  port: number;
}

function hostAndPort(url: URL, raw: string, portRequired: boolean): HostPort {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new ConnectError(`no host in ${raw}`);
  if (url.port === '' && portRequired) throw new ConnectError(`no port in ${raw}`);
  return { host, port: url.port === '' ? 0 : Number(url.port) };
}

/** The socket path of a unix: URL (`\0name` for `unix:@name`). */
export function unixPath(raw: string): string {
  const rest = raw.slice('unix:'.length);
  if (rest.startsWith('@')) {
    if (rest.length === 1) throw new ConnectError(`no abstract socket name in ${raw}`);
    return `\0${decodeURIComponent(rest.slice(1))}`;
  }
  const path = decodeURIComponent(rest.replace(/^\/\/(localhost)?(?=\/)/, ''));
  if (!path.startsWith('/')) {
    throw new ConnectError(`a unix: URL needs an absolute path or @name: ${raw}`);
  }
  return path;
}

function parse(raw: string): URL {
  try {
    return new URL(raw);
  } catch (error) {
    throw new ConnectError(`not a URL: ${JSON.stringify(raw)}`, { cause: error });
  }
}

/**
 * Connects to what `url` names and resolves with a Stream. Rejects with `ConnectError` for a
 * URL it does not support (naming the ones it does) and with the transport's typed errors.
 */
export async function connect(
  url: string,
  options: ConnectOptions = {},
): Promise<NodeBackedStream> {
  const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase();
  switch (scheme) {
    case 'tcp:': {
      const { host, port } = hostAndPort(parse(url), url, true);
      return SocketStream.connect(host, port, options);
    }
    case 'tls:': {
      const { host, port } = hostAndPort(parse(url), url, true);
      return createSslStream(host, port, options);
    }
    case 'unix:':
      return createUnixStream(unixPath(url), options);
    case 'ws:':
    case 'wss:': {
      parse(url);
      const { fingerprint256, ...rest } = options;
      const pin = Array.isArray(fingerprint256) ? fingerprint256[0] : fingerprint256;
      return connectWebSocket(url, pin === undefined ? rest : { ...rest, fingerprint256: pin });
    }
    case 'ssh:':
      return connectSshTunnel(url, options);
    case 'exec:':
      return createPipeStream(splitCommand(url.slice('exec:'.length)), options);
    default:
      throw new ConnectError(
        `cannot connect to ${JSON.stringify(url)}: unsupported scheme (supported: ${CONNECT_SCHEMES})`,
      );
  }
}

/**
 * Listens where `url` says and resolves with a StreamListener (port 0 or none: a free port;
 * the listener's `url` has the real one). tls:// needs `key` and `cert` in `options`.
 */
export async function listen(url: string, options: ListenOptions = {}): Promise<StreamListener> {
  const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase();
  switch (scheme) {
    case 'tcp:':
      return listenTcp({ ...options, ...hostAndPort(parse(url), url, false) });
    case 'tls:':
      if (options.cert === undefined && options.pfx === undefined) {
        throw new ConnectError(`listening on ${url} needs a certificate: pass cert and key`);
      }
      return listenTls({ ...options, ...hostAndPort(parse(url), url, false) });
    case 'unix:':
      return listenUnix({ ...options, path: unixPath(url) });
    case 'ws:':
    case 'wss:': {
      const parsed = parse(url);
      const { host, port } = hostAndPort(parsed, url, false);
      const where = { ...options, host, port, path: parsed.pathname || '/' };
      if (scheme === 'ws:') return listenWebSocket(where);
      if (options.cert === undefined && options.pfx === undefined) {
        throw new ConnectError(`listening on ${url} needs a certificate: pass cert and key`);
      }
      const requireClientCert = options.requireClientCert ?? false;
      return listenWebSocket({
        ...where,
        tls: {
          ...(options.key === undefined ? {} : { key: options.key }),
          ...(options.cert === undefined ? {} : { cert: options.cert }),
          ...(options.pfx === undefined ? {} : { pfx: options.pfx }),
          ...(options.ca === undefined ? {} : { ca: options.ca }),
          ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
          requestCert: requireClientCert,
          rejectUnauthorized: requireClientCert,
        },
      });
    }
    default:
      throw new ConnectError(
        `cannot listen on ${JSON.stringify(url)}: unsupported scheme (supported: ${LISTEN_SCHEMES})`,
      );
  }
}
