// As the Docker CLI, before anything reaches the engine: -i with -t needs a terminal on stdin.
import { CliError } from './errors.js';

/** Throws the Docker CLI's "the input device is not a TTY" (exit 1) when -it meets a pipe. */
export function requireTerminalStdin(interactive: boolean, tty: boolean): void {
  if (interactive && tty && process.stdin.isTTY !== true) {
    throw new CliError('the input device is not a TTY', {
      hint: 'drop -t to pipe data in, or run it from a terminal',
      exitCode: 1,
    });
  }
}
