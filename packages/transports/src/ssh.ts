// TunneledSocketStream: a byte stream to target host:port through an SSH server (ssh2
// `forwardOut`, like `ssh -W`), with the server's host key verified by default.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import {
  AuthenticationError,
  ConnectError,
  Stream,
  StreamError,
  TimeoutError,
} from '@sluice/stream-core';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { toStreamError } from './errors-map.js';
import {
  checkFingerprint,
  checkKnownHosts,
  type HostKeyVerdict,
  preferredHostKeyAlgorithms,
} from './known-hosts.js';
import { SshChannelDuplex } from './ssh-channel-duplex.js';
import { type IdleTimeouts, watchIdle } from './watchdog.js';

/** Where to tunnel to, and how to reach and trust the SSH server on the way. */
export interface SshTunnelOptions extends IdleTimeouts {
  /** The SSH server. */
  host: string;
  /** Its port. Default 22. */
  port?: number;
  /** User to log in as. */
  username: string;
  /** Private key (OpenSSH or PEM text) for public-key authentication. */
  privateKey?: string | Buffer;
  /** Passphrase of an encrypted `privateKey`. */
  passphrase?: string;
  /** Password authentication (prefer keys). */
  password?: string;
  /** Path of an ssh-agent socket. Default: $SSH_AUTH_SOCK when no key or password is given. */
  agent?: string;
  /** known_hosts file to verify the host key against. Default `~/.ssh/known_hosts` (unless `hostFingerprint` is given). */
  knownHosts?: string;
  /** Pin the host key instead: its SHA256 fingerprint as `ssh-keygen -l` prints it (`SHA256:…`). */
  hostFingerprint?: string;
  /** Trust a host key known_hosts does not list. A listed host with a different key is still refused. Default false. */
  acceptUnknownHostKey?: boolean;
  /** The host and port the SSH server connects to for us. */
  target: { host: string; port: number };
  /** Time allowed for TCP connect, SSH handshake and authentication, in ms. Default 20000. */
  readyTimeoutMs?: number;
  /** SSH-level keepalive interval, in ms; 0 disables. Default 0. */
  keepaliveIntervalMs?: number;
  /** Aborts the connect. */
  signal?: AbortSignal;
  /** Upper bound of each stream-core buffer, in bytes (default MAX_BUFFER_SIZE). */
  maxBufferSize?: number;
}

/** Options of `connectSshTunnel`: everything but what the URL says. */
export type SshTunnelUrlOptions = Omit<SshTunnelOptions, 'host' | 'port' | 'username' | 'target'> &
  Partial<Pick<SshTunnelOptions, 'username'>>;

const DEFAULT_READY_TIMEOUT_MS = 20_000;

