// The engines a remote user reaches: the second dockerd that scripts/engines/docker-tls.sh
// starts (TCP with mutual TLS, its own client certificate), and the default engine behind the
// test sshd as `DOCKER_HOST=ssh://root@127.0.0.1:PORT` (the remote side runs
// `docker system dial-stdio`, as the Docker CLI does).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerEngine } from './docker.js';
import { findRealPart, type RealPart } from './real-part.js';
import { sshdStateDir, sshServer } from './sshd.js';

/** The TLS engine: where it listens and the client files to reach it with. */
export interface TlsDockerEngine {
  /** `tcp://127.0.0.1:PORT`. */
  host: string;
  /** Directory with `ca.pem`, `cert.pem`, `key.pem` (what DOCKER_CERT_PATH names). */
  certPath: string;
  /** `DOCKER_HOST`, `DOCKER_TLS_VERIFY=1`, `DOCKER_CERT_PATH` for it. */
  env: Record<string, string>;
}

/** Directory the TLS engine script writes to (SLUICE_DOCKER_TLS_DIR overrides it). */
export function dockerTlsStateDir(): string {
  return (
    process.env.SLUICE_DOCKER_TLS_DIR ??
    fileURLToPath(new URL('../../../.cache/engines/docker-tls/', import.meta.url))
  );
}

/** Resolves when the engine answers `/_ping` over TLS with the client certificate. */
function ping(port: number, certPath: string, files: Buffer[]): Promise<void> {
  const [ca, cert, key] = files;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/_ping', ca, cert, key, timeout: 5000, agent: false },
      (res) => {
        res.resume();
        if (res.statusCode === 200) resolve();
        else
          reject(
            new Error(`the TLS engine on port ${port} answered /_ping with ${res.statusCode}`),
          );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer on port ${port} within 5 s`)));
    req.on('error', (error) =>
      reject(
        new Error(
          `the TLS engine on port ${port} (${certPath}) is not reachable: ${error.message}`,
        ),
      ),
    );
    req.end();
  });
}

let tlsCached: Promise<RealPart<TlsDockerEngine>> | undefined;

/** The second dockerd with TLS, or why not (skips loudly; under CI=true it is an error). */
export function tlsDockerEngine(): Promise<RealPart<TlsDockerEngine>> {
  tlsCached ??= findRealPart(
    'a Docker engine with TLS (scripts/engines/docker-tls.sh)',
    async () => {
      const dir = dockerTlsStateDir();
      const certPath = join(dir, 'client');
      const missing = (path: string) => () => {
        throw new Error(
          `${path} is missing: run 'bash scripts/engines/docker-tls.sh' (npm test does)`,
        );
      };
      const port = Number(
        (await readFile(join(dir, 'port'), 'utf8').catch(missing(join(dir, 'port')))).trim(),
      );
      const files = await Promise.all(
        ['ca.pem', 'cert.pem', 'key.pem'].map((f) =>
          readFile(join(certPath, f)).catch(missing(join(certPath, f))),
        ),
      );
      await ping(port, certPath, files);
      const host = `tcp://127.0.0.1:${port}`;
      return {
        host,
        certPath,
        env: { DOCKER_HOST: host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath },
      };
    },
  );
  return tlsCached;
}

/** The default engine as an ssh:// Docker host through the test sshd. */
export interface SshDockerHost {
  /** `ssh://root@127.0.0.1:PORT`. */
  host: string;
  /** `DOCKER_HOST` for it. */
  env: Record<string, string>;
  /** known_hosts with the sshd's host key. */
  knownHostsPath: string;
  /** The client's private key file (authorized on the sshd). */
  identityPath: string;
}

let sshCached: Promise<RealPart<SshDockerHost>> | undefined;

/** `DOCKER_HOST=ssh://…` to the default engine, or why not. */
export function sshDockerHost(): Promise<RealPart<SshDockerHost>> {
  sshCached ??= findRealPart(
    'the Docker engine behind the test sshd (scripts/engines/sshd.sh, docker.sh)',
    async () => {
      const [server, engine] = await Promise.all([sshServer(), dockerEngine()]);
      if (!server.available) throw new Error(server.reason);
      if (!engine.available) throw new Error(engine.reason);
      // The remote side runs the docker CLI: it must be on sshd's PATH.
      await new Promise<void>((resolve, reject) =>
        execFile('docker', ['version', '--format', '{{.Client.Version}}'], (error) =>
          error
            ? reject(new Error(`no docker CLI for 'docker system dial-stdio': ${error.message}`))
            : resolve(),
        ),
      );
      const host = `ssh://${server.value.username}@${server.value.host}:${server.value.port}`;
      return {
        host,
        env: { DOCKER_HOST: host },
        knownHostsPath: server.value.knownHostsPath,
        identityPath: join(sshdStateDir(), 'client_key'),
      };
    },
  );
  return sshCached;
}
