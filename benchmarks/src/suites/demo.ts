// The demo's browser terminal against wetty (the `wetty` package, serving a local shell),
// both driven in the same headless Chromium, both servers in processes of their own:
//  - `yes | head -c N` (BENCH_DEMO_MB, default 50 MB) until its end is on the screen (MiB/s);
//  - keystroke echo: 500 keys, each typed once the last one's echo was parsed (keys/s; p50
//    and p99 in the extra table);
//  - during the flood: server CPU time and peak RSS (from /proc), and WebSocket bytes
//    received per byte the program wrote.
// sluice = the demo with a local shell (as wetty runs one), peer = wetty; limit = the demo
// with its default target, a container (BENCH_DEMO_CONTAINER=0 leaves it out).
// Needs apps/demo/dist (pnpm turbo run build --filter @sluice/demo), Chromium and, for the
// container side, the Docker engine with sluice-test/busybox.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { freePort } from '../free-port.js';
import type { BenchSuite, Task } from '../harness.js';

const DEMO = fileURLToPath(new URL('../../../apps/demo/dist/server.js', import.meta.url));
// Node's flags from the demo's `start` script, so it runs with the heap `npm start` gives it.
const DEMO_FLAGS = (() => {
  const pkg = JSON.parse(
    readFileSync(new URL('../../../apps/demo/package.json', import.meta.url), 'utf8'),
  );
  const words = String(pkg.scripts.start).split(/\s+/);
  return words.slice(1, words.indexOf('dist/server.js'));
})();
const WETTY = fileURLToPath(new URL('../../node_modules/wetty/build/main.js', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLOOD_BYTES = Math.round(Number(process.env.BENCH_DEMO_MB ?? 50) * 1_000_000);
const KEYS = 500;
const WITH_CONTAINER = process.env.BENCH_DEMO_CONTAINER !== '0';

if (!existsSync(DEMO))
  throw new Error(`${DEMO} is missing: pnpm turbo run build --filter @sluice/demo`);

type Kind = 'demo-local' | 'wetty' | 'demo-container';

interface Server {
  child: ChildProcess;
  url: string;
}

async function startServer(kind: Kind): Promise<Server> {
  if (kind === 'wetty') {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [WETTY, '--port', String(port), '--host', '127.0.0.1', '--command', '/bin/sh'],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    const url = `http://127.0.0.1:${port}/`;
    for (let i = 0; i < 200; i++) {
      if (
        await fetch(url).then(
          (r) => r.ok,
          () => false,
        )
      )
        return { child, url };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('wetty did not answer');
  }
  const args = [
    ...DEMO_FLAGS,
    DEMO,
    '--port',
    '0',
    ...(kind === 'demo-local' ? ['--mode', 'local', '--shell', '/bin/sh'] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`the demo exited ${code}`)));
  });
  return { child, url };
}

function procStat(pid: number): { cpuMs: number; rss: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, rss: Number(rss) * 1024 };
}

/** One side: a server, a page on it, and the WebSocket bytes that page receives. */
interface Side {
  server: Server;
  page: Page;
  wireBytes: number;
}

let context: BrowserContext | undefined;
let profile: string | undefined;
const sides = new Map<Kind, Side>();
const extra = new Map<Kind, { flood: Record<string, number>[]; echo: number[] }>();

async function browser(): Promise<BrowserContext> {
  if (context) return context;
  profile = mkdtempSync(join(tmpdir(), 'sluice-bench-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1000, height: 640 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return context;
}

/** The parts of xterm.js the measurements use (both pages run xterm.js). */
interface PageTerm {
  buffer: {
    active: {
      cursorX: number;
      cursorY: number;
      baseY: number;
      length: number;
      getLine(i: number): { translateToString(trim: boolean): string } | undefined;
    };
  };
  input(data: string, wasUserInput: boolean): void;
  onWriteParsed(listener: () => void): { dispose(): void };
}

// Page-side code is passed as functions, never strings: the demo's CSP forbids eval. Each
// finds the page's xterm itself: the demo's sluiceDemo.term, wetty's window.wetty_term.
type TermGlobals = { sluiceDemo?: { term: PageTerm }; wetty_term?: PageTerm };

async function side(kind: Kind): Promise<Side> {
  const existing = sides.get(kind);
  if (existing) return existing;
  const server = await startServer(kind);
  const page = await (await browser()).newPage();
  const s: Side = { server, page, wireBytes: 0 };
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      s.wireBytes += typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    }),
  );
  await page.goto(server.url);
  await page.waitForFunction(
    () => {
      const g = globalThis as unknown as TermGlobals;
      const t = g.sluiceDemo?.term ?? g.wetty_term;
      if (!t) return false;
      const b = t.buffer.active;
      return /[#$]\s*$/.test(b.getLine(b.baseY + b.cursorY)?.translateToString(true) ?? '');
    },
    undefined,
    { timeout: 30_000 },
  );
  sides.set(kind, s);
  extra.set(kind, { flood: [], echo: [] });
  return s;
}