async function loadKnownHosts(options: SshTunnelOptions): Promise<string> {
  const path = options.knownHosts ?? join(homedir(), '.ssh', 'known_hosts');
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    // A missing default file means "nothing known"; a named file that is missing is a mistake.
    if (options.knownHosts === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT')
      return '';
    throw new ConnectError(`cannot read known_hosts file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function mapSshError(
  where: string,
  error: Error & { level?: string; code?: unknown },
): StreamError {
  if (error instanceof StreamError) return error;
  switch (error.level) {
    case 'client-authentication':
    case 'agent':
      return new AuthenticationError(`${where}: authentication failed: ${error.message}`, {
        cause: error,
      });
    case 'client-timeout':
      return new TimeoutError(`${where}: ${error.message}`, { cause: error });
    default:
      return toStreamError(error, 'connect', where);
  }
}

/** A stream to `target` through an SSH server; closing it closes the tunnel and the connection. */
export class TunneledSocketStream extends Stream {
  /** The SSH connection (one per stream); undefined for a tunnel made elsewhere. */
  readonly client: Client | undefined;
  /** The forwarded channel; undefined for a tunnel made elsewhere. */
  readonly channel: ClientChannel | undefined;

  /**
   * Wraps a tunnel that is already open: the channel `connect()` opened, or any Duplex that
   * leads to the target (a proxied socket, an ssh2 channel of your own, …), as the seed's
   * `TunneledSocketStream(sock)` does.
   */
  constructor(tunnel: Duplex, options: IdleTimeouts & { maxBufferSize?: number | undefined } = {}) {
    super(
      tunnel,
      options.maxBufferSize === undefined ? {} : { maxBufferSize: options.maxBufferSize },
    );
    this.client = tunnel instanceof SshChannelDuplex ? tunnel.client : undefined;
    this.channel = tunnel instanceof SshChannelDuplex ? tunnel.channel : undefined;
    watchIdle(this, tunnel, options);
  }

  /** Connects to the SSH server, verifies it, logs in and opens the tunnel to `options.target`. */
  static async connect(options: SshTunnelOptions): Promise<TunneledSocketStream> {
    options.signal?.throwIfAborted();
    const port = options.port ?? 22;
    const where = `ssh://${options.username}@${options.host}:${port}`;
    const knownHosts = options.hostFingerprint === undefined ? await loadKnownHosts(options) : '';
    let rejection: AuthenticationError | undefined;
    const hostVerifier = (key: Buffer): boolean => {
      const verdict: HostKeyVerdict =
        options.hostFingerprint !== undefined
          ? checkFingerprint(options.hostFingerprint, options.host, port, key)
          : checkKnownHosts(knownHosts, options.host, port, key);
      if (verdict.ok) return true;
      if (verdict.reason === 'unknown' && options.acceptUnknownHostKey === true) return true;
      rejection = new AuthenticationError(`${where}: ${verdict.message}`);
      return false;
    };

    const client = new Client();
    const config: ConnectConfig = {
      host: options.host,
      port,
      username: options.username,
      privateKey: options.privateKey,
      passphrase: options.passphrase,
      password: options.password,
      agent:
        options.agent ??
        (options.privateKey === undefined && options.password === undefined
          ? process.env.SSH_AUTH_SOCK
          : undefined),
      readyTimeout: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      keepaliveInterval: options.keepaliveIntervalMs ?? 0,
      hostVerifier,
    };
    const serverHostKey = preferredHostKeyAlgorithms(knownHosts, options.host, port);
    if (serverHostKey) config.algorithms = { serverHostKey: serverHostKey as never };

    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      const onAbort = (): void => done(options.signal?.reason as Error);
      const onError = (error: Error): void => done(rejection ?? mapSshError(where, error));
      const onClose = (): void =>
        done(rejection ?? new ConnectError(`${where}: the server closed the connection`));
      let settled = false;
      const done = (error: Error | undefined, opened?: ClientChannel): void => {
        if (settled) return;
        settled = true;
        options.signal?.removeEventListener('abort', onAbort);
        client.off('error', onError).off('close', onClose);
        if (opened) {
          resolve(opened);
          return;
        }
        client.on('error', () => undefined); // late errors of a connection we gave up on
        client.end();
        reject(error);
      };
      client.on('error', onError).on('close', onClose);
      client.once('ready', () => {
        client.forwardOut(
          '127.0.0.1',
          0,
          options.target.host,
          options.target.port,
          (error, opened) => {
            if (error) {
              const why = error.message.replace(/^\(SSH\) /, '');
              done(
                new ConnectError(
                  `${where}: the server could not reach ${options.target.host}:${options.target.port}: ${why}`,
                  { cause: error },
                ),
              );
            } else {
              done(undefined, opened);
            }
          },
        );
      });
      // Reading known_hosts was awaited: the signal may have fired meanwhile.
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        client.connect(config);
      } catch (error) {
        // ssh2 throws synchronously on a bad key or option.
        done(new AuthenticationError(`${where}: ${(error as Error).message}`, { cause: error }));
      }
    });

    return new TunneledSocketStream(new SshChannelDuplex(channel, client), options);
  }
}

/** Parses `ssh://user@host[:port]/target-host:port` (IPv6 in brackets). */
export function parseSshUrl(
  url: string,
): Pick<SshTunnelOptions, 'host' | 'port' | 'username' | 'target'> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new ConnectError(`not a valid ssh:// URL: ${url}`, { cause: error });
  }
  const target = /^\/(\[[^\]]+\]|[^/:]+):(\d+)\/?$/.exec(decodeURIComponent(parsed.pathname));
  if (parsed.protocol !== 'ssh:' || !parsed.hostname || !target?.[1] || !target[2]) {
    throw new ConnectError(`expected ssh://user@host[:port]/target-host:port, got ${url}`);
  }
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 22,
    username: decodeURIComponent(parsed.username),
    target: { host: target[1].replace(/^\[|\]$/g, ''), port: Number(target[2]) },
  };
}

/** Opens a tunnel described by `ssh://user@host[:port]/target-host:port`. */
export async function connectSshTunnel(
  url: string,
  options: SshTunnelUrlOptions = {},
): Promise<TunneledSocketStream> {
  const where = parseSshUrl(url);
  const username = where.username || options.username;
  if (!username) throw new ConnectError(`${url}: no user name (ssh://user@host/...)`);
  return TunneledSocketStream.connect({ ...options, ...where, username });
}
