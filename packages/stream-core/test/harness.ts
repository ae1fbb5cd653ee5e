// Runs a program (a fixture in test/fixtures, or a README example written to a file) the way
// a user runs their own: a child Node process with its stdio on a real terminal, a pipe or a
// file. No build is needed: Node strips the types, a resolve hook maps `@sluice/stream-core`
// to this package's sources and a relative `.js` import to the `.ts` file beside it.
import { fileURLToPath } from 'node:url';
import { type IPty, spawn as spawnPty } from 'node-pty';

// Bare `@sluice/stream-core` imports resolve to this package's sources from anywhere (an
// example written to a temporary directory too), as its self-reference does inside it.
const SOURCES = new URL('../src/', import.meta.url).href;
const HOOK = `
import { registerHooks } from 'node:module';
const own = { '@sluice/stream-core': 'index.ts', '@sluice/stream-core/testing': 'testing/index.ts' };
registerHooks({
  resolve(specifier, context, next) {
    if (Object.hasOwn(own, specifier)) return next(${JSON.stringify(SOURCES)} + own[specifier], context);
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

/** The ```ts blocks of a Markdown file, with the 1-based line of each opening fence. */
export function codeBlocks(markdown: string): Array<{ line: number; code: string }> {
  const lines = markdown.split('\n');
  const blocks: Array<{ line: number; code: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = open[1] ?? '';
    let end = i + 1;
    while (end < lines.length && (lines[end] ?? '').trim() !== '```') end++;
    const body = lines
      .slice(i + 1, end)
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l));
    blocks.push({ line: i + 1, code: body.join('\n') });
    i = end;
  }
  return blocks;
}
