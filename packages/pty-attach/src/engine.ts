// `resolveEngine`: the engine the Docker CLI would talk to, resolved once as the CLI does,
// with a dockerode instance whose own calls and this package's hijacked sessions reach it
// over the same connection.
import type { Duplex } from 'node:stream';
import { type ByteStream, ConnectError } from '@sluice/stream-core';
import type Docker from 'dockerode';
import { agentFor } from './agent.js';
import {
  type EngineConnector,
  endpointConnector,
  joinPrefix,
  registerConnector,
} from './connector.js';
import { currentContext, dockerConfigDir, readContext } from './docker-config.js';
import { loadDockerode } from './dockerode.js';
import {
  DEFAULT_DOCKER_HOST,
  type EngineEndpoint,
  type EngineTls,
  formatEndpoint,
  parseDockerHost,
} from './endpoint.js';
import type { SshEngineOptions } from './ssh-dial.js';

/** Options of `resolveEngine`. */
export interface ResolveEngineOptions {
  /** A Docker host (`unix://…`, `tcp://…`, `ssh://…`); wins over everything else, as `-H`. */
  host?: string;
  /** A Docker CLI context name; wins over `DOCKER_CONTEXT` and the config's current context. */
  context?: string;
  /** Environment to read `DOCKER_*` from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Bring your own connection: every request (dockerode's and the sessions') goes over a new
   * connection from this function. `host` then only names the engine in messages.
   */
  connect?: () => Promise<Duplex | ByteStream>;
  /** API version prefix (e.g. `v1.41`); default: the engine's own. */
  version?: string;
  /** Bound of the engine's answers (not of streaming), in ms; default `DOCKER_CLIENT_TIMEOUT` or none. */
  timeoutMs?: number;
  /**
   * For ssh:// engines: how to log in (known_hosts, key or agent). Default:
   * `~/.ssh/known_hosts`, `$SSH_AUTH_SOCK`, then `~/.ssh/id_ed25519`, `id_ecdsa`, `id_rsa`.
   */
  ssh?: SshEngineOptions;
}

/** An engine to talk to. */
export interface Engine {
  /** A dockerode instance whose calls AND this package's sessions reach this engine. */
  readonly docker: Docker;
  /** The engine's address, e.g. `unix:///var/run/docker.sock`, for messages. */
  readonly address: string;
  /** Where the address came from: `DOCKER_HOST`, `context "x"`, `default`, … */
  readonly source: string;
  /** Opens a new connection to the engine (for a request of the caller's own). */
  connect(): Promise<Duplex | ByteStream>;
}

const OPTION_KEYS = new Set(['host', 'context', 'env', 'connect', 'version', 'timeoutMs', 'ssh']);

/** Where the settings came from, in the CLI's order. */
async function pickHost(
  options: ResolveEngineOptions,
  env: NodeJS.ProcessEnv,
): Promise<{ endpoint: EngineEndpoint; source: string }> {
  if (options.host !== undefined) return fromHost(options.host, env, 'the host option');
  if (options.context === undefined && env.DOCKER_HOST) {
    return fromHost(env.DOCKER_HOST, env, 'DOCKER_HOST');
  }
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
      endpoint.tls = await readTls(env.DOCKER_CERT_PATH || dockerConfigDir(env), verify);
    }
  }
  return { endpoint, source };
}

async function readTls(dir: string, verify: boolean): Promise<EngineTls> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
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

/**
 * Resolves the engine as the Docker CLI does: `host` option or `DOCKER_HOST` (with
 * `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`), then `context` option or `DOCKER_CONTEXT`, then
 * the current context of the CLI's config (`$DOCKER_CONFIG`, default `~/.docker`), then
 * `unix:///var/run/docker.sock`. A named context that does not exist is a `ConnectError`
 * naming it. Nothing is connected yet.
 *
 * @example
 * ```ts
 * const engine = await resolveEngine(); // DOCKER_HOST=ssh://me@box works too
 * await attach(engine.docker, 'my-container').result;
 * ```
 */
export async function resolveEngine(options: ResolveEngineOptions = {}): Promise<Engine> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('resolveEngine(options): options must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new TypeError(`resolveEngine: unknown option "${key}"`);
  }
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
  const Dockerode = await loadDockerode();
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
  // dockerode goes through the same connect(): an agent that opens each connection with it.
  const agent = await agentFor(connector);
  const docker = new Dockerode({
    host: 'docker',
    port: 80,
    protocol: 'http',
    agent,
    // docker-modem drops its pathPrefix for absolute paths; its version goes first in each.
    ...(connector.prefix ? { version: connector.prefix.slice(1) } : {}),
    ...(timeoutMs ? { timeout: timeoutMs } : {}),
  } as Docker.DockerOptions);
  registerConnector(docker, connector);
  return { docker, address: connector.address, source, connect: connector.connect };
}
