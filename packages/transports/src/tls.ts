// TLS: `createSslStream` (certificate and hostname verification on by default, client
// certificates, fingerprint pinning, ALPN) and a TLS listener that can require client
// certificates.
import { isIP } from 'node:net';
import {
  type ConnectionOptions,
  checkServerIdentity,
  createServer,
  type PeerCertificate,
  type SecureContextOptions,
  type TLSSocket,
  connect as tlsConnect,
} from 'node:tls';
import { AuthenticationError } from '@sluice/stream-core';
import { openConnected } from './connecting.js';
import type { StreamListener } from './listener.js';
import { boundPort, listenAt, NetListener } from './net-listener.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  hostPort,
  type KeepAliveOptions,
  SocketStream,
  type SocketStreamOptions,
  type TcpConnectOptions,
  tuneSocket,
} from './socket.js';

type Pem = string | Buffer;

/** Certificates and keys (PEM), as Node's `tls` takes them. */
export interface TlsCredentials {
  /** Private key (PEM) of `cert`. */
  key?: Pem;
  /** Certificate chain (PEM) presented to the peer. */
  cert?: Pem;
  /** Passphrase of `key`. */
  passphrase?: string;
  /** CAs to trust instead of the system's (PEM). */
  ca?: Pem | Pem[];
  /** PFX/PKCS#12 bundle instead of key and cert. */
  pfx?: Pem;
  /** Lowest TLS version to accept (default Node's, TLSv1.2). */
  minVersion?: SecureContextOptions['minVersion'];
}

/** Options of `createSslStream`. */
export interface TlsConnectOptions extends TcpConnectOptions, TlsCredentials {
  /** Name to verify the certificate against and to send as SNI (default: the host). */
  servername?: string;
  /**
   * Pin the server certificate by its SHA-256 fingerprint (`AB:CD:…`; colons and case do not
   * matter), checked in addition to the CA chain and hostname.
   */
  fingerprint256?: string | string[];
  /** ALPN protocols to offer, most preferred first (e.g. `['h2', 'sluice/1']`). */
  alpnProtocols?: string[];
  /** Verify the server's certificate chain and name. Default true; false is for tests only. */
  rejectUnauthorized?: boolean;
}

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

const normalizeFingerprint = (fp: string): string => fp.replace(/:/g, '').toUpperCase();

function credentials(options: TlsCredentials): SecureContextOptions {
  const out: SecureContextOptions = {};
  if (options.key !== undefined) out.key = options.key;
  if (options.cert !== undefined) out.cert = options.cert;
  if (options.passphrase !== undefined) out.passphrase = options.passphrase;
  if (options.ca !== undefined) out.ca = options.ca;
  if (options.pfx !== undefined) out.pfx = options.pfx;
  if (options.minVersion !== undefined) out.minVersion = options.minVersion;
  return out;
}

/**
 * Connects over TLS (the seed's `create_ssl_stream`). The certificate chain and the host name
 * are verified by default. Rejects with `AuthenticationError` when the server is not accepted
 * (unknown CA, wrong name, pinned fingerprint mismatch), `ConnectError`, or `TimeoutError`
 * (covering the TCP connect and the handshake).
 */
export async function createSslStream(
  host: string,
  port: number,
  options: TlsConnectOptions = {},
): Promise<TlsStream> {
  const target = `tls://${hostPort(host, port)}`;
  const family = options.ipv6 === true ? 6 : options.ipv6 === false ? 4 : 0;
  const servername = options.servername ?? (isIP(host) ? undefined : host);
  const pins = [options.fingerprint256 ?? []].flat().map(normalizeFingerprint);
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
    ...credentials(options),
    ...(options.lookup ? { lookup: options.lookup } : {}),
    ...(servername ? { servername } : {}),
    ...(options.alpnProtocols ? { ALPNProtocols: options.alpnProtocols } : {}),
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    checkServerIdentity: (name, cert) => {
      const mismatch = checkServerIdentity(name, cert);
      if (mismatch) return mismatch;
      if (pins.length && !pins.includes(normalizeFingerprint(cert.fingerprint256))) {
        return new AuthenticationError(
          `certificate fingerprint ${cert.fingerprint256} of ${target} is not the pinned one`,
        );
      }
      return undefined;
    },
  };
  const socket = await openConnected(() => tlsConnect(connectOptions), {
    event: 'secureConnect',
    timeoutMs: options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    signal: options.signal,
    target,
  });
  // checkServerIdentity only runs when the chain verified; pins must hold without it too.
  if (
    pins.length &&
    !pins.includes(normalizeFingerprint(socket.getPeerCertificate().fingerprint256))
  ) {
    socket.destroy();
    throw new AuthenticationError(`certificate fingerprint of ${target} is not the pinned one`);
  }
  tuneSocket(socket, options);
  return new TlsStream(socket, options);
}

/** Listens for TLS connections; each accepted one (after its handshake) is a `TlsStream`. */
export async function listenTls(options: TlsListenOptions): Promise<StreamListener> {
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
