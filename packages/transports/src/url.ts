// `connect(url)` / `listen(url)`: one entry point over every transport, picked by the URL's
// scheme. tcp://host:port, tls://host:port, unix:///path, unix:@abstract-name,
// ws://, wss://, ssh://user@host[:port]/target-host:port and exec:command args.
import { ConnectError, type NodeBackedStream } from '@sluice/stream-core';
import type { StreamListener } from './listener.js';
import { connectTcp, listenTcp } from './socket.js';
import { connectSsh } from './ssh.js';
import { spawnStream } from './subprocess.js';
import { connectTls, listenTls } from './tls.js';
import { connectUnix, listenUnix } from './unix.js';
import {
  CONNECT_NAMES,
  type ConnectOptions,
  type ConnectOptionsFor,
  LISTEN_NAMES,
  type ListenOptions,
  type ListenOptionsFor,
  optionsFor,
} from './url-options.js';
import { parseTransportUrl } from './url-parse.js';
import { connectWebSocket } from './websocket-connect.js';
import { listenWebSocket } from './websocket-listen.js';

export type {
  ConnectOptions,
  ConnectOptionsFor,
  ListenOptions,
  ListenOptionsFor,
  SecureWebSocketUrlListenOptions,
  WebSocketUrlListenOptions,
} from './url-options.js';
export { splitCommand, unixPath } from './url-parse.js';

const LISTEN_SCHEMES = 'tcp://, tls://, unix:///path, unix:@name, ws://, wss://';

/**
 * Connects to what `url` names and resolves with a Stream. `options` are those of the URL's
 * transport (typed per scheme for a literal URL). Rejects with `ConnectError` for a URL it
 * does not support (naming the ones it does), with `TypeError` for an option that does not
 * apply to the scheme, and with the transport's typed errors.
 */
export async function connect<U extends string>(
  url: U,
  options: ConnectOptionsFor<U> = {} as ConnectOptionsFor<U>,
): Promise<NodeBackedStream> {
  const target = parseTransportUrl(url);
  const given = optionsFor('connect', url, target.scheme, options, CONNECT_NAMES) as ConnectOptions;
  switch (target.scheme) {
    case 'tcp':
      return connectTcp(target.host, target.port ?? 0, given);
    case 'tls':
      return connectTls(target.host, target.port ?? 0, given);
    case 'unix':
      return connectUnix(target.path, given);
    case 'ws':
    case 'wss':
      return connectWebSocket(url, given);
    case 'ssh': {
      const username = target.username || given.username;
      if (!username) throw new ConnectError(`${url}: no user name (ssh://user@host/...)`);
      const { username: _, ...rest } = given;
      return connectSsh({
        ...rest,
        host: target.host,
        port: target.port,
        target: target.target,
        username,
      });
    }
    case 'exec':
      return spawnStream(target.argv, given);
  }
}

/**
 * Listens where `url` says and resolves with a StreamListener (port 0 or none: a free port;
 * the listener's `url` has the real one). tls:// and wss:// need `cert` and `key` (or `pfx`).
 */
export async function listen<U extends string>(
  url: U,
  options: ListenOptionsFor<U> = {} as ListenOptionsFor<U>,
): Promise<StreamListener> {
  const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase();
  if (scheme === 'ssh:' || scheme === 'exec:' || !(scheme.slice(0, -1) in LISTEN_NAMES)) {
    throw new ConnectError(
      `cannot listen on ${JSON.stringify(url)}: unsupported scheme (supported: ${LISTEN_SCHEMES})`,
    );
  }
  const where = parseTransportUrl(url, false);
  const given = optionsFor('listen', url, where.scheme, options, LISTEN_NAMES) as ListenOptions;
  switch (where.scheme) {
    case 'tcp':
      return listenTcp({ ...given, host: where.host, port: where.port ?? 0 });
    case 'tls':
      if (given.cert === undefined && given.pfx === undefined) {
        throw new ConnectError(`listening on ${url} needs a certificate: pass cert and key`);
      }
      return listenTls({ ...given, host: where.host, port: where.port ?? 0 });
    case 'unix':
      return listenUnix({ ...given, path: where.path });
    case 'ws':
    case 'wss': {
      const { key, cert, pfx, ca, passphrase, requireClientCert, ...ws } = given;
      const at = { ...ws, host: where.host, port: where.port ?? 0, path: where.path };
      if (where.scheme === 'ws') return listenWebSocket(at);
      if (cert === undefined && pfx === undefined) {
        throw new ConnectError(`listening on ${url} needs a certificate: pass cert and key`);
      }
      const required = requireClientCert ?? false;
      return listenWebSocket({
        ...at,
        tls: {
          ...(key === undefined ? {} : { key }),
          ...(cert === undefined ? {} : { cert }),
          ...(pfx === undefined ? {} : { pfx }),
          ...(ca === undefined ? {} : { ca }),
          ...(passphrase === undefined ? {} : { passphrase }),
          requestCert: required,
          rejectUnauthorized: required,
        },
      });
    }
    default:
      throw new ConnectError(
        `cannot listen on ${JSON.stringify(url)}: unsupported scheme (supported: ${LISTEN_SCHEMES})`,
      );
  }
}
