// `sluice run [-i] [-t] [-d] [--rm] [--name N] [--detach-keys K] [-e K=V]… [-w DIR] [-u USER]
// [--entrypoint E] IMAGE [CMD…]`: create, attach, start, wait — the container's exit code.
// Any failure before the container runs is 125, as the Docker CLI's.
import type { Context } from '../context.js';
import { explainEngineError, openEngine } from '../engine.js';
import { USAGE_EXIT_CODE } from '../errors.js';
import { startRun } from '../run-session.js';
import { exitCodeOf } from '../session-result.js';
import { requireTerminalStdin } from '../tty-check.js';

/** Options of `sluice run`. */
export interface RunFlags {
  /** Attach stdin. */
  interactive?: boolean;
  /** Allocate a TTY. */
  tty?: boolean;
  /** Start in the background, print the ID. */
  detach?: boolean;
  /** Remove the container when it exits. */
  rm?: boolean;
  /** Container name. */
  name?: string;
  /** Detach sequence. */
  detachKeys?: string;
  /** `KEY=VALUE` environment entries. */
  env: string[];
  /** Working directory. */
  workdir?: string;
  /** User. */
  user?: string;
  /** Entrypoint override (`''` clears it). */
  entrypoint?: string;
}

/** Runs `sluice run`; resolves with the exit code. */
export async function run(
  ctx: Context,
  image: string,
  command: string[],
  flags: RunFlags,
): Promise<number> {
  const interactive = flags.interactive === true && flags.detach !== true;
  requireTerminalStdin(interactive, flags.tty === true);
  const engine = await openEngine(ctx.globals);
  const create = {
    Image: image,
    ...(command.length > 0 ? { Cmd: command } : {}),
    ...(flags.entrypoint === undefined
      ? {}
      : { Entrypoint: flags.entrypoint === '' ? [] : [flags.entrypoint] }),
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(flags.env.length > 0 ? { Env: flags.env } : {}),
    ...(flags.workdir === undefined ? {} : { WorkingDir: flags.workdir }),
    ...(flags.user === undefined ? {} : { User: flags.user }),
    Tty: flags.tty === true,
    OpenStdin: flags.interactive === true,
    StdinOnce: flags.interactive === true,
    AttachStdin: interactive,
    AttachStdout: flags.detach !== true,
    AttachStderr: flags.detach !== true,
    HostConfig: { AutoRemove: flags.rm === true },
  };
  try {
    const outcome = await startRun(engine, create, {
      detach: flags.detach === true,
      interactive,
      remove: flags.rm === true,
      ...(flags.detachKeys === undefined ? {} : { detachKeys: flags.detachKeys }),
      onWarning: (m) => ctx.io.err(`sluice: warning: ${m}\n`),
    });
    if (outcome.kind === 'detached-start') {
      ctx.io.out(`${outcome.id}\n`);
      return 0;
    }
    return exitCodeOf(ctx, outcome.result, 'run');
  } catch (error) {
    throw explainEngineError(error, engine, USAGE_EXIT_CODE);
  }
}
