// How a finished session becomes the process's exit code, as the Docker CLI does it.
import type { Context } from './context.js';
import { describeError } from './errors.js';

/** The parts of pty-attach's SessionResult the CLI reads. */
export interface Finished {
  /** The container's or process's exit status (125–127 when it could not start). */
  exitCode: number;
  /** The detach keys ended the session. */
  detached: boolean;
  /** Why the process did not start. */
  error?: Error;
}

/**
 * The exit code for `result`: a start failure is printed as one line with its code; a
 * detach is 0 for `run` and 1 with "read escape sequence" for attach/exec.
 */
export function exitCodeOf(ctx: Context, result: Finished, command: string): number {
  if (result.error !== undefined) {
    const { line } = describeError(result.error, command);
    ctx.io.err(`sluice: ${line}\n`);
    return result.exitCode;
  }
  if (result.detached) {
    if (command === 'run') return 0;
    ctx.io.err('read escape sequence\n');
    return 1;
  }
  return result.exitCode;
}
