// main(): parse, run the command, and turn every failure into one line and an exit code.
import { describeError } from './errors.js';
import { type CliIo, processIo, useColor } from './io.js';

/** Runs the `sluice` command with `argv` (without node and script) and resolves with its exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let command = '';
  let verbose = false;
  const red = useColor(io) ? (t: string) => `\x1b[31m${t}\x1b[0m` : (t: string) => t;
  try {
    // First: on an older Node the rest may not load at all (the bundled command reads Node's
    // built-ins with process.getBuiltinModule, which Node 20.16 and 22.3 brought).
    const { requireNode } = await import('./node-version.js');
    requireNode();
    const [{ readCommandLine }, { PROGRAM }] = await Promise.all([
      import('./command-line.js'),
      import('./program.js'),
    ]);
    const line = readCommandLine(argv, PROGRAM);
    if (line.kind === 'version') {
      const { version } = await import('./version.js');
      io.out(`sluice ${version()}\n`);
      return 0;
    }
    if (line.kind === 'help') {
      const { helpText } = await import('./help.js');
      io.out(helpText(PROGRAM, line.command));
      return 0;
    }
    command = line.command.name;
    verbose = line.globals.verbose === true;
    return await line.command.run({ io, globals: line.globals }, line.parsed);
  } catch (error) {
    const { line, exitCode } = describeError(error, command);
    io.err(`${red('sluice:')} ${line}\n`);
    if (verbose) io.err(`${formatVerbose(error)}\n`);
    return exitCode;
  }
}

function formatVerbose(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? String(current)) : String(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) parts.push('caused by:');
  }
  return parts.join('\n');
}
