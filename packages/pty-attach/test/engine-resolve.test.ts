// resolveEngine as the Docker CLI resolves: a context made with the Docker CLI itself (in a
// temporary DOCKER_CONFIG) and selected with DOCKER_CONTEXT, or as the config's current
// context, reaches the engine it names; DOCKER_HOST wins over both; a missing context is an
// error naming it; an unreachable engine a ConnectError naming its address; an ssh:// host
// whose key known_hosts does not list is refused.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AuthenticationError, ConnectError } from '@sluice/stream-core';
import { dockerEngine, sshDockerHost, tlsDockerEngine } from '@sluice/test-env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attach, resolveEngine } from '../src/index.js';

const run = promisify(execFile);
const [tls, ssh, local] = await Promise.all([tlsDockerEngine(), sshDockerHost(), dockerEngine()]);

// The TLS engine keeps its data apart: its root dir tells it from the default engine.
const TLS_ROOT = '/var/lib/sluice-docker-tls';

describe.skipIf(!tls.available || !local.available)('Docker CLI contexts', () => {
  let config = '';
  beforeAll(async () => {
    if (!tls.available) return;
    config = await mkdtemp(join(tmpdir(), 'sluice-docker-config-'));
    const { host, certPath } = tls.value;
    const docker = `host=${host},ca=${certPath}/ca.pem,cert=${certPath}/cert.pem,key=${certPath}/key.pem`;
    await run('docker', ['context', 'create', 'sluice-tls', '--docker', docker], {
      env: { ...process.env, DOCKER_CONFIG: config },
    });
  });
  afterAll(() => rm(config, { recursive: true, force: true }));

  it('DOCKER_CONTEXT=x selects a context created with `docker context create`', async () => {
    const engine = await resolveEngine({
      env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'sluice-tls' },
    });
    expect(engine.address).toBe(tls.available ? tls.value.host : '');
    expect(engine.source).toBe('context "sluice-tls"');
    expect((await engine.docker.info()).DockerRootDir).toBe(TLS_ROOT);
  });

  it('the current context of the CLI config (`docker context use`) is used, and DOCKER_HOST wins over it', async () => {
    await run('docker', ['context', 'use', 'sluice-tls'], {
      env: { ...process.env, DOCKER_CONFIG: config },
    });
    const current = await resolveEngine({ env: { DOCKER_CONFIG: config } });
    expect((await current.docker.info()).DockerRootDir).toBe(TLS_ROOT);
    const overridden = await resolveEngine({
      env: {
        DOCKER_CONFIG: config,
        DOCKER_CONTEXT: 'sluice-tls',
        DOCKER_HOST: 'unix:///var/run/docker.sock',
      },
    });
    expect(overridden.address).toBe('unix:///var/run/docker.sock');
    expect((await overridden.docker.info()).DockerRootDir).not.toBe(TLS_ROOT);
  });

  it('a context that does not exist is a ConnectError naming it', async () => {
    const failure = resolveEngine({
      env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'no-such-ctx' },
    });
    await expect(failure).rejects.toThrow(ConnectError);
    await expect(failure).rejects.toThrow(/Docker context "no-such-ctx" does not exist/);
  });
});

describe('an engine that cannot be reached', () => {
  it('DOCKER_HOST at a missing socket: ConnectError naming the address (ENOENT)', async () => {
    const engine = await resolveEngine({ env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    const failure = attach(engine.docker, 'anything', { stdin: null }).result;
    await expect(failure).rejects.toThrow(ConnectError);
    await expect(failure).rejects.toThrow(/unix:\/\/\/nonexistent\/docker\.sock \(ENOENT\)/);
  });

  it('DOCKER_HOST at a refused port: ConnectError naming the address (ECONNREFUSED)', async () => {
    const server = createServer();
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    await new Promise((resolve) => server.close(resolve));
    const engine = await resolveEngine({ env: { DOCKER_HOST: `tcp://127.0.0.1:${port}` } });
    const failure = attach(engine.docker, 'anything', { stdin: null }).result;
    await expect(failure).rejects.toThrow(ConnectError);
    await expect(failure).rejects.toThrow(`tcp://127.0.0.1:${port} (ECONNREFUSED)`);
  });
});

describe.skipIf(!ssh.available)('ssh:// host keys', () => {
  it('a host key known_hosts does not list is refused with a clear error', async () => {
    if (!ssh.available) return;
    const dir = await mkdtemp(join(tmpdir(), 'sluice-known-hosts-'));
    try {
      const knownHosts = join(dir, 'known_hosts');
      await writeFile(knownHosts, '');
      const engine = await resolveEngine({
        env: ssh.value.env,
        ssh: { knownHosts, privateKeyPath: ssh.value.identityPath },
      });
      const failure = attach(engine.docker, 'anything', { stdin: null }).result;
      await expect(failure).rejects.toThrow(AuthenticationError);
      await expect(failure).rejects.toThrow(/host key|known_hosts/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
