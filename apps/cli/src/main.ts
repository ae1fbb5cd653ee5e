// main(): parse, run the command, and turn every failure into one line and an exit code.
import { describeError, USAGE_EXIT_CODE } from './errors.js';
import { type CliIo, processIo, useColor } from './io.js';
import type { ProgramState } from './program.js';

interface CommanderErrorLike {
  code: string;
  message: string;
  exitCode: number;
}

function isCommanderError(error: unknown): error is CommanderErrorLike {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('commander.');
}

/** The one line for a parse error, with the Docker CLI's wording where it has one. */
function usageLine(error: CommanderErrorLike, command: string): string {
  const text = error.message.replace(/^error: /, '');
  const where = command === '' ? 'sluice' : `sluice ${command}`;
  const hint = `see '${where} --help'`;
  const flag = /unknown option '([^']+)'/.exec(text);
  if (flag) return `unknown flag: ${flag[1]} (${hint})`;
  const cmd = /unknown command '([^']+)'/.exec(text);
  if (cmd) return `unknown command: ${cmd[1]} (${hint})`;
  return `${text.replace(/\.$/, '')} (${hint})`;
}

function verbose(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '-v' || arg === '--verbose') return true;
    // Global options come before the command: the first operand ends them.
    if (!arg.startsWith('-')) return false;
  }
  return false;
}

/** Runs the `sluice` command with `argv` (without node and script) and resolves with its exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const state: ProgramState = { exitCode: 0, command: '' };
  const red = useColor(io) ? (t: string) => `\x1b[31m${t}\x1b[0m` : (t: string) => t;
  try {
    // First: on an older Node the rest may not load at all (the bundled command reads Node's
    // built-ins with process.getBuiltinModule, which Node 20.16 and 22.3 brought).
    const { requireNode } = await import('./node-version.js');
    requireNode();
    const { buildProgram, commandNamed } = await import('./program.js');
    const program = buildProgram(io, state, commandNamed(argv));
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (isCommanderError(error)) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return 0;
      }
      io.err(`${red('sluice:')} ${usageLine(error, state.command)}\n`);
      // As the Docker CLI: an unknown command is 1, every other usage error 125.
      return error.code === 'commander.unknownCommand' ? 1 : USAGE_EXIT_CODE;
    }
    const { line, exitCode } = describeError(error, state.command);
    io.err(`${red('sluice:')} ${line}\n`);
    if (verbose(argv)) io.err(`${formatVerbose(error)}\n`);
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
