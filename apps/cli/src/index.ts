/**
 * `@sluice/cli`: the `sluice` command. The programmatic entry runs it with given arguments.
 *
 * @example
 * ```ts
 * import { main } from '@sluice/cli';
 * process.exitCode = await main(['--version']);
 * ```
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';

const USAGE = `usage: sluice <command> [options]

The commands (run, exec, attach, logs, demux, serve, connect) arrive with the packages
they are built on. Today:
  sluice --version    print the version
  sluice --help       print this help
`;

/** Where the command writes; defaults to the process's stdout and stderr. */
export interface CliIo {
  /** Receives normal output. */
  out: (text: string) => void;
  /** Receives errors and usage messages. */
  err: (text: string) => void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Runs the `sluice` command with `argv` (without node and script) and resolves with its exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [first] = argv;
  if (first === '--version' || first === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    io.out(`sluice ${pkg.version}\n`);
    return 0;
  }
  if (first === undefined || first === '--help' || first === '-h') {
    io.out(USAGE);
    return 0;
  }
  io.err(`sluice: unknown command '${first}'\n\n${USAGE}`);
  return 125;
}
