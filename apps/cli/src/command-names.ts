// The names of sluice's commands, on their own: the bin picks a command's code cache by name
// before it loads the command table (program.ts, whose test checks the two agree).

/** Every command `sluice` has, in help order. */
export const COMMAND_NAMES: readonly string[] = [
  'run',
  'exec',
  'attach',
  'logs',
  'demux',
  'mux',
  'keygen',
  'serve',
  'connect',
  'completion',
];

/** The command `argv` names, for choosing its code cache; `other` for help, typos and the rest. */
export function commandWord(argv: readonly string[]): string {
  return argv.find((arg) => COMMAND_NAMES.includes(arg)) ?? 'other';
}
