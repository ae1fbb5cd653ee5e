// ★ Resume (issue 16): a reload, or a dropped connection that comes back within the grace
// period, returns to the same shell with its screen restored; after the grace period the
// container is removed. ttyd and wetty start a new shell here.
import { dockerEngine, removeTestContainers, TEST_LABEL } from '@sluice/test-env';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../src/index.js';
import { chromiumPath, launchBrowser } from './browser.js';
import { demoServer, removeBuiltPage, type, waitForScreen } from './harness.js';

const OWNER = 'demo-resume';
const GRACE_MS = 3000;
const chromium = await chromiumPath();
const engine = await dockerEngine();

describe.skipIf(!chromium.available || !engine.available)('resume', () => {
  let demo: Demo;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let docker: Docker;

  beforeAll(async () => {
    if (!chromium.available || !engine.available) return;
    docker = engine.value;
    demo = await demoServer({ labels: { [TEST_LABEL]: OWNER }, graceMs: GRACE_MS });
    browser = await launchBrowser(chromium.value);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await removeBuiltPage();
    if (docker) await removeTestContainers(docker, OWNER);
  });

  const containers = async (): Promise<number> =>
    (await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${OWNER}`] } }))
      .length;

  it('brings back the same shell after a reload and a dropped connection, then removes the container after the grace period', async () => {
    const page = await browser.context.newPage();
    await page.goto(demo.url);
    await waitForScreen(page, /[#$] $/m);
    await type(page, 'echo before-$((3+4)); echo "pid=[$$]"\r');
    const pid = /^pid=\[(\d+)\]$/m.exec(await waitForScreen(page, /^pid=\[\d+\]$/m))?.[1];
    expect(pid).toBeDefined();

    await page.reload();
    // The restored screen holds the earlier output, before anything new is typed.
    await waitForScreen(page, /^before-7$/m);
    await expect.poll(() => page.locator('#status-state').textContent()).toBe('resumed');
    await type(page, 'clear; echo "again=[$$]"\r');
    await waitForScreen(page, new RegExp(`^again=\\[${pid}\\]$`, 'm'));

    // A cable pull: the page reconnects by itself to the same session. What is typed while
    // it is away is kept and sent once it is back.
    await page.evaluate(() => {
      (globalThis as unknown as { sluiceDemo: { link: { drop(): void } } }).sluiceDemo.link.drop();
    });
    await expect.poll(() => page.locator('#status-state').textContent()).toBe('reconnecting');
    await type(page, 'echo "third=[$$]"\r');
    await expect.poll(() => page.locator('#status-state').textContent()).toBe('resumed');
    await waitForScreen(page, new RegExp(`^third=\\[${pid}\\]$`, 'm'));
    expect(demo.sessions.size).toBe(1);

    // Closing the page leaves the session for the grace period only.
    const closedAt = Date.now();
    await page.close();
    expect(await containers()).toBe(1);
    await expect.poll(containers, { timeout: GRACE_MS + 15_000, interval: 200 }).toBe(0);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 100);
    expect(demo.sessions.size).toBe(0);
  });
});
