// pty-attach vs the Docker CLI on the same engine. Three modes in one file:
//  - imported by the runner: `suite`, output throughput per session (BENCH_PTY_MIB, default
//    64 MiB, so `pnpm bench` stays short), sluice's client process vs `docker start -a`;
//  - `node dist/suites/pty-attach.js full`: its own runner for the issue's figures — 1 GiB
//    TTY and non-TTY via run (`docker start -a`) and exec (`docker exec`), client CPU time
//    per GiB (rusage of each client process, via /usr/bin/time), and keystroke echo latency
//    p50/p99 over 1,000 keystrokes typed into a real pty (node-pty);
//  - `node dist/suites/pty-attach.js client <json>`: the sluice client (one session, its
//    output to its stdout), so both sides are separate processes measured the same way;
//  - `node dist/suites/pty-attach.js import [entry …]`: what importing the package costs a
//    fresh process (median of BENCH_PTY_IMPORT_RUNS, default 41, alternating entries), against
//    `node -e 0`; an entry is a specifier or a path (e.g. a build of an older commit).
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { attach, exec } from '@sluice/pty-attach';
import Docker from 'dockerode';
import type { BenchSuite } from '../harness.js';

const IMAGE = 'sluice-test/busybox:latest';
const LABEL = 'dev.sluice.bench';
const MIB = 1024 * 1024;
const SELF = fileURLToPath(import.meta.url);
const LINE = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY';

// The container repeats a 1 MiB block: the generator costs next to nothing.
const generate = (mib: number, tty: boolean): string =>
  `${tty ? 'stty raw -echo; ' : ''}yes ${LINE} | head -c ${MIB} > /tmp/block; ` +
  `i=0; while [ $i -lt ${mib} ]; do cat /tmp/block; i=$((i+1)); done`;

interface Spec {
  op: 'attach' | 'exec';
  container: string;
  cmd?: string[];
  tty?: boolean;
}

async function runClient(spec: Spec): Promise<void> {
  const docker = new Docker();
  const io = { stdin: null, stdout: process.stdout, stderr: process.stderr } as const;
  const session =
    spec.op === 'exec'
      ? exec(docker, spec.container, spec.cmd ?? [], { ...io, tty: spec.tty ?? false })
      : attach(docker, spec.container, { ...io, interactive: false });
  const result = await session.result;
  process.exitCode = result.exitCode;
}

const docker = new Docker();

async function createContainer(cmd: string[], tty: boolean, openStdin = false): Promise<string> {
  const c = await docker.createContainer({
    Image: IMAGE,
    Cmd: cmd,
    Tty: tty,
    OpenStdin: openStdin,
    Labels: { [LABEL]: 'pty-attach-bench' },
    HostConfig: { LogConfig: { Type: 'none', Config: {} } },
  });
  return c.id;
}

const remove = (id: string): Promise<unknown> =>
  docker
    .getContainer(id)
    .remove({ force: true })
    .catch(() => undefined);

/** Runs `argv` with stdout to /dev/null under /usr/bin/time; wall seconds and CPU seconds. */
function timed(argv: string[]): Promise<{ wall: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '@@%U %S', ...argv], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = (performance.now() - start) / 1000;
      const m = err.match(/@@([\d.]+) ([\d.]+)/);
      if (code !== 0 || !m) reject(new Error(`${argv.join(' ')} failed (${code}): ${err}`));
      else resolve({ wall, cpu: Number(m[1]) + Number(m[2]) });
    });
  });
}

const sluiceArgv = (spec: Spec): string[] => [
  process.execPath,
  SELF,
  'client',
  JSON.stringify(spec),
];

type Side = 'sluice' | 'docker';

