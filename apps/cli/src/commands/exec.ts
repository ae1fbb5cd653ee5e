// `sluice exec [-i] [-t] [-d] [--detach-keys K] [-e K=V]… [-w DIR] [-u USER] CONTAINER CMD…`:
// the command's exit code; 1 after a detach, as the Docker CLI.
import { exec as execSession } from '@sluice/pty-attach';
import type { Context } from '../context.js';
import { explainEngineError, openEngine } from '../engine.js';
import { exitCodeOf } from '../session-result.js';
import { requireTerminalStdin } from '../tty-check.js';

/** Options of `sluice exec`. */
export interface ExecFlags {
  /** Attach stdin. */
  interactive?: boolean;
  /** Allocate a TTY. */
  tty?: boolean;
  /** Run in the background. */
  detach?: boolean;
  /** Detach sequence. */
  detachKeys?: string;
  /** `KEY=VALUE` environment entries. */
  env: string[];
  /** Working directory. */
  workdir?: string;
  /** User. */
  user?: string;
}

/** Runs `sluice exec`; resolves with the exit code. */
export async function exec(
  ctx: Context,
  container: string,
  command: string[],
  flags: ExecFlags,
): Promise<number> {
  requireTerminalStdin(flags.interactive === true && flags.detach !== true, flags.tty === true);
  const engine = await openEngine(ctx.globals);
  try {
    if (flags.detach) {
      const created = await engine.docker.getContainer(container).exec({
        Cmd: command,
        Tty: flags.tty === true,
        ...(flags.env.length > 0 ? { Env: flags.env } : {}),
        ...(flags.workdir === undefined ? {} : { WorkingDir: flags.workdir }),
        ...(flags.user === undefined ? {} : { User: flags.user }),
      });
      await created.start({ Detach: true });
      return 0;
    }
    const interactive = flags.interactive === true;
    const session = execSession(engine.engine, container, command, {
      tty: flags.tty === true,
      interactive,
      ...(interactive ? {} : { stdin: null }),
      ...(flags.env.length > 0 ? { env: flags.env } : {}),
      ...(flags.workdir === undefined ? {} : { workingDir: flags.workdir }),
      ...(flags.user === undefined ? {} : { user: flags.user }),
      ...(flags.detachKeys === undefined ? {} : { detachKeys: flags.detachKeys }),
      onWarning: (m) => ctx.io.err(`sluice: warning: ${m}\n`),
    });
    return exitCodeOf(ctx, await session.result, 'exec');
  } catch (error) {
    throw explainEngineError(error, engine);
  }
}
