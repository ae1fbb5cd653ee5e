// What a command line may hold, as data: each command's operands and options, and its help.
// One table (program.ts) feeds the parser (command-line.ts), the help (help.ts) and the
// completion scripts, so none of them can drift from the others.
import type { Context } from './context.js';

/** An option, as `--name <value>` or `-n, --name <value>`. */
export interface OptionSpec {
  /** The long name without dashes (`detach-keys`); also the parser's name for it. */
  long: string;
  /** The one-letter short form, if any. */
  short?: string;
  /**
   * `boolean`: a flag (`--rm`; `--rm=false` as the Docker CLI takes it); `string`: takes a
   * value (`--name web`, `--name=web`, `-nweb`); `list`: a value, repeatable (`-e A -e B`).
   */
  kind: 'boolean' | 'string' | 'list';
  /** What the value is, in help: `--name <name>`. */
  value?: string;
  /** Shown in help for a `boolean` that takes its value after `=` (`--sig-proxy[=bool]`). */
  inlineBoolean?: boolean;
  /** Where the parsed value goes in the command's options; default: camelCase of `long`. */
  key?: string;
  /** The value when not given, and how help shows it (default: as JSON). */
  default?: string | boolean | string[];
  defaultLabel?: string;
  /** A boolean whose flag sets it false (`--no-stdin` → `stdin: false`). */
  negates?: boolean;
  /** The only values allowed. */
  choices?: readonly string[];
  /** Must be given. */
  required?: boolean;
  description: string;
}

/** An operand: `<IMAGE>`, `[FILE]`, `[COMMAND...]`. */
export interface ArgumentSpec {
  name: string;
  description: string;
  /** `<NAME>`: must be given. */
  required: boolean;
  /** Takes every remaining operand. */
  variadic?: boolean;
  choices?: readonly string[];
}

/** The operands and options of one command line, as parsed. */
export interface ParsedCommand {
  /** One entry per argument: a variadic one's is a list, a missing optional one's undefined. */
  args: Array<string | string[] | undefined>;
  opts: Record<string, unknown>;
}

/** A command: what the parser accepts, what help shows, and what runs. */
export interface CommandSpec {
  name: string;
  description: string;
  args: readonly ArgumentSpec[];
  options: readonly OptionSpec[];
  /**
   * Options end at the first operand, as `docker run IMAGE CMD…`: what follows belongs to
   * the container's command. Other commands take options anywhere.
   */
  optionsEndAtOperand?: boolean;
  /** Lines of the help's "Examples:" section. */
  examples: readonly string[];
  /** Runs the command; resolves with its exit code. */
  run: (ctx: Context, parsed: ParsedCommand) => Promise<number>;
}

/** The whole program: its global options, commands and overview. */
export interface ProgramSpec {
  name: string;
  description: string;
  usage: string;
  globalOptions: readonly OptionSpec[];
  commands: readonly CommandSpec[];
  examples: readonly string[];
}

/** The key an option's value goes under: `detach-keys` → `detachKeys`. */
export function optionKey(option: OptionSpec): string {
  return option.key ?? option.long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The option as help and error messages write it: `-e, --env <KEY=VALUE>`. */
export function optionTerm(option: OptionSpec): string {
  const long = `--${option.long}`;
  const value = option.inlineBoolean
    ? `${long}[=bool]`
    : option.value === undefined
      ? long
      : `${long} <${option.value}>`;
  return option.short === undefined ? value : `-${option.short}, ${value}`;
}
