// Issue 16 acceptance, in real headless Chromium against a real container: the prompt, typed
// commands, the terminal size (and a viewport resize), the exit code and the container's
// removal, a UTF-8 character split across reads, and a screenshot of the working terminal.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerEngine, removeTestContainers, TEST_LABEL } from '@sluice/test-env';
import type Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../src/index.js';
import { chromiumPath, launchBrowser } from './browser.js';
import { demoServer, removeBuiltPage, screenText, type, waitForScreen } from './harness.js';

const OWNER = 'demo-terminal';
const artifacts = fileURLToPath(new URL('../../../.cache/artifacts/', import.meta.url));
const chromium = await chromiumPath();
const engine = await dockerEngine();

describe.skipIf(!chromium.available || !engine.available)(
  'the demo in Chromium, a container per session',
  () => {
    let demo: Demo;
    let browser: Awaited<ReturnType<typeof launchBrowser>>;
    let docker: Docker;
    let page: Page;

    beforeAll(async () => {
      if (!chromium.available || !engine.available) return;
      docker = engine.value;
      demo = await demoServer({ labels: { [TEST_LABEL]: OWNER } });
      browser = await launchBrowser(chromium.value);
      page = await browser.context.newPage();
      if (process.env.DEMO_DEBUG) page.on('console', (m) => console.warn(`[page] ${m.text()}`));
      if (process.env.DEMO_DEBUG)
        page.on('pageerror', (e) => console.warn(`[page error] ${e.message}`));
      await page.goto(demo.url);
    });
    afterAll(async () => {
      await browser?.close();
      await demo?.close();
      await removeBuiltPage();
      if (docker) await removeTestContainers(docker, OWNER);
    });

    const containers = async (): Promise<string[]> =>
      (
        await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${OWNER}`] } })
      ).map((c) => c.Id);

    it('shows a prompt, and typing `echo hello` shows hello', async () => {
      await waitForScreen(page, /[#$] $/m);
      expect(await page.locator('#status-target').textContent()).toMatch(
        /^container [0-9a-f]{12}$/,
      );
      await type(page, 'echo hel""lo\r');
      // The typed line holds `hel""lo`; only the output line is exactly `hello`.
      await waitForScreen(page, /^hello$/m);
    });

    it('runs at the size of the page, and a viewport resize changes it', async () => {
      const size = await page.evaluate(() => {
        const { term } = (
          globalThis as unknown as { sluiceDemo: { term: { rows: number; cols: number } } }
        ).sluiceDemo;
        return { rows: term.rows, cols: term.cols };
      });
      expect(size.cols).toBeGreaterThan(60);
      await type(page, 'clear; stty size\r');
      await waitForScreen(page, new RegExp(`^${size.rows} ${size.cols}$`, 'm'));
      await page.setViewportSize({ width: 700, height: 420 });
      const smaller = await page.waitForFunction((before) => {
        const { term } = (
          globalThis as unknown as { sluiceDemo: { term: { rows: number; cols: number } } }
        ).sluiceDemo;
        return (
          term.cols < before.cols && term.rows < before.rows && { rows: term.rows, cols: term.cols }
        );
      }, size);
      const now = (await smaller.jsonValue()) as { rows: number; cols: number };
      await type(page, 'clear; stty size\r');
      await waitForScreen(page, new RegExp(`^${now.rows} ${now.cols}$`, 'm'));
      await page.setViewportSize({ width: 1000, height: 640 });
    });

    it('renders a character split across reads (printf \\342\\202; sleep; printf \\254) as €', async () => {
      await type(page, "clear; printf '\\342\\202'; sleep 0.1; printf '\\254\\n'\r");
      const text = await waitForScreen(page, /^€$/m);
      expect(text).not.toContain('\ufffd');
    });

    it('saves a screenshot of the working terminal to .cache/artifacts/demo.png', async () => {
      await type(page, 'clear; echo "sluice demo: $(uname -s) container, shell $$"; ls /\r');
      await waitForScreen(page, /sluice demo: Linux container/);
      await waitForScreen(page, /bin/);
      await mkdir(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'demo.png') });
    });

    it('`exit 5` shows the exit code, ends the session and removes the container', async () => {
      expect(await containers()).toHaveLength(1);
      await type(page, 'exit 5\r');
      await waitForScreen(page, /process exited with code 5/);
      await expect
        .poll(() => page.locator('#status-state').textContent())
        .toBe('exited with code 5');
      await expect.poll(containers, { timeout: 15_000 }).toEqual([]);
      expect(demo.sessions.size).toBe(0);
      expect(await screenText(page)).toContain('exit 5');
    });
  },
);
