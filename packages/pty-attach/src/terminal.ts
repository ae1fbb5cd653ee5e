// A terminal put in raw mode exactly as moby/term's MakeRaw does, and restored on every way
// out: dispose/restore, process exit, an uncaught exception, SIGTERM/SIGINT/SIGHUP. Node's
// setRawMode is not used: libuv's raw mode keeps OPOST and differs in the input flags. The
// flags are set and saved with the system `stty` run on the terminal's own descriptor.
// node:child_process and node:tty are loaded on first use, not when the package is imported.
const isatty = (fd: number): boolean => process.getBuiltinModule('node:tty').isatty(fd);

/** moby/term MakeRaw: clear IGNBRK BRKINT PARMRK ISTRIP INLCR IGNCR ICRNL IXON, OPOST,
 * ECHO ECHONL ICANON ISIG IEXTEN, CSIZE PARENB; set CS8; VMIN=1, VTIME=0. */
export const MOBY_RAW_STTY_ARGS: readonly string[] = [
  '-ignbrk',
  '-brkint',
  '-parmrk',
  '-istrip',
  '-inlcr',
  '-igncr',
  '-icrnl',
  '-ixon',
  '-opost',
  '-echo',
  '-echonl',
  '-icanon',
  '-isig',
  '-iexten',
  '-parenb',
  'cs8',
  'min',
  '1',
  'time',
  '0',
];

const RESTORE_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

function stty(fd: number, args: readonly string[]): string {
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const r = spawnSync('stty', args, { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`stty ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** The size of the terminal on `fd` as `{ rows, cols }`, or undefined if it is not one. */
export function terminalSize(fd = 1): { rows: number; cols: number } | undefined {
  if (!isatty(fd)) return undefined;
  if (fd === 1 && process.stdout.isTTY) {
    return { rows: process.stdout.rows, cols: process.stdout.columns };
  }
  if (fd === 2 && process.stderr.isTTY) {
    return { rows: process.stderr.rows, cols: process.stderr.columns };
  }
  try {
    const [rows, cols] = stty(fd, ['size']).split(' ').map(Number);
    return rows && cols ? { rows, cols } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A terminal (by file descriptor) that can be switched to raw mode and back.
 *
 * @example
 * ```ts
 * using term = Terminal.raw(0); // raw until the end of the block, or any exit
 * ```
 */
export class Terminal implements Disposable {
  /** The terminal's file descriptor. */
  readonly fd: number;
  #saved: string | undefined;
  readonly #onExit = (): void => this.restore();
  readonly #onSignal = (signal: NodeJS.Signals): void => {
    this.restore();
    // Nobody else handles it: let the signal do what it would have done (end the process).
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };

  constructor(fd = 0) {
    this.fd = fd;
  }

  /** A terminal on `fd`, already in raw mode. */
  static raw(fd = 0): Terminal {
    const t = new Terminal(fd);
    t.setRaw();
    return t;
  }

  /** True when `fd` is a terminal. */
  get isTerminal(): boolean {
    return isatty(this.fd);
  }

  /** True while raw mode is on (and the original mode is saved). */
  get isRaw(): boolean {
    return this.#saved !== undefined;
  }

  /** Saves the current mode and switches to moby/term's raw mode. Idempotent. */
  setRaw(): void {
    if (this.#saved !== undefined) return;
    const saved = stty(this.fd, ['-g']);
    stty(this.fd, MOBY_RAW_STTY_ARGS);
    this.#saved = saved;
    process.on('exit', this.#onExit);
    process.on('uncaughtExceptionMonitor', this.#onExit);
    for (const s of RESTORE_SIGNALS) process.on(s, this.#onSignal);
  }

  /** Puts the saved mode back. Idempotent; never throws (it runs on the way out). */
  restore(): void {
    const saved = this.#saved;
    if (saved === undefined) return;
    this.#saved = undefined;
    process.off('exit', this.#onExit);
    process.off('uncaughtExceptionMonitor', this.#onExit);
    for (const s of RESTORE_SIGNALS) process.off(s, this.#onSignal);
    try {
      stty(this.fd, [saved]);
    } catch {
      // The terminal is gone (hung up): nothing left to restore.
    }
  }

  [Symbol.dispose](): void {
    this.restore();
  }
}
