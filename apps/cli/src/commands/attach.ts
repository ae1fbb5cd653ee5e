// `sluice attach [--no-stdin] [--sig-proxy=false] [--detach-keys K] CONTAINER`: this
// terminal on a running container; the container's exit code, or 1 after a detach.
import { attach } from '@sluice/pty-attach';
import type { Context } from '../context.js';
import { explainEngineError, openEngine } from '../engine.js';
import { CliError } from '../errors.js';
import { exitCodeOf } from '../session-result.js';

/** Options of `sluice attach`. */
export interface AttachFlags {
  /** Attach stdin (`--no-stdin` turns it off). */
  stdin: boolean;
  /** Forward signals (non-TTY). */
  sigProxy: boolean;
  /** Detach sequence. */
  detachKeys?: string;
}

/** Runs `sluice attach`; resolves with the exit code. */
export async function attachCommand(
  ctx: Context,
  container: string,
  flags: AttachFlags,
): Promise<number> {
  const engine = await openEngine(ctx.globals);
  try {
    const info = await engine.docker.getContainer(container).inspect();
    // As the Docker CLI: attach joins a running container, it does not start one.
    if (info.State.Running !== true) {
      throw new CliError('You cannot attach to a stopped container, start it first', {
        exitCode: 1,
      });
    }
    const interactive = flags.stdin && info.Config.OpenStdin === true;
    const session = attach(engine.engine, info.Id, {
      interactive,
      ...(interactive ? {} : { stdin: null }),
      proxySignals: flags.sigProxy,
      ...(flags.detachKeys === undefined ? {} : { detachKeys: flags.detachKeys }),
      onWarning: (m) => ctx.io.err(`sluice: warning: ${m}\n`),
    });
    return exitCodeOf(ctx, await session.result, 'attach');
  } catch (error) {
    throw explainEngineError(error, engine);
  }
}