/** One session streaming `mib` MiB, by `side`; wall and client CPU seconds. */
async function throughputOnce(
  side: Side,
  via: 'run' | 'exec',
  tty: boolean,
  mib: number,
): Promise<{ wall: number; cpu: number }> {
  if (via === 'run') {
    const id = await createContainer(['sh', '-c', generate(mib, tty)], tty);
    try {
      return await timed(
        side === 'sluice'
          ? sluiceArgv({ op: 'attach', container: id })
          : ['docker', 'start', '-a', id],
      );
    } finally {
      await remove(id);
    }
  }
  const id = await createContainer(['sleep', '3600'], false);
  try {
    await docker.getContainer(id).start();
    const cmd = ['sh', '-c', generate(mib, tty)];
    return await timed(
      side === 'sluice'
        ? sluiceArgv({ op: 'exec', container: id, cmd, tty })
        : ['docker', 'exec', ...(tty ? ['-t'] : []), id, ...cmd],
    );
  } finally {
    await remove(id);
  }
}

/** Echo round trips of `count` keystrokes typed into a pty attached to a TTY `cat`. */
async function latency(side: Side, count: number): Promise<number[]> {
  const { spawn: ptySpawn } = await import('node-pty');
  // tr echoes each byte itself (as K: the local terminal's own echo before raw mode is k),
  // and the container's terminal is raw, so nothing waits for a line.
  const id = await createContainer(['sh', '-c', 'stty raw -echo; tr k K'], true, true);
  await docker.getContainer(id).start();
  try {
    const argv =
      side === 'sluice'
        ? sluiceArgvInteractive(id)
        : ['docker', 'attach', '--detach-keys', 'ctrl-a,x', id];
    const pty = ptySpawn(argv[0]!, argv.slice(1), { cols: 80, rows: 24, env: process.env });
    let seen = '';
    let notify: (() => void) | undefined;
    pty.onData((d) => {
      seen += d;
      notify?.();
    });
    const waitFor = async (n: number): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (count0(seen) < n) {
        if (Date.now() > deadline) throw new Error(`no echo (${side}): ${JSON.stringify(seen)}`);
        await new Promise<void>((r) => {
          notify = r;
          setTimeout(r, 50);
        });
      }
    };
    // Warm up until the session echoes at all.
    for (let i = 1; ; i++) {
      pty.write('k');
      try {
        await waitFor(i);
        break;
      } catch (e) {
        if (i > 20) throw e;
      }
    }
    const samples: number[] = [];
    let base = count0(seen);
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      pty.write('k');
      await waitFor(++base);
      samples.push(performance.now() - t0);
    }
    pty.kill();
    return samples;
  } finally {
    await remove(id);
  }
}

const count0 = (s: string): number => s.split('K').length - 1;

function sluiceArgvInteractive(id: string): string[] {
  return [process.execPath, SELF, 'client-tty', id];
}

