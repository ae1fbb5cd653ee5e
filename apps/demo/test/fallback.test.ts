// With no Docker engine reachable (a dead DOCKER_HOST; the real engine stays up for the
// other tests), the page says so, the server says so, and the terminal is a working local
// shell in a pty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../src/index.js';
import { chromiumPath, launchBrowser } from './browser.js';
import { demoServer, removeBuiltPage, type, waitForScreen } from './harness.js';

const chromium = await chromiumPath();

describe.skipIf(!chromium.available)('no engine reachable', () => {
  let demo: Demo;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  const logged: string[] = [];

  beforeAll(async () => {
    if (!chromium.available) return;
    demo = await demoServer({
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/sluice-demo-test.sock' },
      shell: '/bin/sh',
      log: (m) => logged.push(m),
    });
    browser = await launchBrowser(chromium.value);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await removeBuiltPage();
  });

  it('says so on the page and in the console, and falls back to a local shell that works', async () => {
    const page = await browser.context.newPage();
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    await page.goto(demo.url);
    await expect
      .poll(() => page.locator('#banner').textContent(), { timeout: 15_000 })
      .toMatch(
        /no Docker engine is reachable at unix:\/\/\/nonexistent\/sluice-demo-test\.sock.*local shell/,
      );
    expect(await page.locator('#status-target').textContent()).toBe('local shell /bin/sh');
    expect(logged.join('\n')).toMatch(/no Docker engine is reachable/);
    expect(consoleLines.join('\n')).toMatch(/no Docker engine is reachable/);
    await waitForScreen(page, /[#$] $/m);
    await type(page, 'echo local-$((20+1))\r');
    await waitForScreen(page, /^local-21$/m);
  });
});
