// `exec` / `startExec` (dockerpty's `exec_command`/`start_exec`, ExecOperation): run a
// command in a running container over one hijacked connection, with separate stdout and
// stderr when there is no TTY, and the exit code from ExecInspect (exec-session.ts).
import { assertKnownOptions } from '@sluice/stream-core';
import { assertEngine, SESSION_OPTION_KEYS } from './check-options.js';
import type { DockerOrEngine } from './engine.js';
import { Session, type SessionOptions } from './session.js';

/** Options of `exec`. */
export interface ExecOptions extends SessionOptions {
  /** Allocate a TTY; default: stdin and stdout are both terminals. */
  tty?: boolean;
  /** Environment as `NAME=value` strings. */
  env?: string[];
  /** Working directory inside the container. */
  workingDir?: string;
  /** User to run as (`user[:group]`). */
  user?: string;
  /** Run with extended privileges. */
  privileged?: boolean;
  /**
   * When the session is aborted or closed, send this signal to the exec's process (`true`:
   * SIGKILL). The Engine API cannot stop an exec, so it is signalled by its host pid: only
   * for an engine on this machine (a unix:// socket); elsewhere `onWarning` says it was not.
   * Default: none (the process only sees its stdin end).
   */
  killOnClose?: boolean | NodeJS.Signals;
}

/**
 * Creates an exec of `command` in `container` and attaches to it.
 *
 * @example
 * ```ts
 * const { exitCode } = await exec(engine, id, ['sh', '-c', 'exit 7'], { stdin: null }).result;
 * ```
 */
export function exec(
  engine: DockerOrEngine,
  container: string,
  command: string[],
  options: ExecOptions = {},
): Session {
  assertEngine(engine, 'exec()');
  assertKnownOptions(
    options,
    [...SESSION_OPTION_KEYS, 'tty', 'env', 'workingDir', 'user', 'privileged', 'killOnClose'],
    'exec()',
  );
  if (
    options.killOnClose !== undefined &&
    typeof options.killOnClose !== 'boolean' &&
    typeof options.killOnClose !== 'string'
  ) {
    throw new TypeError('exec: options.killOnClose must be a boolean or a signal name');
  }
  return new Session(
    // The implementation loads with the first session, not with the package.
    async (session) =>
      (await import('./exec-session.js')).createAndRunExec(
        session,
        engine,
        container,
        command,
        options,
      ),
    options.signal,
  );
}

/** Attaches to an exec created beforehand (e.g. with dockerode's `container.exec`). */
export function startExec(
  engine: DockerOrEngine,
  execId: string,
  options: SessionOptions = {},
): Session {
  assertEngine(engine, 'startExec()');
  assertKnownOptions(options, SESSION_OPTION_KEYS, 'startExec()');
  return new Session(
    async (session) =>
      (await import('./exec-session.js')).runExec(session, engine, execId, options),
    options.signal,
  );
}