async function runInteractiveClient(id: string): Promise<void> {
  const result = await attach(new Docker(), id, { detachKeys: 'ctrl-a,x' }).result;
  process.exitCode = result.exitCode;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function full(): Promise<void> {
  const mib = Number(process.env.BENCH_PTY_MIB ?? 1024);
  const runs = Number(process.env.BENCH_PTY_RUNS ?? 1);
  const keys = Number(process.env.BENCH_PTY_KEYS ?? 1000);
  const rows: string[] = [
    `| case | sluice MiB/s | docker CLI MiB/s | ratio (goal ≥ 1.0x) | ratio of medians | sluice CPU s/GiB | CLI CPU s/GiB | CPU ratio (goal ≤ 1.0x) |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const via of ['run', 'exec'] as const) {
    for (const tty of [false, true]) {
      const r: Record<Side, { wall: number; cpu: number }[]> = { sluice: [], docker: [] };
      for (let i = 0; i < runs; i++) {
        // Alternate, so load on the shared machine hits both sides alike.
        for (const side of (i % 2 ? ['docker', 'sluice'] : ['sluice', 'docker']) as Side[]) {
          r[side].push(await throughputOnce(side, via, tty, mib));
          console.error(`  ${via} tty=${tty} ${side}: ${JSON.stringify(r[side].at(-1))}`);
        }
      }
      const best = (side: Side): { rate: number; cpu: number } => {
        const wall = Math.min(...r[side].map((x) => x.wall));
        const cpu = Math.min(...r[side].map((x) => x.cpu));
        return { rate: mib / wall, cpu: (cpu * 1024) / mib };
      };
      // The engine's pace varies from run to run; the median run is the second view.
      const medianWall = (side: Side): number => {
        const walls = r[side].map((x) => x.wall).sort((a, b) => a - b);
        const mid = walls.length >> 1;
        return walls.length % 2 ? walls[mid]! : (walls[mid - 1]! + walls[mid]!) / 2;
      };
      const s = best('sluice');
      const d = best('docker');
      const medianRatio = medianWall('docker') / medianWall('sluice');
      rows.push(
        `| ${mib} MiB, ${via}, ${tty ? 'TTY' : 'no TTY'} | ${s.rate.toFixed(1)} | ${d.rate.toFixed(1)} | ${(s.rate / d.rate).toFixed(2)}x | ${medianRatio.toFixed(2)}x | ${s.cpu.toFixed(2)} | ${d.cpu.toFixed(2)} | ${(s.cpu / d.cpu).toFixed(2)}x |`,
      );
    }
  }
  const lat: Record<Side, number[]> = {
    sluice: await latency('sluice', keys),
    docker: await latency('docker', keys),
  };
  const lines = [
    '',
    `| keystroke echo, ${keys} keys | p50 ms | p99 ms |`,
    '|---|---:|---:|',
    `| sluice attach | ${pct(lat.sluice, 50).toFixed(2)} | ${pct(lat.sluice, 99).toFixed(2)} |`,
    `| docker attach | ${pct(lat.docker, 50).toFixed(2)} | ${pct(lat.docker, 99).toFixed(2)} |`,
  ];
  const cli = spawnSync(
    'docker',
    ['version', '--format', '{{.Client.Version}} / engine {{.Server.Version}}'],
    {
      encoding: 'utf8',
    },
  ).stdout.trim();
  console.log(`\nNode ${process.version}, Docker CLI ${cli}; best of ${runs} run(s) per side\n`);
  console.log([...rows, ...lines].join('\n'));
}

const quickMib = Number(process.env.BENCH_PTY_MIB ?? 64);

/** The harness's view: one session per iteration, sluice's client vs `docker start -a`. */
export const suite: BenchSuite = {
  name: 'pty-attach',
  cases: [false, true].map((tty) => ({
    name: `${quickMib} MiB out of a container per session, run, ${tty ? 'TTY' : 'no TTY'} (vs docker start -a)`,
    bytes: quickMib * MIB,
    peerName: 'docker CLI',
    goal: { peer: 1 },
    sluice: async () => {
      await throughputOnce('sluice', 'run', tty, quickMib);
    },
    peer: async () => {
      await throughputOnce('docker', 'run', tty, quickMib);
    },
  })),
};

/** Wall ms of one fresh `node` that imports `entry` (nothing for the limit). */
function importOnce(entry: string | undefined): number {
  const code = entry === undefined ? '0' : `await import(${JSON.stringify(entry)});`;
  const start = performance.now();
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
  });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`importing ${entry} failed: ${run.stderr}`);
  return ms;
}

async function importCost(entries: string[]): Promise<void> {
  const runs = Number(process.env.BENCH_PTY_IMPORT_RUNS ?? 41);
  const all: (string | undefined)[] = [undefined, ...entries];
  const samples = all.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    // Round-robin, so the machine's load falls on every entry alike.
    all.forEach((entry, k) => {
      samples[k]!.push(importOnce(entry));
    });
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const limit = median(samples[0]!);
  console.log(`\nNode ${process.version}; median of ${runs} fresh processes each\n`);
  console.log('| import | wall ms | minus `node -e 0` ms |');
  console.log('|---|---:|---:|');
  all.forEach((entry, k) => {
    const m = median(samples[k]!);
    console.log(`| ${entry ?? '`node -e 0`'} | ${m.toFixed(1)} | ${(m - limit).toFixed(1)} |`);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const mode = process.argv[2];
  if (mode === 'import')
    await importCost(process.argv.slice(3).length ? process.argv.slice(3) : ['@sluice/pty-attach']);
  else if (mode === 'client') await runClient(JSON.parse(process.argv[3] ?? '{}') as Spec);
  else if (mode === 'client-tty') await runInteractiveClient(process.argv[3] ?? '');
  else await full();
}
