// The help text of the program and of each command, from the same table the parser reads.
// The layout is the one sluice has printed since its first release (commander's, which
// sluice used to parse with): a usage line, the description, then "Arguments:", "Options:"
// and "Commands:" as aligned two-column lists wrapped at 100 columns, then the examples.
import {
  type ArgumentSpec,
  type CommandSpec,
  type OptionSpec,
  optionTerm,
  type ProgramSpec,
} from './cli-spec.js';
import { HELP_OPTION, VERSION_OPTION } from './command-line.js';

/** A two-column row: the term, and its description. */
type Row = [term: string, description: string];

const HELP_WIDTH = 100;
/** Narrower than this, a description is left unwrapped rather than squeezed. */
const MIN_WRAP_WIDTH = 40;
const INDENT = '  ';
const GAP = '  ';

/** Wraps `text` at spaces to lines of at most `width` columns, keeping its own line breaks. */
function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      const words = line.match(/\s*\S+/g);
      if (words === null) return '';
      const lines: string[] = [];
      let current = words[0] as string;
      for (const word of words.slice(1)) {
        if (current.length + word.length <= width) {
          current += word;
        } else {
          lines.push(current);
          current = word.trimStart();
        }
      }
      lines.push(current);
      return lines.join('\n');
    })
    .join('\n');
}

/** One row of a two-column list: the term padded to `width`, the description wrapped beside it. */
function row(term: string, width: number, description: string): string {
  const room = HELP_WIDTH - width - GAP.length - INDENT.length;
  const text =
    room < MIN_WRAP_WIDTH
      ? description
      : wrap(description, room).replaceAll('\n', `\n${' '.repeat(width + GAP.length)}`);
  return `${INDENT}${term.padEnd(width)}${GAP}${text.replaceAll('\n', `\n${INDENT}`)}`;
}

/** A titled list, or nothing when it has no rows. */
function section(title: string, rows: Row[], width: number): string[] {
  if (rows.length === 0) return [];
  return [title, ...rows.map(([term, text]) => row(term, width, text)), ''];
}

/** `(choices: "a", "b", default: "x")` after a description, when there is any. */
function withExtras(description: string, choices?: readonly string[], shown?: string): string {
  const extras: string[] = [];
  if (choices !== undefined)
    extras.push(`choices: ${choices.map((c) => JSON.stringify(c)).join(', ')}`);
  if (shown !== undefined) extras.push(`default: ${shown}`);
  return extras.length === 0 ? description : `${description} (${extras.join(', ')})`;
}

function optionRow(option: OptionSpec): Row {
  // A negating flag's default is the flag not given: nothing to say.
  const shown =
    option.default === undefined || option.negates
      ? undefined
      : (option.defaultLabel ?? JSON.stringify(option.default));
  return [optionTerm(option), withExtras(option.description, option.choices, shown)];
}

function argumentTerm(arg: ArgumentSpec): string {
  const name = `${arg.name}${arg.variadic ? '...' : ''}`;
  return arg.required ? `<${name}>` : `[${name}]`;
}

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `${INDENT}${l}`).join('\n')}\n\n`;
}

/** A help page: the usage line, the description, then titled lists aligned as one. */
function page(usage: string, description: string, lists: Array<[string, Row[]]>): string {
  const width = Math.max(0, ...lists.flatMap(([, rows]) => rows.map(([term]) => term.length)));
  return [
    `Usage: ${usage}`,
    '',
    wrap(description, HELP_WIDTH),
    '',
    ...lists.flatMap(([title, rows]) => section(title, rows, width)),
  ].join('\n');
}

function commandHelp(command: CommandSpec): string {
  const args = command.args.map((a): Row => [a.name, withExtras(a.description, a.choices)]);
  const options = [...command.options, HELP_OPTION].map(optionRow);
  const usage = ['sluice', command.name, '[options]', ...command.args.map(argumentTerm)].join(' ');
  return page(usage, command.description, [
    ['Arguments:', args],
    ['Options:', options],
  ]);
}

function overview(program: ProgramSpec): string {
  const options = [
    VERSION_OPTION,
    ...program.globalOptions,
    { ...HELP_OPTION, description: 'print help (every command has its own)' },
  ].map(optionRow);
  const commands = program.commands.map(
    (c): Row => [
      [c.name, ...(c.options.length > 0 ? ['[options]'] : []), ...c.args.map(argumentTerm)].join(
        ' ',
      ),
      c.description,
    ],
  );
  commands.push(['help [command]', 'print help for a command']);
  return page(`${program.name} ${program.usage}`, program.description, [
    ['Options:', options],
    ['Commands:', commands],
  ]);
}

/** The help for `command`, or the program's overview. */
export function helpText(program: ProgramSpec, command?: CommandSpec): string {
  return command === undefined
    ? overview(program) + examples(program.examples)
    : commandHelp(command) + examples(command.examples);
}
