// One SSH login, shared by tunnels and remote commands: connect, verify the host key
// (known_hosts or a pinned fingerprint), authenticate, then open one channel. `ssh2` is
// imported here on first use, not when the package loads.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationError, ConnectError, StreamError, TimeoutError } from '@sluice/stream-core';
import type { Client, ConnectConfig } from 'ssh2';
import { toStreamError } from './errors-map.js';
import type { HostKeyVerdict } from './known-hosts.js';
import { loadSsh2 } from './lazy.js';
import { type OptionNames, STREAM_OPTION_NAMES } from './option-names.js';
import type { TransportStreamOptions } from './stream-options.js';
import { traceError } from './trace.js';

/** How to reach, trust and log in to an SSH server. */
export interface SshConnectOptions extends TransportStreamOptions {
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
  /** Time allowed for TCP connect, SSH handshake and authentication, in ms. Default 20000. */
  readyTimeoutMs?: number;
  /** SSH-level keepalive interval, in ms; 0 disables. Default 0. */
  keepaliveIntervalMs?: number;
  /** Aborts the connect. */
  signal?: AbortSignal;
}

/** The names of `SshConnectOptions`. */
export const SSH_CONNECT_OPTION_NAMES: OptionNames<SshConnectOptions> = {
  ...STREAM_OPTION_NAMES,
  host: true,
  port: true,
  username: true,
  privateKey: true,
  passphrase: true,
  password: true,
  agent: true,
  knownHosts: true,
  hostFingerprint: true,
  acceptUnknownHostKey: true,
  readyTimeoutMs: true,
  keepaliveIntervalMs: true,
  signal: true,
};

const DEFAULT_READY_TIMEOUT_MS = 20_000;

/** `ssh://user@host:port`, for messages. */
export function sshWhere(options: SshConnectOptions): string {
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return `ssh://${options.username}@${host}:${options.port ?? 22}`;
}

async function loadKnownHosts(options: SshConnectOptions): Promise<string> {
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

/**
 * Opens a channel on a logged-in client and calls back with what wraps it, or with why it
 * failed. Wrap it in the callback itself: the channel's first events may follow at once.
 */
export type OpenChannel<T> = (
  client: Client,
  done: (error: Error | undefined, opened?: T) => void,
) => void;

/**
 * Connects, verifies the server, logs in and runs `open` on the ready client. Resolves with
 * what `open` opened; on any failure the connection is ended and the error is typed. Until
 * it resolves, the client always has an error listener.
 */
export async function openSshChannel<T>(
  options: SshConnectOptions,
  open: OpenChannel<T>,
): Promise<T> {
  options.signal?.throwIfAborted();
  const port = options.port ?? 22;
  const where = sshWhere(options);
  // The host-key checks (and node:crypto under them) load with ssh2, on the first SSH connect.
  const [
    knownHosts,
    { Client: SshClient },
    { checkFingerprint, checkKnownHosts, preferredHostKeyAlgorithms },
  ] = await Promise.all([
    options.hostFingerprint === undefined ? loadKnownHosts(options) : '',
    loadSsh2(),
    import('./known-hosts.js'),
  ]);
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

  const client = new SshClient();
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

  const opened = await new Promise<T>((resolve, reject) => {
    const onAbort = (): void => done(options.signal?.reason as Error);
    const onError = (error: Error): void => done(rejection ?? mapSshError(where, error));
    const onClose = (): void =>
      done(rejection ?? new ConnectError(`${where}: the server closed the connection`));
    let settled = false;
    const done = (error: Error | undefined, value?: T): void => {
      if (settled) {
        // Opened after we gave up (an abort meanwhile): nobody will use it.
        (value as { destroy?: () => void } | undefined)?.destroy?.();
        return;
      }
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      client.off('error', onError).off('close', onClose);
      if (!error) {
        resolve(value as T);
        return;
      }
      client.on('error', traceError(`${where}: after giving up the connect`));
      client.end();
      reject(error);
    };
    client.on('error', onError).on('close', onClose);
    client.once('ready', () => open(client, done));
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
  return opened;
}
