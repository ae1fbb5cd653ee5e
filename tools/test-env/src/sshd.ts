// The real OpenSSH sshd that scripts/engines/sshd.sh starts on a loopback port, with the keys
// it made on the spot (host key, and a client key authorized for the current user).
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRealPart, type RealPart } from './real-part.js';

/** Where to reach the test sshd and how to authenticate both ways. */
export interface SshServer {
  /** Loopback address sshd listens on. */
  host: string;
  /** Its port. */
  port: number;
  /** The user the client key logs in as. */
  username: string;
  /** The client's private key (OpenSSH format, no passphrase). */
  privateKey: string;
  /** The host's public key line (`ssh-ed25519 AAAA…`). */
  hostKey: string;
  /** A known_hosts text holding the host key for `[host]:port`. */
  knownHosts: string;
  /** Path of that known_hosts file. */
  knownHostsPath: string;
  /** The host key's fingerprint as OpenSSH prints it (`SHA256:…`). */
  fingerprint: string;
}

/** Directory the engine script writes to (SLUICE_SSHD_DIR overrides it). */
export function sshdStateDir(): string {
  return (
    process.env.SLUICE_SSHD_DIR ??
    fileURLToPath(new URL('../../../.cache/engines/sshd/', import.meta.url))
  );
}

/** Resolves when something on host:port greets with an SSH banner. */
function greets(host: string, port: number, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (why: string): void => {
      socket.destroy();
      reject(new Error(`sshd at ${host}:${port} ${why}`));
    };
    socket.setTimeout(timeoutMs, () => fail(`sent no banner within ${timeoutMs} ms`));
    socket.once('error', (error) => fail(`is not reachable (${error.message})`));
    socket.once('data', (chunk: Buffer) => {
      socket.destroy();
      if (chunk.subarray(0, 4).toString('latin1') === 'SSH-') resolve();
      else fail('answered without an SSH banner');
    });
  });
}

let cached: Promise<RealPart<SshServer>> | undefined;

/** The test sshd, or why it is not there (skips loudly; under CI=true it is an error). */
export function sshServer(): Promise<RealPart<SshServer>> {
  cached ??= findRealPart('a real OpenSSH sshd (scripts/engines/sshd.sh)', async () => {
    const dir = sshdStateDir();
    const read = (name: string): Promise<string> =>
      readFile(join(dir, name), 'utf8').catch(() => {
        throw new Error(
          `${join(dir, name)} is missing: run 'bash scripts/engines/sshd.sh' (npm test does)`,
        );
      });
    const [port, username, privateKey, hostKeyLine, knownHosts, fingerprint] = await Promise.all([
      read('port'),
      read('user'),
      read('client_key'),
      read('host_key.pub'),
      read('known_hosts'),
      read('host_fingerprint'),
    ]);
    const server: SshServer = {
      host: '127.0.0.1',
      port: Number(port.trim()),
      username: username.trim(),
      privateKey,
      hostKey: hostKeyLine.trim().split(/\s+/).slice(0, 2).join(' '),
      knownHosts,
      knownHostsPath: join(dir, 'known_hosts'),
      fingerprint: fingerprint.trim(),
    };
    await greets(server.host, server.port);
    return server;
  });
  return cached;
}
