// `attach` (dockerpty's `start`/RunOperation): attach to a container, start it if it is not
// running, and stay until it exits or the user detaches. As the CLI: attach before start,
// the wait registered before start, start only if not running (attach-session.ts).
import { assertKnownOptions } from '@sluice/stream-core';
import { assertEngine, SESSION_OPTION_KEYS } from './check-options.js';
import type { DockerOrEngine } from './engine.js';
import { Session, type SessionOptions, type Session as SessionType } from './session.js';

/** Options of `attach`. */
export interface AttachOptions extends SessionOptions {
  /** Replay the container's output so far before the live stream (history on re-attach). */
  logs?: boolean;
  /** Forward signals the process receives to the container (non-TTY only); default: true when stdin is the process's. */
  proxySignals?: boolean;
}

/** Option names of `attach`. @internal */
export const ATTACH_OPTION_KEYS: readonly string[] = [
  ...SESSION_OPTION_KEYS,
  'logs',
  'proxySignals',
];

/** What `run` learns from the attach it drives. @internal */
export interface AttachHooks {
  /** The container did not start (the session ends with 125–127). */
  onStartFailure?: () => void;
}

/**
 * Attaches the caller's stdio (or the given streams) to `container`, starting it if needed.
 *
 * @example
 * ```ts
 * const { exitCode, detached } = await attach(engine, id).result;
 * ```
 */
export function attach(
  engine: DockerOrEngine,
  container: string,
  options: AttachOptions = {},
): SessionType {
  assertEngine(engine, 'attach()');
  assertKnownOptions(options, ATTACH_OPTION_KEYS, 'attach()');
  return new Session(
    // The implementation loads with the first session, not with the package.
    async (session) =>
      (await import('./attach-session.js')).attachInSession(session, engine, container, options),
    options.signal,
  );
}
