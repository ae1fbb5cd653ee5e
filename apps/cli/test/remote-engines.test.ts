// Acceptance: `sluice run` and `sluice logs` on the engines a remote user reaches — TCP with
// TLS (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), ssh:// through the project's sshd,
// and a Docker CLI context (made by the Docker CLI, as current context and with --context).
// Where the Docker CLI reaches the same engine, it runs first as the anchor.
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sshDockerHost, TEST_IMAGE, tlsDockerEngine } from '@sluice/test-env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerName, type Ran, run } from './harness.js';

const [tls, ssh] = await Promise.all([tlsDockerEngine(), sshDockerHost()]);
const SCRIPT = ['sh', '-c', 'echo "out $((6*7))"; echo err >&2; exit 4'];
const seen = (r: Ran) => ({ code: r.code, out: r.stdout.toString(), err: r.stderr });
const EXPECTED = { code: 4, out: 'out 42\n', err: 'err\n' };

type Env = Record<string, string | undefined>;

/** run --rm, then run -d + logs, with `sluice` under `env` (and `args` before the command). */
async function runAndLogs(tool: 'sluice' | 'docker', env: Env, global: string[] = []) {
  const ran = await run(tool, [...global, 'run', '--rm', TEST_IMAGE, ...SCRIPT], { env });
  const name = containerName(`remote-${tool}`);
  const started = await run(
    'docker',
    [...global, 'run', '-d', '--name', name, TEST_IMAGE, ...SCRIPT],
    {
      env: tool === 'docker' ? env : dockerEnv(env),
    },
  );
  expect(started.code, started.stderr).toBe(0);
  await run('docker', [...global, 'wait', name], { env: dockerEnv(env) });
  const logs = await run(tool, [...global, 'logs', name], { env });
  await run('docker', [...global, 'rm', '-f', name], { env: dockerEnv(env) });
  return { run: seen(ran), logs: { ...seen(logs), code: logs.code } };
}

/** The environment the Docker CLI needs for the engine `env` names (ssh:// excepted). */
let dockerEnv = (env: Env): Env => env;

describe('sluice on remote engines', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-cli-remote-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!tls.available)('DOCKER_HOST=tcp:// with TLS: run and logs, as docker', async () => {
    const engine = tls.available ? tls.value : (undefined as never);
    const env = { ...engine.env, DOCKER_CONTEXT: undefined };
    const anchor = await runAndLogs('docker', env);
    expect(anchor).toEqual({ run: EXPECTED, logs: { ...EXPECTED, code: 0 } });
    expect(await runAndLogs('sluice', env)).toEqual(anchor);
    // Without the client certificate the engine is not reached: one line, 125 for run.
    const r = await run('sluice', ['run', '--rm', TEST_IMAGE, 'true'], {
      env: {
        DOCKER_HOST: engine.host,
        DOCKER_TLS_VERIFY: undefined,
        DOCKER_CERT_PATH: undefined,
        DOCKER_CONTEXT: undefined,
      },
    });
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^sluice: [^\n]+\n$/);
  });

  it.skipIf(!tls.available)('a Docker CLI context: the current one, and --context', async () => {
    const engine = tls.available ? tls.value : (undefined as never);
    const config = join(dir, 'docker-config');
    await mkdir(config, { recursive: true });
    const base = {
      DOCKER_CONFIG: config,
      DOCKER_HOST: undefined,
      DOCKER_TLS_VERIFY: undefined,
      DOCKER_CERT_PATH: undefined,
      DOCKER_CONTEXT: undefined,
    };
    const c = engine.certPath;
    const made = await run(
      'docker',
      [
        'context',
        'create',
        'sluice-tls',
        '--docker',
        `host=${engine.host},ca=${c}/ca.pem,cert=${c}/cert.pem,key=${c}/key.pem`,
      ],
      { env: base },
    );
    expect(made.code, made.stderr).toBe(0);
    expect((await run('docker', ['context', 'use', 'sluice-tls'], { env: base })).code).toBe(0);
    const anchor = await runAndLogs('docker', base);
    expect(anchor.run).toEqual(EXPECTED);
    expect(await runAndLogs('sluice', base)).toEqual(anchor);
    // --context names it explicitly, over a current context that is the default engine.
    expect((await run('docker', ['context', 'use', 'default'], { env: base })).code).toBe(0);
    const named = await run(
      'sluice',
      ['--context', 'sluice-tls', 'run', '--rm', TEST_IMAGE, ...SCRIPT],
      { env: base },
    );
    expect(seen(named)).toEqual(EXPECTED);
    const missing = await run('sluice', ['--context', 'no-such-context', 'logs', 'x'], {
      env: base,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^sluice: [^\n]*no-such-context[^\n]*\n$/);
  });

  it.skipIf(!ssh.available)('DOCKER_HOST=ssh:// through the test sshd: run and logs', async () => {
    const host = ssh.available ? ssh.value : (undefined as never);
    // A person's ~/.ssh: the host's key in known_hosts, their key as id_ed25519.
    const home = join(dir, 'home');
    await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    await copyFile(host.knownHostsPath, join(home, '.ssh', 'known_hosts'));
    await copyFile(host.identityPath, join(home, '.ssh', 'id_ed25519'));
    const env = {
      HOME: home,
      DOCKER_HOST: host.host,
      DOCKER_CONTEXT: undefined,
      SSH_AUTH_SOCK: undefined,
    };
    // The Docker CLI's ssh reads the real user's ~/.ssh, so the anchor is the local engine.
    dockerEnv = () => ({ DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined });
    try {
      expect(await runAndLogs('sluice', env)).toEqual({
        run: EXPECTED,
        logs: { ...EXPECTED, code: 0 },
      });
    } finally {
      dockerEnv = (e) => e;
    }
    // It really goes over SSH: without the host key in known_hosts it is refused.
    const stranger = join(dir, 'stranger');
    await mkdir(join(stranger, '.ssh'), { recursive: true });
    await copyFile(host.identityPath, join(stranger, '.ssh', 'id_ed25519'));
    const refused = await run('sluice', ['logs', 'x'], { env: { ...env, HOME: stranger } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^sluice: [^\n]*host key[^\n]*\n$/i);
  });
});