function input(page: Page, text: string): Promise<void> {
  return page.evaluate((data) => {
    const g = globalThis as unknown as TermGlobals;
    (g.sluiceDemo?.term ?? g.wetty_term)?.input(data, true);
  }, text);
}

function flood(kind: Kind): Task {
  return async () => {
    const s = await side(kind);
    const pid = s.server.child.pid as number;
    const n = 10_000 + (Date.now() % 80_000);
    const before = procStat(pid);
    const wireBefore = s.wireBytes;
    let peak = before.rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, procStat(pid).rss);
    }, 20);
    const started = performance.now();
    // The marker line is `done-N` only as output: the typed line holds `$((N))`.
    await input(s.page, `clear; yes | head -c ${FLOOD_BYTES}; echo done-$((${n}))\r`);
    await s.page.waitForFunction(
      (line) => {
        const g = globalThis as unknown as TermGlobals;
        const b = (g.sluiceDemo?.term ?? g.wetty_term)?.buffer.active;
        if (!b) return false;
        for (let i = Math.max(0, b.length - 80); i < b.length; i++) {
          if (b.getLine(i)?.translateToString(true) === line) return true;
        }
        return false;
      },
      `done-${n}`,
      { timeout: 900_000, polling: 50 },
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const after = procStat(pid);
    extra.get(kind)?.flood.push({
      seconds,
      cpuMs: after.cpuMs - before.cpuMs,
      peakRssMiB: peak / 1024 / 1024,
      wirePerByte: (s.wireBytes - wireBefore) / FLOOD_BYTES,
    });
  };
}

function echo(kind: Kind): Task {
  return async () => {
    const s = await side(kind);
    const latencies = await s.page.evaluate(async (keys) => {
      const g = globalThis as unknown as TermGlobals;
      const t = (g.sluiceDemo?.term ?? g.wetty_term) as PageTerm;
      // Resolves once a write moved the cursor (the echo was parsed).
      const typed = (data: string, moved: (x: number) => boolean): Promise<void> =>
        new Promise((resolve) => {
          const d = t.onWriteParsed(() => {
            if (moved(t.buffer.active.cursorX)) {
              d.dispose();
              resolve();
            }
          });
          t.input(data, true);
        });
      const out: number[] = [];
      for (let i = 0; i < keys; i++) {
        // A fresh line every 50 keys (ctrl-U), outside the timing.
        if (i > 0 && i % 50 === 0) {
          const x0 = t.buffer.active.cursorX;
          await typed('\x15', (x) => x < x0);
        }
        const x = t.buffer.active.cursorX;
        const t0 = performance.now();
        await typed('a', (now) => now !== x);
        out.push(performance.now() - t0);
      }
      const x0 = t.buffer.active.cursorX;
      await typed('\x15', (x) => x < x0);
      return out;
    }, KEYS);
    extra.get(kind)?.echo.push(...latencies);
  };
}

const cases: BenchSuite['cases'] = [
  {
    name: `yes | head -c ${FLOOD_BYTES / 1e6} MB to the screen`,
    bytes: FLOOD_BYTES,
    sluice: flood('demo-local'),
    peer: flood('wetty'),
    peerName: 'wetty',
    ...(WITH_CONTAINER && { limit: flood('demo-container') }),
    goal: { peer: 1 },
  },
  {
    name: `keystroke echo, ${KEYS} keys one after another`,
    units: KEYS,
    sluice: echo('demo-local'),
    peer: echo('wetty'),
    peerName: 'wetty',
    ...(WITH_CONTAINER && { limit: echo('demo-container') }),
    goal: { peer: 1 },
    teardown: async () => {
      const pct = (v: number[], p: number): number =>
        [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * p))] ?? NaN;
      const median = (v: number[]): number => pct(v, 0.5);
      const rows = [
        '| side | flood s | server CPU ms | peak RSS MiB | wire B per output B | echo p50 ms | echo p99 ms |',
        '|---|---:|---:|---:|---:|---:|---:|',
      ];
      for (const [kind, e] of extra) {
        const f = (k: string): number => median(e.flood.map((r) => r[k] as number));
        rows.push(
          `| ${kind} | ${f('seconds').toFixed(1)} | ${f('cpuMs').toFixed(0)} | ${f('peakRssMiB').toFixed(0)} | ${f('wirePerByte').toFixed(4)} | ${pct(e.echo, 0.5).toFixed(1)} | ${pct(e.echo, 0.99).toFixed(1)} |`,
        );
      }
      console.error(
        `\ndemo extra figures (medians over the flood runs; echo over all keys):\n${rows.join('\n')}\n`,
      );
      for (const s of sides.values()) s.server.child.kill('SIGTERM');
      await context?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    },
  },
];

/** The demo against wetty in one browser. */
export const suite: BenchSuite = { name: 'demo', cases };
