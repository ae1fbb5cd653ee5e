// TLS: `createSslStream` (certificate and hostname verification on by default, client
// certificates, fingerprint pinning, ALPN) and a TLS listener that can require client
// certificates.
import { isIP } from 'node:net';
import type { ConnectionOptions, PeerCertificate, TLSSocket } from 'node:tls';
import { openConnected } from './connecting.js';
import { loadTls } from './lazy.js';
import type { StreamListener } from './listener.js';
import { boundPort, listenAt, NetListener } from './net-listener.js';
import { checkOptions, type OptionNames } from './option-names.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  hostPort,
  type KeepAliveOptions,
  SocketStream,
  type SocketStreamOptions,
  TCP_CONNECT_OPTION_NAMES,
  type TcpConnectOptions,
  tuneSocket,
} from './socket.js';
import {
  checkPins,
  credentials,
  identityCheck,
  pinsOf,
  TLS_CLIENT_OPTION_NAMES,
  TLS_CREDENTIAL_NAMES,
  type TlsClientOptions,
  type TlsCredentials,
  withSeedFiles,
} from './tls-client.js';

export type { TlsClientOptions, TlsCredentials } from './tls-client.js';

/** Options of `connectTls`. */
export interface TlsConnectOptions extends TcpConnectOptions, TlsClientOptions {
  /** ALPN protocols to offer, most preferred first (e.g. `['h2', 'sluice/1']`). */
  alpnProtocols?: string[];
}

/** The names of `TlsConnectOptions`. */
export const TLS_CONNECT_OPTION_NAMES: OptionNames<TlsConnectOptions> = {
  ...TCP_CONNECT_OPTION_NAMES,
  ...TLS_CLIENT_OPTION_NAMES,
  alpnProtocols: true,
};

/** Options of `listenTls`. */
export interface TlsListenOptions extends SocketStreamOptions, TlsCredentials {
  /** Port (default 0: a free one). */
  port?: number;
  /** Address (default `127.0.0.1`). */
  host?: string;
  /** Kernel accept queue length. */
  backlog?: number;
  /** Ask for and verify a client certificate against `ca`; refuse clients without a valid one. */
  requireClientCert?: boolean;
  /** ALPN protocols the server supports, most preferred first. */
  alpnProtocols?: string[];
  /** Time allowed for a client's handshake, in ms (default 30000). */
  handshakeTimeoutMs?: number;
  /** TCP keepalive on accepted connections. */
  keepalive?: boolean | KeepAliveOptions;
  /** TCP_NODELAY on accepted connections (default true). */
  nodelay?: boolean;
}

/** The names of `TlsListenOptions`. */
export const TLS_LISTEN_OPTION_NAMES: OptionNames<TlsListenOptions> = {
  readTimeoutMs: true,
  writeTimeoutMs: true,
  maxBufferSize: true,
  ...TLS_CREDENTIAL_NAMES,
  port: true,
  host: true,
  backlog: true,
  requireClientCert: true,
  alpnProtocols: true,
  handshakeTimeoutMs: true,
  keepalive: true,
  nodelay: true,
};

/** A SocketStream over TLS, with what the handshake established. */
export class TlsStream extends SocketStream {
  /** The TLS socket. */
  declare readonly socket: TLSSocket;

  /** The ALPN protocol both sides agreed on, or false. */
  get alpnProtocol(): string | false {
    return this.socket.alpnProtocol ?? false;
  }

  /** The peer's certificate (empty object when it sent none). */
  get peerCertificate(): PeerCertificate {
    return this.socket.getPeerCertificate();
  }

  /** True when the peer's certificate was verified against the trusted CAs. */
  get authorized(): boolean {
    return this.socket.authorized;
  }
}

/**
 * Connects over TLS (the seed's `create_ssl_stream`). The certificate chain and the host name
 * are verified by default. Rejects with `AuthenticationError` when the server is not accepted
 * (unknown CA, wrong name, pinned fingerprint mismatch), `ConnectError`, or `TimeoutError`
 * (covering the TCP connect and the handshake).
 */
export async function connectTls(
  host: string,
  port: number,
  options: TlsConnectOptions = {},
): Promise<TlsStream> {
  checkOptions('connectTls', options, TLS_CONNECT_OPTION_NAMES);
  const [settings, tls] = await Promise.all([withSeedFiles('connectTls', options), loadTls()]);
  const target = `tls://${hostPort(host, port)}`;
  const family = settings.ipv6 === true ? 6 : settings.ipv6 === false ? 4 : 0;
  const servername = settings.servername ?? (isIP(host) ? undefined : host);
  const pins = pinsOf(settings);
  // `family` and `autoSelectFamily` reach the TCP connect; Node's typings omit them here.
  const connectOptions: ConnectionOptions & {
    family: number;
    autoSelectFamily: boolean;
    allowHalfOpen: boolean;
  } = {
    host,
    port,
    family,
    autoSelectFamily: family === 0,
    allowHalfOpen: true,
    ...credentials(settings),
    ...(settings.lookup ? { lookup: settings.lookup } : {}),
    ...(servername ? { servername } : {}),
    ...(settings.alpnProtocols ? { ALPNProtocols: settings.alpnProtocols } : {}),
    rejectUnauthorized: settings.rejectUnauthorized ?? true,
    checkServerIdentity: identityCheck(pins, target, tls.checkServerIdentity),
  };
  const socket = await openConnected(() => tls.connect(connectOptions), {
    event: 'secureConnect',
    timeoutMs: settings.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    signal: settings.signal,
    target,
  });
  // checkServerIdentity only runs when the chain verified; pins must hold without it too.
  const pinFailure = checkPins(pins, socket.getPeerCertificate(), target);
  if (pinFailure) {
    socket.destroy();
    throw pinFailure;
  }
  tuneSocket(socket, settings);
  return new TlsStream(socket, settings);
}

/** Listens for TLS connections; each accepted one (after its handshake) is a `TlsStream`. */
export async function listenTls(options: TlsListenOptions): Promise<StreamListener> {
  checkOptions('listenTls', options, TLS_LISTEN_OPTION_NAMES);
  const { createServer } = await loadTls();
  const host = options.host ?? '127.0.0.1';
  const requireClientCert = options.requireClientCert ?? false;
  const server = createServer({
    ...credentials(options),
    allowHalfOpen: true,
    requestCert: requireClientCert,
    rejectUnauthorized: requireClientCert,
    handshakeTimeout: options.handshakeTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ...(options.alpnProtocols ? { ALPNProtocols: options.alpnProtocols } : {}),
  });
  await listenAt(
    server,
    { port: options.port ?? 0, host, backlog: options.backlog },
    `tls://${hostPort(host, options.port ?? 0)}`,
  );
  const port = boundPort(server);
  return new NetListener({
    server,
    event: 'secureConnection',
    url: `tls://${hostPort(host, port)}`,
    wrap: (socket) => {
      tuneSocket(socket, options);
      return new TlsStream(socket, options);
    },
  });
}
