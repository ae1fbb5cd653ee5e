// ssh:// engines, reached as the Docker CLI reaches them: `docker system dial-stdio` run on
// the remote host over SSH (through @sluice/transports, host key verified against
// known_hosts), its stdin and stdout being the connection to the remote engine. One SSH
// connection per engine connection, as the CLI's `ssh … docker system dial-stdio`.
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { type ByteStream, ConnectError } from '@sluice/stream-core';
import type { EngineEndpoint } from './endpoint.js';

/** How to log in to the SSH server of an ssh:// engine. */
export interface SshEngineOptions {
  /** known_hosts file to verify the host key with. Default `~/.ssh/known_hosts`. */
  knownHosts?: string;
  /** Pin the host key by its `SHA256:…` fingerprint instead. */
  hostFingerprint?: string;
  /** Private key text. Default: `privateKeyPath`, else `$SSH_AUTH_SOCK`, else `~/.ssh/id_ed25519`, `id_ecdsa`, `id_rsa`. */
  privateKey?: string | Buffer;
  /** File to read the private key from. */
  privateKeyPath?: string;
  /** Passphrase of an encrypted key. */
  passphrase?: string;
  /** ssh-agent socket. Default `$SSH_AUTH_SOCK` when no key is given. */
  agent?: string;
  /** Time allowed for the TCP connect, SSH handshake and login, in ms. Default 20000. */
  readyTimeoutMs?: number;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

async function readKey(path: string, required: boolean): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConnectError(`cannot read the SSH key ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function credentials(options: SshEngineOptions): Promise<Record<string, unknown>> {
  if (options.privateKey !== undefined) return { privateKey: options.privateKey };
  if (options.privateKeyPath !== undefined) {
    return { privateKey: await readKey(options.privateKeyPath, true) };
  }
  const agent = options.agent ?? process.env.SSH_AUTH_SOCK;
  if (agent) return { agent };
  for (const name of DEFAULT_KEYS) {
    const key = await readKey(join(homedir(), '.ssh', name), false);
    if (key) return { privateKey: key };
  }
  return {};
}

/** One dial-stdio connection to the engine behind `endpoint`. */
export async function connectSshDialStdio(
  endpoint: Extract<EngineEndpoint, { kind: 'ssh' }>,
  address: string,
  options: SshEngineOptions,
): Promise<ByteStream> {
  const { connectSshExec } = await import('@sluice/transports');
  const command = endpoint.socketPath
    ? `docker --host unix://${endpoint.socketPath} system dial-stdio`
    : 'docker system dial-stdio';
  try {
    return await connectSshExec({
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.username ?? userInfo().username,
      command,
      ...(await credentials(options)),
      ...(options.passphrase !== undefined ? { passphrase: options.passphrase } : {}),
      ...(options.knownHosts !== undefined ? { knownHosts: options.knownHosts } : {}),
      ...(options.hostFingerprint !== undefined
        ? { hostFingerprint: options.hostFingerprint }
        : {}),
      ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    });
  } catch (error) {
    if (error instanceof Error && !error.message.includes(address)) {
      error.message = `${error.message} (Docker host ${address})`;
    }
    throw error;
  }
}
