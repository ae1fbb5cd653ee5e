// Flow control end to end (issue 16): `yes | head -c 50000000` in a container reaches the
// end without freezing the page (a keystroke's echo shows within 200 ms during the flood)
// and without the server's memory growing by 100 MB: the page pauses the server as xterm
// falls behind, the server stops reading, the container's pty blocks `yes`.
import { dockerEngine, removeTestContainers, TEST_LABEL } from '@sluice/test-env';
import type Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../src/index.js';
import { chromiumPath, launchBrowser } from './browser.js';
import {
  type ChildDemo,
  childDemo,
  demoServer,
  removeBuiltPage,
  type,
  waitForScreen,
} from './harness.js';

const OWNER = 'demo-flood';
const chromium = await chromiumPath();
const engine = await dockerEngine();

/** Records, in the page, when output containing `marker` has been parsed by xterm. */
async function watchEcho(page: Page, marker: string): Promise<void> {
  await page.evaluate((code) => {
    const demo = (globalThis as unknown as { sluiceDemo: Record<string, unknown> }).sluiceDemo;
    const term = demo.term as { write(data: Uint8Array | string, cb?: () => void): void };
    const echoes: number[] = [];
    demo.echoes = echoes;
    const write = term.write.bind(term);
    term.write = (data, cb) => {
      const hit = typeof data !== 'string' && data.includes(code);
      write(data, () => {
        if (hit) echoes.push(performance.now());
        cb?.();
      });
    };
  }, marker.charCodeAt(0));
}

describe.skipIf(!chromium.available || !engine.available)('a flood of output', () => {
  let demo: Demo;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let docker: Docker;
  // Closed in afterAll too, so a failed assertion does not leave the child running.
  let local: ChildDemo | undefined;

  beforeAll(async () => {
    if (!chromium.available || !engine.available) return;
    docker = engine.value;
    demo = await demoServer({ labels: { [TEST_LABEL]: OWNER } });
    browser = await launchBrowser(chromium.value);
  });
  afterAll(async () => {
    await local?.close();
    await browser?.close();
    await demo?.close();
    await removeBuiltPage();
    if (docker) await removeTestContainers(docker, OWNER);
  });

  it('`yes | head -c 50000000` completes, echo stays under 200 ms, server RSS grows < 100 MB', async () => {
    // A local shell in a pty: the 50 MB must not take the engine's time (dockerd copies a TTY
    // at a few MB/s on a loaded machine). The container's own pty is held back in the next test.
    // The server runs as `npm start` runs it, in its own process, so its RSS is its own.
    const server = await childDemo(['--mode', 'local', '--shell', '/bin/sh']);
    local = server;
    const page = await browser.context.newPage();
    let frames = 0;
    page.on('websocket', (ws) => ws.on('framereceived', () => frames++));
    await page.goto(server.url);
    await waitForScreen(page, /[#$] $/m);
    // A small flood first: the server's heap and allocator reach their working size, so
    // what the big one adds on top is what it holds on to (buffering, a leak).
    await type(page, 'yes | head -c 5000000; echo warm-$((1+2))\r');
    await waitForScreen(page, /^warm-3$/m, 60_000);
    await type(page, 'clear\r');
    await watchEcho(page, 'Z');
    const baseline = server.rss();
    const framesBefore = frames;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, server.rss());
    }, 20);
    try {
      await type(page, 'yes | head -c 50000000; echo flood-$((40+2))\r');
      // The flood is on once its output reaches the screen.
      await waitForScreen(page, /^y$/m);
      const latencies: number[] = [];
      for (let i = 0; i < 5; i++) {
        const sentAt = await page.evaluate(() => performance.now());
        await page.keyboard.type('Z');
        const echoed = await page.waitForFunction(
          (count) => {
            const demo = (globalThis as unknown as { sluiceDemo: { echoes: number[] } }).sluiceDemo;
            return demo.echoes.length > count && demo.echoes[count];
          },
          i,
          { timeout: 10_000, polling: 'raf' },
        );
        latencies.push(((await echoed.jsonValue()) as number) - sentAt);
      }
      const text = await waitForScreen(page, /^flood-42$/m, 120_000);
      // Output gathers into large messages while it floods: far fewer messages (WebSocket
      // frames) than the pty's reads of 4 KiB, each of which costs the page an inflation.
      const perFrame = 50_000_000 / (frames - framesBefore);
      expect(perFrame, 'output bytes per WebSocket frame').toBeGreaterThan(16 * 1024);
      expect(text, 'the keystrokes were echoed during the flood, not after it').not.toMatch(
        /flood-42[\s\S]*Z/,
      );
      if (process.env.DEMO_DEBUG)
        console.warn('echo latencies', latencies, 'rss growth', (peak - baseline) / 1e6, perFrame);
      // The median meets the 200 ms bound; the slowest may catch a stall of the shared,
      // loaded machine but never a frozen page.
      const sorted = [...latencies].sort((a, b) => a - b);
      const shown = `echo latencies ${latencies.map(Math.round)} ms`;
      expect(sorted[2], shown).toBeLessThan(200);
      expect(sorted[4], shown).toBeLessThan(1000);
      expect(peak - baseline, 'server RSS growth').toBeLessThan(100 * 1024 * 1024);
    } finally {
      clearInterval(sampler);
    }
    // The Zs typed during the flood wait on the prompt: clear them, the shell still answers.
    await type(page, '\x15echo after-$((1+1))\r');
    await waitForScreen(page, /^after-2$/m);
    await server.close();
  }, 180_000);

  it("a page that falls behind stops the container's output at its pty, and resuming finishes it", async () => {
    const page = await browser.context.newPage();
    await page.goto(demo.url);
    await waitForScreen(page, /[#$] $/m);
    // The screen stops taking output: xterm's write callbacks are held, so the page pauses.
    await page.evaluate(() => {
      const demo = (globalThis as unknown as { sluiceDemo: Record<string, unknown> }).sluiceDemo;
      const term = demo.term as { write(data: Uint8Array | string, cb?: () => void): void };
      const held: Array<() => void> = [];
      demo.release = () => {
        demo.holding = false;
        for (const cb of held.splice(0)) cb();
      };
      demo.holding = true;
      const write = term.write.bind(term);
      term.write = (data, cb) => write(data, () => (demo.holding && cb ? held.push(cb) : cb?.()));
    });
    const [session] = demo.sessions.list();
    if (!session) throw new Error('no session');
    const total = 5_000_000;
    await type(page, `yes | head -c ${total}; echo flood-$((40+2))\r`);
    // Wait for the output the server reads to stand still: the pause reached it, it stopped
    // reading, and the container's own pty holds `yes`.
    let last = -1;
    let still = 0;
    await expect
      .poll(
        () => {
          const now = session.counters.output;
          still = now === last ? still + 1 : 0;
          last = now;
          return still;
        },
        { interval: 250, timeout: 20_000 },
      )
      .toBeGreaterThanOrEqual(4);
    expect(session.counters.output, 'held back long before the end').toBeLessThan(total / 2);
    await page.evaluate(() => {
      (globalThis as unknown as { sluiceDemo: { release(): void } }).sluiceDemo.release();
    });
    await waitForScreen(page, /^flood-42$/m, 60_000);
    expect(session.counters.output).toBeGreaterThan(total);
  }, 90_000);
});
