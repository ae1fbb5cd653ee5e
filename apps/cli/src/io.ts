// Where the command writes, so that main() can be driven in-process by tests.

/** Where the command writes; defaults to the process's stdout and stderr. */
export interface CliIo {
  /** Receives normal output (help, completion scripts, keys). */
  out: (text: string) => void;
  /** Receives errors, warnings and progress. */
  err: (text: string) => void;
  /** True when `err` is a terminal (colours and progress lines only then). */
  errIsTty?: boolean;
}

/** The process's own stdout and stderr. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTty: process.stderr.isTTY === true,
};

/** Colours are on when `err` is a terminal and `NO_COLOR` is unset or empty (no-color.org). */
export function useColor(io: CliIo, env: NodeJS.ProcessEnv = process.env): boolean {
  return io.errIsTty === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
