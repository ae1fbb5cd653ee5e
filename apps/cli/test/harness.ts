// Running the BUILT `sluice` (dist/bin/sluice.cjs, the bundle that ships as the bin, built by
// turbo before the tests) as a person would: as a child process with pipes, or in a real
// pseudo-terminal (node-pty). The same helpers run `docker`, the anchor the tests compare
// against.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type IPty, spawn as spawnPty } from 'node-pty';

/** The built executable. */
export const SLUICE: string = fileURLToPath(new URL('../dist/bin/sluice.cjs', import.meta.url));

if (!existsSync(SLUICE)) {
  throw new Error(
    `${SLUICE} is missing: build first (pnpm turbo run build --filter @sluice/cli...; npm test does)`,
  );
}

/** What a test runs: the built sluice, the Docker CLI (the anchor), or a shell script. */
export type Tool = 'sluice' | 'docker' | 'sh';

/** argv that runs `tool` with `args` (`sh`: `/bin/sh -c args[0]`). */
export function command(tool: Tool, args: string[]): [string, string[]] {
  if (tool === 'sluice') return [process.execPath, [SLUICE, ...args]];
  if (tool === 'sh') return ['/bin/sh', ['-c', ...args]];
  return ['docker', args];
}

/** A shell word for `sh -c` scripts. */
export const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** What a finished run printed and how it exited. */
export interface Ran {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Options of `run`. */
export interface RunOptions {
  /** Bytes to write to stdin (then end it); default: stdin ends at once. */
  input?: Uint8Array | string;
  /** Environment added to the process's. */
  env?: Record<string, string | undefined>;
  /** Kill it after this long. */
  timeoutMs?: number;
}

/** Runs `tool args` to the end with pipes for stdio. */
export function run(tool: Tool, args: string[], options: RunOptions = {}): Promise<Ran> {
  const [file, argv] = command(tool, args);
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    // An `undefined` in options.env removes the variable.
    for (const [k, v] of Object.entries(options.env ?? {})) if (v === undefined) delete env[k];
    const child = spawn(file, argv, {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 30_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', reject);
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.once('close', (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : -1),
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A program in a real pseudo-terminal; what the terminal shows accumulates in `screen`. */
export class Terminal {
  readonly pty: IPty;
  screen = '';
  readonly exited: Promise<number>;

  constructor(
    tool: Tool,
    args: string[],
    size = { cols: 70, rows: 20 },
    env: Record<string, string> = {},
  ) {
    const [file, argv] = command(tool, args);
    this.pty = spawnPty(file, argv, {
      name: 'xterm',
      cols: size.cols,
      rows: size.rows,
      env: { ...(process.env as Record<string, string>), TERM: 'xterm', ...env },
    });
    this.pty.onData((d) => {
      this.screen += d;
    });
    this.exited = new Promise((resolve) => this.pty.onExit(({ exitCode }) => resolve(exitCode)));
  }

  /** Where the screen is now. */
  get mark(): number {
    return this.screen.length;
  }

  /** Types `text`. */
  type(text: string): void {
    this.pty.write(text);
  }

  /** Resizes the terminal (the program gets SIGWINCH). */
  resize(cols: number, rows: number): void {
    this.pty.resize(cols, rows);
  }

  /** Resolves once `pattern` shows after `from`; fails after `timeoutMs` showing the screen. */
  async waitFor(pattern: string | RegExp, from = 0, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    const re = typeof pattern === 'string' ? new RegExp(escapeRegExp(pattern)) : pattern;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.screen.slice(from).match(re);
      if (m) return m;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${re}; the terminal shows:\n${JSON.stringify(this.screen.slice(from))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const sub = this.pty.onData(() => {
          sub.dispose();
          clearTimeout(t);
          resolve();
        });
        const t = setTimeout(() => {
          sub.dispose();
          resolve();
        }, 200);
      });
    }
  }

  /** Types `line` and Enter, and returns what the terminal showed up to the next `prompt`. */
  async command(line: string, prompt = '# '): Promise<string> {
    const from = this.mark;
    this.type(`${line}\r`);
    const m = await this.waitFor(
      new RegExp(`${escapeRegExp(line)}\\r\\n([\\s\\S]*?)${escapeRegExp(prompt)}`),
      from,
    );
    return (m[1] as string).replace(/\r\n/g, '\n');
  }

  /** Resolves with the exit code; fails when it has not exited within `timeoutMs`. */
  async exitCode(timeoutMs = 15_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`no exit within ${timeoutMs} ms; screen:\n${JSON.stringify(this.screen)}`),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    try {
      this.pty.kill();
    } catch {
      // already gone
    }
  }
}

/** A name for a test container, unique to this run. */
export function containerName(what: string): string {
  return `sluice-cli-test-${what}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
}
