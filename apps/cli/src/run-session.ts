// The one place `sluice run` meets pty-attach: its run() (create, attach, register the wait,
// start, wait, and with --rm nothing left behind) on the engine itself, which does not load
// dockerode; or, for -d, create and start with dockerode.
import { run } from '@sluice/pty-attach';
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
  if (options.detach) {
    const container = await engine.docker.createContainer(create);
    await container.start();
    return { kind: 'detached-start', id: container.id };
  }
  const session = run(engine.engine, create, {
    remove: options.remove,
    interactive: options.interactive,
    ...(options.interactive ? {} : { stdin: null }),
    ...(options.detachKeys === undefined ? {} : { detachKeys: options.detachKeys }),
    onWarning: options.onWarning,
  });
  return { kind: 'finished', result: await session.result };
}
