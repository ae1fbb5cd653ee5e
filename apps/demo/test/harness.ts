// Starts the demo in-process on port 0 with a freshly built page, and reads the terminal of
// a page through the page's own xterm (what the user sees, line by line).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { buildPage } from '../src/build-page.js';
import { type Demo, type DemoOptions, startDemo } from '../src/index.js';

let assets: Promise<string> | undefined;

/** The page bundle, built once per test file into a temporary directory. */
export function builtPage(): Promise<string> {
  assets ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-demo-page-'));
    await buildPage(dir);
    return dir;
  })();
  return assets;
}

/** Removes the bundle of this test file. */
export async function removeBuiltPage(): Promise<void> {
  if (assets) await rm(await assets, { recursive: true, force: true });
}

/** A demo on 127.0.0.1:0 with the built page. */
export async function demoServer(options: DemoOptions = {}): Promise<Demo> {
  return startDemo({
    port: 0,
    assetsDir: await builtPage(),
    // DEMO_DEBUG=1 shows what the server says.
    log: process.env.DEMO_DEBUG ? (m) => console.warn(`[demo] ${m}`) : () => undefined,
    ...options,
  });
}

/** The text on the page's terminal screen (viewport and scrollback), lines trimmed. */
export function screenText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { term } = (
      globalThis as unknown as { sluiceDemo: { term: import('@xterm/xterm').Terminal } }
    ).sluiceDemo;
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    }
    return lines.join('\n');
  });
}

/** Waits until the screen matches `pattern` (checked in the page on every frame), or fails saying what it shows. */
export async function waitForScreen(
  page: Page,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<string> {
  try {
    await page.waitForFunction(
      ({ source, flags }) => {
        const { term } = (
          globalThis as unknown as { sluiceDemo: { term: import('@xterm/xterm').Terminal } }
        ).sluiceDemo;
        const buffer = term.buffer.active;
        const lines: string[] = [];
        for (let i = 0; i < buffer.length; i++)
          lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
        return new RegExp(source, flags).test(lines.join('\n'));
      },
      { source: pattern.source, flags: pattern.flags },
      { timeout: timeoutMs, polling: 'raf' },
    );
  } catch (error) {
    const text = await screenText(page).catch(() => '(page gone)');
    throw new Error(
      `the screen never matched ${pattern}: ${String(error)}\nit shows:\n${text.trimEnd().slice(-2000)}`,
    );
  }
  return screenText(page);
}

/** Types `text` into the terminal as a user would (keyboard events into xterm). */
export async function type(page: Page, text: string): Promise<void> {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(text);
}

/** The demo as `npm start` runs it (dist/server.js), in a child process of its own. */
export interface ChildDemo {
  url: string;
  pid: number;
  /** The child's resident set size now, in bytes (from /proc). */
  rss(): number;
  /** The child's CPU time so far (user + system), in ms. */
  cpuMs(): number;
  close(): Promise<void>;
}

const serverJs = fileURLToPath(new URL('../dist/server.js', import.meta.url));

/**
 * Node's flags from the package's `start` script (`node --max-semi-space-size=8 dist/server.js`),
 * so a child runs with the heap `npm start` gives it.
 */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const words = String(pkg.scripts.start).split(/\s+/);
  return words.slice(1, words.indexOf('dist/server.js'));
}

/** Starts dist/server.js on port 0 with `args`; resolves once it printed its URL. */
export async function childDemo(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildDemo> {
  if (!existsSync(serverJs)) throw new Error(`${serverJs} is missing: build the demo first`);
  const child = spawn(process.execPath, [...startFlags(), serverJs, '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const found = /listening on (\S+)/.exec(text)?.[1];
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`the demo exited (${code}): ${text}`)));
  });
  const pid = child.pid as number;
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  return {
    url,
    pid,
    rss: () => {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return Number(kb) * 1024;
    },
    cpuMs: () => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) * tick;
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
