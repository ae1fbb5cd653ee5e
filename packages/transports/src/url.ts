// `connect(url)` / `listen(url)`: one entry point over every transport, picked by the URL's
// scheme. tcp://host:port, tls://host:port, unix:///path, unix:@abstract-name,
// ws://, wss://, ssh://user@host[:port]/target-host:port and exec:command args.
import { ConnectError, type NodeBackedStream } from '@sluice/stream-core';
import type { StreamListener } from './listener.js';
import { listenTcp, SocketStream, type TcpListenOptions } from './socket.js';
import { type SshTunnelUrlOptions, TunneledSocketStream } from './ssh.js';
import { createPipeStream, type SubprocessOptions } from './subprocess.js';
import {
  createSslStream,
  listenTls,
  type TlsConnectOptions,
  type TlsListenOptions,
} from './tls.js';
import { createUnixStream, listenUnix, type UnixConnectOptions } from './unix.js';
import { parseTransportUrl } from './url-parse.js';
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

const LISTEN_SCHEMES = 'tcp://, tls://, unix:///path, unix:@name, ws://, wss://';

export { splitCommand, unixPath } from './url-parse.js';

/**
 * Connects to what `url` names and resolves with a Stream. Rejects with `ConnectError` for a
 * URL it does not support (naming the ones it does) and with the transport's typed errors.
 */
export async function connect(
  url: string,
  options: ConnectOptions = {},
): Promise<NodeBackedStream> {
  const target = parseTransportUrl(url);
  switch (target.scheme) {
    case 'tcp':
      return SocketStream.connect(target.host, target.port ?? 0, options);
    case 'tls':
      return createSslStream(target.host, target.port ?? 0, options);
    case 'unix':
      return createUnixStream(target.path, options);
    case 'ws':
    case 'wss': {
      const { fingerprint256, ...rest } = options;
      const pin = Array.isArray(fingerprint256) ? fingerprint256[0] : fingerprint256;
      return connectWebSocket(url, pin === undefined ? rest : { ...rest, fingerprint256: pin });
    }
    case 'ssh': {
      const username = target.username || options.username;
      if (!username) throw new ConnectError(`${url}: no user name (ssh://user@host/...)`);
      return TunneledSocketStream.connect({ ...options, ...target, username });
    }
    case 'exec':
      return createPipeStream(target.argv, options);
  }
}

/**
 * Listens where `url` says and resolves with a StreamListener (port 0 or none: a free port;
 * the listener's `url` has the real one). tls:// needs `key` and `cert` in `options`.
 */
export async function listen(url: string, options: ListenOptions = {}): Promise<StreamListener> {
  const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase();
  if (scheme === 'ssh:' || scheme === 'exec:') {
    throw new ConnectError(
      `cannot listen on ${JSON.stringify(url)}: unsupported scheme (supported: ${LISTEN_SCHEMES})`,
    );
  }
  const where = parseTransportUrl(url, false);
  switch (where.scheme) {
    case 'tcp':
      return listenTcp({ ...options, host: where.host, port: where.port ?? 0 });
    case 'tls':
      if (options.cert === undefined && options.pfx === undefined) {
        throw new ConnectError(`listening on ${url} needs a certificate: pass cert and key`);
      }
      return listenTls({ ...options, host: where.host, port: where.port ?? 0 });
    case 'unix':
      return listenUnix({ ...options, path: where.path });
    case 'ws':
    case 'wss': {
      const at = { ...options, host: where.host, port: where.port ?? 0, path: where.path };
      if (where.scheme === 'ws') return listenWebSocket(at);
      if (options.cert === undefined && options.pfx === undefined) {
        throw new ConnectError(`listening on ${url} needs a certificate: pass cert and key`);
      }
      const requireClientCert = options.requireClientCert ?? false;
      return listenWebSocket({
        ...at,
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
