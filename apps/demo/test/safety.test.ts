// Issue 16 safety, in real Chromium: the token in the URL, the Origin check, the read-only
// view link, and the limit of concurrent sessions stated on the page. Local shells (the
// container path is the same code after the launcher; terminal.test.ts covers it).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { Demo } from '../src/index.js';
import { chromiumPath, launchBrowser } from './browser.js';
import { demoServer, removeBuiltPage, screenText, type, waitForScreen } from './harness.js';

const chromium = await chromiumPath();

/** Whether a WebSocket to `url` with `origin` is taken (open) or refused (the HTTP status). */
function upgrade(url: string, origin: string | undefined): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new NodeWebSocket(url, origin ? { origin } : {});
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

describe.skipIf(!chromium.available)('safety', () => {
  let demo: Demo;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let origin: string;

  beforeAll(async () => {
    if (!chromium.available) return;
    // A short grace period: a closed page's session is gone before the next test.
    demo = await demoServer({ mode: 'local', shell: '/bin/sh', maxSessions: 2, graceMs: 100 });
    browser = await launchBrowser(chromium.value);
    origin = new URL(demo.url).origin;
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await removeBuiltPage();
  });

  it('refuses the page and the WebSocket without the token, and the WebSocket from another Origin', async () => {
    expect((await fetch(`${origin}/`)).status).toBe(401);
    expect((await fetch(`${origin}/?token=${'x'.repeat(22)}`)).status).toBe(401);
    const ws = `ws://${new URL(demo.url).host}/ws`;
    expect(await upgrade(`${ws}?token=${demo.token}`, origin)).toBe('open');
    expect(await upgrade(`${ws}?token=${demo.token}`, 'http://evil.example')).toBe(401);
    expect(await upgrade(`${ws}?token=${demo.token}`, undefined)).toBe(401);
    expect(await upgrade(`${ws}?token=wrong`, origin)).toBe(401);
    // And from a page in the browser: the same origin, but no token.
    const page = await browser.context.newPage();
    await page.goto(demo.url);
    const opened = await page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const socket = new WebSocket(`ws://${location.host}/ws`);
          socket.onopen = () => resolve(true);
          socket.onerror = () => resolve(false);
        }),
    );
    expect(opened).toBe(false);
    await page.close();
  });

  it('shows a session live through the view link, and the view link cannot type', async () => {
    const writer = await browser.context.newPage();
    await writer.goto(demo.url);
    await waitForScreen(writer, /[#$] $/m);
    const viewHref = await writer.locator('#status-view').getAttribute('href');
    expect(viewHref).toMatch(/\/\?view=[\w-]{22}$/);
    const viewer = await browser.context.newPage();
    await viewer.goto(viewHref as string);
    await type(writer, 'echo seen-$((2+3))\r');
    await waitForScreen(viewer, /^seen-5$/m);
    expect(await viewer.locator('#status-state').textContent()).toBe('viewing (read-only)');
    // Keystrokes in the view page, and an input message sent past the page's own guard.
    await type(viewer, 'echo typed-$((1+1))\r');
    await viewer.evaluate(() => {
      const { link } = (
        globalThis as unknown as {
          sluiceDemo: { link: { send(m: { type: 'input'; data: Uint8Array }): void } };
        }
      ).sluiceDemo;
      link.send({ type: 'input', data: new TextEncoder().encode('echo forged-$((1+1))\r') });
    });
    // The writer's next command comes after both attempts: had they reached the shell, their
    // output would be on both screens by now.
    await type(writer, 'echo marker-$((3+3))\r');
    await waitForScreen(viewer, /^marker-6$/m);
    for (const page of [writer, viewer]) {
      const text = await screenText(page);
      expect(text).not.toMatch(/typed-2|forged-2/);
    }
    await viewer.close();
    await writer.close();
  });

  it('states the limit of concurrent sessions on the page when it is reached', async () => {
    await expect.poll(() => demo.sessions.size, { timeout: 10_000 }).toBe(0);
    // Two sessions are allowed; each new page is a new tab without a session to resume.
    const pages: Page[] = [];
    for (let i = 0; i < 2; i++) {
      const page = await browser.context.newPage();
      await page.goto(demo.url);
      await waitForScreen(page, /[#$] $/m);
      pages.push(page);
    }
    const third = await browser.context.newPage();
    await third.goto(demo.url);
    await expect
      .poll(() => third.locator('#banner').textContent(), { timeout: 10_000 })
      .toMatch(/limit of 2 concurrent sessions/);
    expect(demo.sessions.size).toBe(2);
    for (const page of [...pages, third]) await page.close();
  });
});
