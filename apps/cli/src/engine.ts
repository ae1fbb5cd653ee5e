// The one place the CLI gets its Docker engine: --host / DOCKER_HOST, --context /
// DOCKER_CONTEXT, resolved as the Docker CLI resolves them (pty-attach's resolveEngine()).
// Failures to reach it become one line that names the address.
// A static import of the one function: the bundle (dist/bin) then carries only what
// resolveEngine needs, where a dynamic import of the package would load its whole index.
import { type Engine, resolveEngine } from '@sluice/pty-attach';
import type { GlobalOptions } from './context.js';
import { CliError } from './errors.js';

/** The dockerode instance pty-attach works with. */
export type Docker = Engine['docker'];

/** An engine to talk to. */
export interface EngineHandle {
  /** The engine, for pty-attach's sessions (which do not load dockerode). */
  engine: Engine;
  /** A dockerode instance over the same connections, made (and dockerode loaded) on first read. */
  readonly docker: Docker;
  /** Its address, for messages (e.g. `unix:///var/run/docker.sock`). */
  address: string;
}

/** Resolves the engine named by the global options and the environment. */
export async function openEngine(globals: GlobalOptions): Promise<EngineHandle> {
  const engine = await resolveEngine({
    ...(globals.host === undefined ? {} : { host: globals.host }),
    ...(globals.context === undefined ? {} : { context: globals.context }),
  });
  return {
    engine,
    get docker() {
      return engine.docker;
    },
    address: engine.address,
  };
}

const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
]);

/** `error` in words when it is a failure to reach the engine; otherwise `error` itself. */
export function explainEngineError(
  error: unknown,
  engine: { address: string },
  exitCode?: number,
): unknown {
  const e = error as { code?: string; syscall?: string; message?: string };
  const unreachable =
    e.code === 'ERR_SLUICE_CONNECT' ||
    (e.code !== undefined &&
      CONNECT_FAILURES.has(e.code) &&
      (e.syscall === 'connect' || e.syscall === 'getaddrinfo'));
  if (!unreachable) return error;
  return new CliError(`cannot connect to the Docker engine at ${engine.address}`, {
    hint: 'is it running? Choose another with --host, DOCKER_HOST or --context',
    cause: error,
    ...(exitCode === undefined ? {} : { exitCode }),
  });
}
