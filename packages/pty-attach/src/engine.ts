// `resolveEngine`: the engine the Docker CLI would talk to, resolved once as the CLI does
// (engine-resolve.ts, loaded on first use). Sessions take the `Engine` itself and reach it
// with this package's own requests; `engine.docker`, a dockerode instance over the same
// connections, is made (and dockerode loaded) only when it is first read.
import type { Duplex } from 'node:stream';
import type { ByteStream } from '@sluice/stream-core';
import type Docker from 'dockerode';
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

/** An engine to talk to: what `run`, `attach`, `exec` and `startExec` take. */
export interface Engine {
  /**
   * A dockerode instance whose calls reach this engine over the same connections, made on
   * first read: dockerode (a peer dependency) is loaded then, and a missing or too old one
   * is a `StreamError` saying what to install. Sessions work without it.
   */
  readonly docker: Docker;
  /** The engine's address, e.g. `unix:///var/run/docker.sock`, for messages. */
  readonly address: string;
  /** Where the address came from: `DOCKER_HOST`, `context "x"`, `default`, … */
  readonly source: string;
  /** Opens a new connection to the engine (for a request of the caller's own). */
  connect(): Promise<Duplex | ByteStream>;
}

/** What a session runs against: an `Engine` (from `resolveEngine`, or the caller's own) or a dockerode instance. */
export type DockerOrEngine = Engine | Docker;

/**
 * Resolves the engine as the Docker CLI does: `host` option or `DOCKER_HOST` (with
 * `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`), then `context` option or `DOCKER_CONTEXT`, then
 * the current context of the CLI's config (`$DOCKER_CONFIG`, default `~/.docker`), then
 * `unix:///var/run/docker.sock`. A named context that does not exist is a `ConnectError`
 * naming it. Nothing is connected yet, and dockerode is not loaded.
 *
 * @example
 * ```ts
 * const engine = await resolveEngine(); // DOCKER_HOST=ssh://me@box works too
 * await attach(engine, 'my-container').result; // dockerode is not loaded for this
 * ```
 */
export async function resolveEngine(options: ResolveEngineOptions = {}): Promise<Engine> {
  return (await import('./engine-resolve.js')).resolveEngineNow(options);
}
