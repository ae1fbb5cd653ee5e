// Runs a fixture program (test/fixtures/*.ts) the way a user runs their own program: a child
// Node process with its stdio on a real terminal, a pipe or a file. No build is needed: Node
// strips the types, the `@sluice/source` condition resolves `@sluice/stream-core` to its
// sources, and a resolve hook maps a relative `.js` import to the `.ts` file beside it.
import { fileURLToPath } from 'node:url';
import { type IPty, spawn as spawnPty } from 'node-pty';

const HOOK = `
import { registerHooks } from 'node:module';
registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) {
        return next(specifier.slice(0, -3) + '.ts', context);
      }
      throw error;
    }
  },
});`;

/** The path of a fixture program. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** `node` and its arguments to run `file` from sources. */
export function nodeCommand(file: string, args: readonly string[] = []): string[] {
  return [
    process.execPath,
    '--conditions=@sluice/source',
    '--no-warnings',
    '--import',
    `data:text/javascript,${encodeURIComponent(HOOK)}`,
    file,
    ...args,
  ];
}

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** A shell command line that runs `file` from sources. */
export function nodeCommandLine(file: string, args: readonly string[] = []): string {
  return nodeCommand(file, args).map(quote).join(' ');
}

/** A shell script run in a real pseudo-terminal, and everything the terminal showed. */
export class Terminal {
  readonly pty: IPty;
  screen = '';
  readonly exited: Promise<number>;
  readonly #waiters = new Set<() => void>();

  constructor(script: string) {
    this.pty = spawnPty('/bin/sh', ['-c', script], {
      name: 'xterm',
      cols: 120,
      rows: 30,
      cwd: process.cwd(),
      env: { ...process.env, TERM: 'xterm' } as Record<string, string>,
    });
    this.pty.onData((d) => {
      this.screen += d;
      for (const wake of this.#waiters) wake();
    });
    this.exited = new Promise((resolve) => this.pty.onExit(({ exitCode }) => resolve(exitCode)));
  }

  /** Types `text` into the terminal. */
  type(text: string): void {
    this.pty.write(text);
  }

  /** Resolves once the screen (from offset `from`) matches; fails after `timeoutMs`. */
  waitFor(pattern: RegExp, from = 0, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = this.screen.slice(from).match(pattern);
        if (!m) return false;
        cleanup();
        resolve(m);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out waiting for ${pattern}; the terminal shows:\n${JSON.stringify(this.screen)}`,
          ),
        );
      }, timeoutMs);
      const wake = (): void => void check();
      const cleanup = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
      };
      this.#waiters.add(wake);
      check();
    });
  }

  /** Kills the shell if it still runs. */
  kill(): void {
    try {
      this.pty.kill();
    } catch {
      // Already gone.
    }
  }
}
