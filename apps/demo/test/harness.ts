// Starts the demo in-process on port 0 with a freshly built page, and reads the terminal of
// a page through the page's own xterm (what the user sees, line by line).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
