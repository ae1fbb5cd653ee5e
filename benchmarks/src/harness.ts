// A small, dependency-free harness: each case is measured for sluice, the peer a user would
// otherwise pick, and the limit (the same bytes moved with no protocol work), in one process
// on the same input. Results are ratios, so they travel between machines better than times.

/** One measured function: resolves when one iteration is done. */
export type Task = () => Promise<void> | void;

/** One row of a suite: the same work done three ways. */
export interface BenchCase {
  /** What is measured, e.g. "32 B frames, 64 KiB chunks". */
  name: string;
  /** Bytes moved per iteration, to report MB/s; omit to report operations per second. */
  bytes?: number;
  /** Messages (or other units) per iteration, to report units per second. */
  units?: number;
  /** sluice doing the work. */
  sluice: Task;
  /** The peer library doing the same work, when there is one. */
  peer?: Task;
  /** Name of the peer, shown in the table. */
  peerName?: string;
  /** The same bytes moved with no protocol work. */
  limit?: Task;
  /** Goals as ratios, shown beside the measured ones (e.g. `{ peer: 20, limit: 0.8 }`). */
  goal?: { peer?: number; limit?: number };
  /** Set-up before measuring, tear-down after (e.g. sockets). */
  setup?: () => Promise<void> | void;
  teardown?: () => Promise<void> | void;
  /**
   * Run `setup` and `teardown` around every round instead of once. For connections: on
   * loopback one connection can run a steady 20-30% faster or slower than the next (where
   * the kernel happens to do its work), so each round gets fresh ones, for every side.
   */
  setupEachRound?: boolean;
}

/** A group of cases for one package. */
export interface BenchSuite {
  name: string;
  cases: BenchCase[];
}

/** Iterations per second after a warm-up, measured for at least `minMs`. */
export async function measure(task: Task, minMs = 1000): Promise<number> {
  const warmUntil = performance.now() + Math.min(200, minMs / 4);
  while (performance.now() < warmUntil) await task();
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    await task();
    iterations++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs || iterations < 3);
  return (iterations * 1000) / elapsed;
}

/** Measured rates of one case. */
export interface CaseResult {
  suite: string;
  name: string;
  unit: string;
  sluice: number;
  peer?: number;
  peerName?: string;
  limit?: number;
  /** Median over rounds of sluice's rate over the peer's in the same round. */
  vsPeer?: number;
  /** Median over rounds of sluice's rate over the limit's in the same round. */
  vsLimit?: number;
  goal?: { peer?: number; limit?: number };
}

function scale(c: BenchCase, perSecond: number): number {
  if (c.bytes !== undefined) return (perSecond * c.bytes) / (1024 * 1024);
  if (c.units !== undefined) return perSecond * c.units;
  return perSecond;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Rounds each side of a case is measured in, alternating sides (BENCH_ROUNDS). */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));

/**
 * Measures every case of `suite`. The sides (sluice, peer, limit) take turns for `ROUNDS`
 * rounds of `minMs / ROUNDS` each. Each side reports its median round, and each ratio is the
 * median of the ratios within a round: sides measured back to back share the machine's
 * state at that moment, so a burst of load from elsewhere moves both sides of a ratio
 * instead of skewing it.
 */
export async function runSuite(suite: BenchSuite, minMs: number): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const roundMs = Math.max(50, minMs / ROUNDS);
  for (const c of suite.cases) {
    if (!c.setupEachRound) await c.setup?.();
    try {
      const unit = c.bytes !== undefined ? 'MiB/s' : c.units !== undefined ? 'msg/s' : 'ops/s';
      const sides: [keyof Pick<CaseResult, 'sluice' | 'peer' | 'limit'>, Task][] = [
        ['sluice', c.sluice],
      ];
      if (c.peer) sides.push(['peer', c.peer]);
      if (c.limit) sides.push(['limit', c.limit]);
      const rates = new Map(sides.map(([side]) => [side, [] as number[]]));
      for (let round = 0; round < ROUNDS; round++) {
        if (c.setupEachRound) await c.setup?.();
        try {
          for (const [side, task] of sides) rates.get(side)?.push(await measure(task, roundMs));
        } finally {
          if (c.setupEachRound) await c.teardown?.();
        }
      }
      const rate = (side: 'sluice' | 'peer' | 'limit'): number =>
        scale(c, median(rates.get(side) ?? [0]));
      const pairedRatio = (side: 'peer' | 'limit'): number => {
        const own = rates.get('sluice') ?? [];
        const other = rates.get(side) ?? [];
        return median(own.map((r, i) => r / (other[i] as number)));
      };
      const result: CaseResult = { suite: suite.name, name: c.name, unit, sluice: rate('sluice') };
      if (c.peer) {
        result.peer = rate('peer');
        result.peerName = c.peerName ?? 'peer';
        result.vsPeer = pairedRatio('peer');
      }
      if (c.limit) {
        result.limit = rate('limit');
        result.vsLimit = pairedRatio('limit');
      }
      if (c.goal) result.goal = c.goal;
      results.push(result);
      console.error(`  measured ${suite.name} / ${c.name}`);
    } finally {
      if (!c.setupEachRound) await c.teardown?.();
    }
  }
  return results;
}

const fmt = (n: number | undefined): string =>
  n === undefined ? '–' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
const ratio = (r: number | undefined): string => (r === undefined ? '–' : `${r.toFixed(2)}x`);

/**
 * The results as a Markdown table: each side's median rate, and sluice's ratios to the peer
 * and to the limit (medians of the per-round ratios, so not always the quotient of the rates
 * shown).
 */
export function table(results: CaseResult[]): string {
  const lines = [
    '| suite | case | unit | sluice | peer | limit | vs peer (goal) | vs limit (goal) |',
    '|---|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const peerGoal = r.goal?.peer ? ` (≥ ${r.goal.peer}x)` : '';
    const limitGoal = r.goal?.limit ? ` (≥ ${r.goal.limit}x)` : '';
    lines.push(
      `| ${r.suite} | ${r.name} | ${r.unit} | ${fmt(r.sluice)} | ${r.peer === undefined ? '–' : `${fmt(r.peer)} ${r.peerName}`} | ${fmt(r.limit)} | ${ratio(r.vsPeer)}${peerGoal} | ${ratio(r.vsLimit)}${limitGoal} |`,
    );
  }
  return lines.join('\n');
}
