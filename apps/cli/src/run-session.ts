// The one place `sluice run` meets pty-attach: create the container, then attach (which
// registers the wait and starts it), or just start it for -d. The swap to pty-attach's
// run() is this file only.
import { attach } from '@sluice/pty-attach';
import type { Docker, EngineHandle } from './engine.js';
import type { Finished } from './session-result.js';

/** The container to create, as the Engine API's create body (plus `name`). */
export type CreateOptions = Parameters<Docker['createContainer']>[0];

/** How `run` should attach. */
export interface RunSessionOptions {
  /** `-d`: start and return the ID. */
  detach: boolean;
  /** Attach stdin. */
  interactive: boolean;
  /** `--rm`. */
  remove: boolean;
  /** Detach sequence. */
  detachKeys?: string;
  /** Warnings the CLI prints. */
  onWarning: (message: string) => void;
}

/** What happened. */
export type RunOutcome =
  | { kind: 'detached-start'; id: string }
  | { kind: 'finished'; result: Finished };

/** Creates and runs the container. */
export async function startRun(
  engine: EngineHandle,
  create: CreateOptions,
  options: RunSessionOptions,
): Promise<RunOutcome> {
  const container = await engine.docker.createContainer(create);
  if (options.detach) {
    await container.start();
    return { kind: 'detached-start', id: container.id };
  }
  const session = attach(engine.docker, container.id, {
    interactive: options.interactive,
    ...(options.interactive ? {} : { stdin: null }),
    ...(options.detachKeys === undefined ? {} : { detachKeys: options.detachKeys }),
    onWarning: options.onWarning,
  });
  const result = await session.result;
  if (result.error !== undefined && options.remove) {
    // A container that never started is not auto-removed by the engine.
    await container.remove({ force: true }).catch(() => undefined);
  }
  return { kind: 'finished', result };
}
