// Reads a command line against the program's table, with the Docker CLI's rules: global
// options before the command, combined short flags (`-it`), `--opt=value` and `--opt value`,
// repeatable `-e`, `--`, `--flag=false`, and for `run`/`exec` options that end at the first
// operand (`sluice run --rm img sh -c 'ls -l'` leaves `-c` to sh).
// Tokenising is node:util parseArgs' (already in Node: no parser to load, which is most of
// what commander cost every command at start-up, issue 15). parseArgs has no "stop at the
// first operand" and no "--flag=false", so it runs non-strict and this file reads its tokens:
// which token is an operand, and which option is unknown or lacks its value.
import { parseArgs } from 'node:util';
import {
  type ArgumentSpec,
  type CommandSpec,
  type OptionSpec,
  optionKey,
  optionTerm,
  type ParsedCommand,
  type ProgramSpec,
} from './cli-spec.js';
import type { GlobalOptions } from './context.js';
import { type CliError, usageError } from './errors.js';

/** What a command line asks for. */
export type CommandLine =
  | { kind: 'version' }
  /** Help for `command`, or the overview without one. */
  | { kind: 'help'; command?: CommandSpec }
  | { kind: 'command'; command: CommandSpec; globals: GlobalOptions; parsed: ParsedCommand };

/** `-h, --help`, on every command and the program. */
export const HELP_OPTION: OptionSpec = {
  long: 'help',
  short: 'h',
  kind: 'boolean',
  description: 'print this help',
};

/** `-V, --version`, on the program. */
export const VERSION_OPTION: OptionSpec = {
  long: 'version',
  short: 'V',
  kind: 'boolean',
  description: 'print the version and exit',
};

/** The Docker CLI's booleans (Go's strconv.ParseBool): `--rm=false`, `--sig-proxy=0`. */
function booleanValue(text: string): boolean | undefined {
  if (/^(1|t|true|TRUE|True)$/.test(text)) return true;
  if (/^(0|f|false|FALSE|False)$/.test(text)) return false;
  return undefined;
}

interface ReadOptions {
  opts: Record<string, unknown>;
  operands: string[];
  help: boolean;
}

/**
 * Reads `args` for `options`: their values (defaults first), the operands, and whether help
 * was asked for. With `endAtOperand`, the first operand and all after it are operands.
 * Help wins over any other error on the line, as a user asking for it expects.
 */
function readOptions(
  args: readonly string[],
  options: readonly OptionSpec[],
  endAtOperand: boolean,
  command: CommandSpec | undefined,
): ReadOptions {
  const byName = new Map(options.map((o) => [o.long, o]));
  const config: Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }> =
    {};
  const opts: Record<string, unknown> = {};
  for (const o of options) {
    config[o.long] = {
      type: o.kind === 'boolean' ? 'boolean' : 'string',
      ...(o.short === undefined ? {} : { short: o.short }),
      ...(o.kind === 'list' ? { multiple: true } : {}),
    };
    if (o.default !== undefined) {
      opts[optionKey(o)] = Array.isArray(o.default) ? [...o.default] : o.default;
    }
  }
  const { tokens } = parseArgs({
    args: [...args],
    options: config,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const operands: string[] = [];
  let help = false;
  let failure: CliError | undefined;
  const fail = (message: string): void => {
    failure ??= usageError(message, command?.name ?? '');
  };
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (endAtOperand) {
        operands.push(...args.slice(token.index));
        break;
      }
      operands.push(token.value);
      continue;
    }
    const spec = byName.get(token.name);
    if (spec === undefined) {
      fail(`unknown flag: ${token.rawName}`);
      continue;
    }
    if (spec.long === HELP_OPTION.long) help = true;
    const key = optionKey(spec);
    if (spec.kind === 'boolean') {
      const value = token.value === undefined ? true : booleanValue(token.value);
      if (value === undefined) {
        fail(`invalid value for --${spec.long}: ${JSON.stringify(token.value)} (true or false)`);
        continue;
      }
      opts[key] = spec.negates ? !value : value;
      continue;
    }
    if (token.value === undefined) {
      fail(`option '${optionTerm(spec)}' argument missing`);
      continue;
    }
    if (spec.choices !== undefined && !spec.choices.includes(token.value)) {
      fail(
        `option '${optionTerm(spec)}' argument '${token.value}' is invalid. Allowed choices are ${spec.choices.join(', ')}`,
      );
      continue;
    }
    if (spec.kind === 'list') {
      const list = (opts[key] as string[] | undefined) ?? [];
      list.push(token.value);
      opts[key] = list;
    } else {
      opts[key] = token.value;
    }
  }
  if (failure !== undefined && !help) throw failure;
  return { opts, operands, help };
}

/** Fits `operands` to the command's arguments: a variadic one takes the rest as a list. */
function fitArguments(operands: readonly string[], command: CommandSpec): ParsedCommand['args'] {
  const specs: readonly ArgumentSpec[] = command.args;
  const args: ParsedCommand['args'] = [];
  specs.forEach((spec, i) => {
    const given = spec.variadic ? operands.slice(i) : operands[i];
    const missing = given === undefined || (Array.isArray(given) && given.length === 0);
    if (missing && spec.required) {
      throw usageError(`missing required argument '${spec.name}'`, command.name);
    }
    for (const value of given === undefined ? [] : [given].flat()) {
      if (spec.choices !== undefined && !spec.choices.includes(value)) {
        throw usageError(
          `command-argument value '${value}' is invalid for argument '${spec.name}'. Allowed choices are ${spec.choices.join(', ')}`,
          command.name,
        );
      }
    }
    args.push(given);
  });
  if (!specs.some((s) => s.variadic) && operands.length > specs.length) {
    const expected = `${specs.length} argument${specs.length === 1 ? '' : 's'}`;
    throw usageError(
      `too many arguments for '${command.name}'. Expected ${expected} but got ${operands.length}: ${operands.join(', ')}`,
      command.name,
    );
  }
  return args;
}

/** Reads `argv` (without node and the script) as `program`'s command line. */
export function readCommandLine(argv: readonly string[], program: ProgramSpec): CommandLine {
  const top = readOptions(
    argv,
    [VERSION_OPTION, ...program.globalOptions, HELP_OPTION],
    true,
    undefined,
  );
  if (top.help) return { kind: 'help' };
  if (top.opts.version === true) return { kind: 'version' };
  const [name, ...rest] = top.operands;
  if (name === undefined) return { kind: 'help' };
  if (name === 'help') {
    if (rest[0] === undefined) return { kind: 'help' };
    return { kind: 'help', command: commandOf(program, rest[0]) };
  }
  const command = commandOf(program, name);
  const read = readOptions(
    rest,
    [...command.options, HELP_OPTION],
    command.optionsEndAtOperand === true,
    command,
  );
  if (read.help) return { kind: 'help', command };
  for (const o of command.options) {
    if (o.required && read.opts[optionKey(o)] === undefined) {
      throw usageError(`required option '${optionTerm(o)}' not specified`, command.name);
    }
  }
  delete read.opts.help;
  const { version: _version, help: _help, ...globals } = top.opts;
  return {
    kind: 'command',
    command,
    globals: globals as GlobalOptions,
    parsed: { args: fitArguments(read.operands, command), opts: read.opts },
  };
}

function commandOf(program: ProgramSpec, name: string): CommandSpec {
  const command = program.commands.find((c) => c.name === name);
  // As the Docker CLI: an unknown command is exit 1, other usage errors 125.
  if (command === undefined) throw usageError(`unknown command: ${name}`, '', 1);
  return command;
}
