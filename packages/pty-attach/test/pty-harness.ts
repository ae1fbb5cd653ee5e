// Drives the fixture program (test/fixtures/run.mjs, which imports the BUILT package) in a
// real pseudo-terminal, as a person at a terminal would: a shell prints `stty -a` before and
// after it, so a test can check that the terminal mode came back.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type IPty, spawn } from 'node-pty';

const FIXTURE = fileURLToPath(new URL('./fixtures/run.mjs', import.meta.url));

/** What the fixture's `[result]` line says. */
export interface FixtureResult {
  exitCode: number;
  detached: boolean;
  error?: string;
  aborted?: boolean;
}

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** One run of the fixture under a pty of `cols`×`rows`. */
export class PtyRun {
  readonly pty: IPty;
  /** Everything the terminal showed so far. */
  screen = '';
  readonly exited: Promise<number>;

  constructor(
    spec: Record<string, unknown>,
    size = { cols: 70, rows: 20 },
    env: Record<string, string> = {},
  ) {
    const node = quote(process.execPath);
    const script = [
      'stty -a',
      'echo @@BEFORE@@',
      `${node} ${quote(FIXTURE)} ${quote(JSON.stringify(spec))}`,
      'echo "@@EXIT $?@@"',
      'stty -a',
      'echo @@AFTER@@',
    ].join('; ');
    this.pty = spawn('/bin/sh', ['-c', script], {
      name: 'xterm',
      cols: size.cols,
      rows: size.rows,
      cwd: process.cwd(),
      env: { ...process.env, ...env, TERM: 'xterm' } as Record<string, string>,
    });
    this.pty.onData((d) => {
      this.screen += d;
    });
    this.exited = new Promise((resolve) => this.pty.onExit(({ exitCode }) => resolve(exitCode)));
  }

  /** Types `text` into the terminal. */
  type(text: string): void {
    this.pty.write(text);
  }

  /** Resolves once `pattern` shows after `from` (a screen offset); fails after `timeoutMs`. */
  async waitFor(pattern: string | RegExp, from = 0, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    const re = typeof pattern === 'string' ? new RegExp(escapeRegExp(pattern)) : pattern;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.screen.slice(from).match(re);
      if (m) return m;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${re} on the terminal; it shows:\n${JSON.stringify(this.screen.slice(from))}`,
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
        }, 100);
      });
    }
  }

  /** The pid of the attaching process (it prints it first). */
  async pid(): Promise<number> {
    const m = await this.waitFor(/\[pid (\d+)\]/);
    return Number(m[1]);
  }

  /** Waits for the fixture's result line. */
  async result(): Promise<FixtureResult> {
    const m = await this.waitFor(/\[result\] (\{.*\})/);
    return JSON.parse(m[1]!) as FixtureResult;
  }

  /** Waits for the whole script to finish and returns the terminal modes before and after. */
  async modes(): Promise<{ before: string; after: string; status: number }> {
    const m = await this.waitFor(/@@EXIT (\d+)@@[\s\S]*@@AFTER@@/);
    const before = this.screen.slice(0, this.screen.indexOf('@@BEFORE@@'));
    const afterStart = this.screen.indexOf('@@EXIT');
    const after = this.screen.slice(
      this.screen.indexOf('\n', afterStart) + 1,
      this.screen.indexOf('@@AFTER@@'),
    );
    return { before: flags(before), after: flags(after), status: Number(m[1]) };
  }

  /** Where the screen is now, to wait for output that comes after this point. */
  get mark(): number {
    return this.screen.length;
  }

  kill(): void {
    try {
      this.pty.kill();
    } catch {
      // Already gone.
    }
  }
}

/**
 * `PtyRun` bound to one test engine: every fixture run gets the engine's options (the SSH
 * login for ssh://) and the environment that selects it, as the Docker CLI would.
 */
export function ptyRunOver(
  options: Record<string, unknown>,
  env: Record<string, string>,
): new (
  spec: Record<string, unknown>,
  size?: { cols: number; rows: number },
) => PtyRun {
  return class extends PtyRun {
    constructor(spec: Record<string, unknown>, size?: { cols: number; rows: number }) {
      super({ ...spec, engine: options }, size, env);
    }
  };
}

// `stty -a` minus its first line (speed and size, which resize tests change on purpose), as
// one setting per line (its wrapping depends on the width).
function flags(sttyOutput: string): string {
  const lines = sttyOutput.replaceAll('\r', '').trim().split('\n');
  const start = lines.findIndex((l) => l.startsWith('speed'));
  return lines
    .slice(start + 1)
    .join(' ')
    .replaceAll(' = ', '=')
    .split(/;?\s+/)
    .filter(Boolean)
    .join('\n');
}

/** The settings of the terminal at `ptsName` now, read from outside, one per line. */
export function currentFlags(ptsName: string): string[] {
  const out = execFileSync('stty', ['-a', '-F', ptsName], { encoding: 'utf8' });
  return flags(out).split('\n');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Asks `stty size` in the session until it answers `size` ("rows cols"); resizes are asynchronous. */
export async function expectSize(run: PtyRun, size: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const at = run.mark;
    run.type('stty size\r');
    // Before the first resize lands, busybox's stty has no size to print ("stty: …").
    const m = await run.waitFor(/(\d+ \d+|stty: [^\r]*)\r\n/, at);
    if (m[1] === size) return;
    if (Date.now() > deadline) throw new Error(`stty size stayed ${m[1]}, expected ${size}`);
  }
}

/** dockerpty's five rapid resizes, ending at 28 rows × 105 columns. */
export function resizeRapidly(run: PtyRun): void {
  for (const [cols, rows] of [
    [80, 24],
    [90, 25],
    [95, 26],
    [101, 27],
    [105, 28],
  ] as const) {
    run.pty.resize(cols, rows);
  }
}
