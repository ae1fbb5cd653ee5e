// The engines the real-engine suites run against, each reached the way a user reaches it:
// the Unix socket, the second dockerd over TCP with mutual TLS (DOCKER_HOST, DOCKER_TLS_VERIFY,
// DOCKER_CERT_PATH), and the default engine over DOCKER_HOST=ssh://… through the test sshd.
import { dockerEngine, type RealPart, sshDockerHost, tlsDockerEngine } from '@sluice/test-env';
import { type Engine, resolveEngine } from '../src/index.js';

/** One engine to run a suite against. */
export interface TestEngine {
  /** For test names. */
  name: string;
  engine: RealPart<Engine>;
  /** The environment that selects it (for a child process such as the PTY fixture). */
  env: Record<string, string>;
  /** resolveEngine options besides the environment (the SSH login). */
  options: { ssh?: { knownHosts: string; privateKeyPath: string } };
}

async function fromEnv(
  part: RealPart<{ env: Record<string, string> }>,
  options: TestEngine['options'] = {},
): Promise<Omit<TestEngine, 'name'>> {
  if (!part.available) return { engine: part, env: {}, options };
  const engine = await resolveEngine({ env: part.value.env, ...options });
  return { engine: { available: true, value: engine }, env: part.value.env, options };
}

/** The engine on the default Unix socket. */
export async function unixTestEngine(): Promise<TestEngine> {
  const part = await dockerEngine();
  const env = { DOCKER_HOST: 'unix:///var/run/docker.sock' };
  return {
    name: 'unix socket',
    ...(await fromEnv(part.available ? { available: true, value: { env } } : part)),
  };
}

/** Every engine the suites run against. */
export async function testEngines(): Promise<TestEngine[]> {
  const [tls, ssh] = await Promise.all([tlsDockerEngine(), sshDockerHost()]);
  const sshOptions = ssh.available
    ? { ssh: { knownHosts: ssh.value.knownHostsPath, privateKeyPath: ssh.value.identityPath } }
    : {};
  return [
    await unixTestEngine(),
    { name: 'TLS engine', ...(await fromEnv(tls)) },
    { name: 'ssh:// engine', ...(await fromEnv(ssh, sshOptions)) },
  ];
}
