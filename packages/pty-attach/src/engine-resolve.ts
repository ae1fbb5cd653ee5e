import { assertKnownOptions, ConnectError } from '@sluice/stream-core';
import type Docker from 'dockerode';
import { agentFor } from './agent.js';
import {
  type EngineConnector,
  endpointConnector,
  joinPrefix,
  registerConnector,
} from './connector.js';
import { requireDockerode } from './dockerode.js';
import {
  DEFAULT_DOCKER_HOST,
  type EngineEndpoint,
  type EngineTls,
  formatEndpoint,
  parseDockerHost,
} from './endpoint.js';
import type { Engine, ResolveEngineOptions } from './engine.js';

const OPTION_KEYS: readonly string[] = [
  'host',
  'context',
  'env',
  'connect',
  'version',
  'timeoutMs',
  'ssh',
];

/** Where the settings came from, in the CLI's order. */
async function pickHost(
  options: ResolveEngineOptions,
  env: NodeJS.ProcessEnv,
): Promise<{ endpoint: EngineEndpoint; source: string }> {
  if (options.host !== undefined) return fromHost(options.host, env, 'the host option');
  if (options.context === undefined && env.DOCKER_HOST) {
    return fromHost(env.DOCKER_HOST, env, 'DOCKER_HOST');
  }
  // The CLI config is read only when nothing above named the engine.
  const { currentContext, readContext } = await import('./docker-config.js');
  const name = options.context ?? (env.DOCKER_CONTEXT || (await currentContext(env)));
  if (name !== undefined && name !== 'default') {
    const context = await readContext(name, env);
    const endpoint = parseDockerHost(context.host);
    if (endpoint.kind === 'tcp' && context.tlsDir !== undefined) {
      endpoint.tls = await readTls(context.tlsDir, !context.skipTlsVerify);
    }
    return { endpoint, source: `context "${name}"` };
  }
  return fromHost(DEFAULT_DOCKER_HOST, env, 'default');
}

async function fromHost(
  host: string,
  env: NodeJS.ProcessEnv,
  source: string,
): Promise<{ endpoint: EngineEndpoint; source: string }> {
  const endpoint = parseDockerHost(host);
  if (endpoint.kind === 'tcp' && endpoint.tls === undefined) {
    // As the CLI: DOCKER_TLS_VERIFY (any value) verifies; DOCKER_TLS alone encrypts only.
    const verify = Boolean(env.DOCKER_TLS_VERIFY);
    if (verify || env.DOCKER_TLS) {
      const { dockerConfigDir } = await import('./docker-config.js');
      endpoint.tls = await readTls(env.DOCKER_CERT_PATH || dockerConfigDir(env), verify);
    }
  }
  return { endpoint, source };
}

async function readTls(dir: string, verify: boolean): Promise<EngineTls> {
  const { readFile } = process.getBuiltinModule('node:fs/promises');
  const { join } = process.getBuiltinModule('node:path');
  const read = async (name: string, required: boolean): Promise<Buffer | undefined> => {
    try {
      return await readFile(join(dir, name));
    } catch (error) {
      if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ConnectError(
        `cannot read the engine's TLS file ${join(dir, name)}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  };
  const [ca, cert, key] = await Promise.all([
    read('ca.pem', verify),
    read('cert.pem', false),
    read('key.pem', false),
  ]);
  return {
    verify,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
  };
}

/** The body of `resolveEngine`. @internal */
export async function resolveEngineNow(options: ResolveEngineOptions): Promise<Engine> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('resolveEngine(options): options must be an object');
  }
  assertKnownOptions(options, OPTION_KEYS, 'resolveEngine()');
  if (options.connect !== undefined && typeof options.connect !== 'function') {
    throw new TypeError('resolveEngine: options.connect must be a function');
  }
  if (
    options.timeoutMs !== undefined &&
    (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0)
  ) {
    throw new RangeError(
      `resolveEngine: timeoutMs must be a positive number, not ${options.timeoutMs}`,
    );
  }
  const env = options.env ?? process.env;
  const clientTimeout = Number(env.DOCKER_CLIENT_TIMEOUT);
  const timeoutMs =
    options.timeoutMs ??
    (Number.isFinite(clientTimeout) && clientTimeout > 0 ? clientTimeout : undefined);
  const prefixOf = (e: EngineEndpoint | undefined): string =>
    joinPrefix(e?.kind === 'tcp' ? e.pathPrefix : '', options.version);

  let connector: EngineConnector;
  let source: string;
  if (options.connect) {
    const named = options.host ? parseDockerHost(options.host) : undefined;
    connector = {
      address: named ? formatEndpoint(named) : 'a connection of the caller',
      netTarget: undefined,
      reuse: true,
      connect: options.connect,
      prefix: prefixOf(named),
      headers: {},
      timeoutMs,
    };
    source = 'the connect option';
  } else {
    const picked = await pickHost(options, env);
    source = picked.source;
    connector = {
      ...endpointConnector(picked.endpoint, { sshOptions: options.ssh }),
      prefix: prefixOf(picked.endpoint),
      headers: {},
      timeoutMs,
    };
  }
  // Registered before anything reads it: sessions given this engine use the connector.
  let docker: Docker | undefined;
  const engine: Engine = {
    address: connector.address,
    source,
    connect: connector.connect,
    // Made on first read: dockerode costs a few hundred modules that sessions do not need.
    get docker(): Docker {
      docker ??= makeDockerode(connector);
      return docker;
    },
  };
  registerConnector(engine, connector);
  return engine;
}

// dockerode over the same connect(): an agent that opens each connection with it.
function makeDockerode(connector: EngineConnector): Docker {
  const Dockerode = requireDockerode();
  const docker = new Dockerode({
    host: 'docker',
    port: 80,
    protocol: 'http',
    agent: agentFor(connector),
    // docker-modem drops its pathPrefix for absolute paths; its version goes first in each.
    ...(connector.prefix ? { version: connector.prefix.slice(1) } : {}),
    ...(connector.timeoutMs ? { timeout: connector.timeoutMs } : {}),
  } as Docker.DockerOptions);
  registerConnector(docker, connector);
  return docker;
}
