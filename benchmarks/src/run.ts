// `pnpm bench [-- <filter>]`: runs every suite in src/suites (or those whose name contains
// the filter) and prints one Markdown table. Set BENCH_MIN_MS to measure longer.
//
// Each suite runs in a process of its own: a suite that keeps hundreds of MiB of inputs
// alive would otherwise make every later suite's garbage collections slower, and tax
// whichever side allocates more.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BenchSuite, type CaseResult, runSuite, table } from './harness.js';

const RESULT_MARK = '@@bench-results ';
const minMs = Number(process.env.BENCH_MIN_MS ?? 1000);
const dir = new URL('./suites/', import.meta.url);
const childFile = process.env.BENCH_SUITE_FILE;

if (childFile !== undefined) {
  // The child: one suite file, results on one marked line of stdout.
  const mod = (await import(new URL(childFile, dir).href)) as { suite: BenchSuite };
  console.error(`suite ${mod.suite.name}`);
  const results = await runSuite(mod.suite, minMs);
  console.log(RESULT_MARK + JSON.stringify(results));
  process.exit(0);
}

// `pnpm bench -- name` passes the `--` through: skip it.
const filter = process.argv.slice(2).find((arg) => arg !== '--');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.js'))
  .sort();

const results: CaseResult[] = [];
let failed = false;
for (const file of files) {
  // The suite's name is its file's name (docker-demux.js holds the suite "docker-demux").
  const name = file.replace(/\.js$/, '');
  if (filter && !name.includes(filter)) continue;
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_SUITE_FILE: file },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (child.status !== 0 || line === undefined) {
    console.error(`suite ${name} failed (exit ${child.status}, signal ${child.signal})`);
    failed = true;
    continue;
  }
  results.push(...(JSON.parse(line.slice(RESULT_MARK.length)) as CaseResult[]));
}
if (results.length === 0) {
  console.log(filter ? `no suite matches '${filter}'` : 'no benchmark suites yet');
} else {
  console.log(
    `\nNode ${process.version}, ${process.platform}-${process.arch}, measured for ${minMs} ms per side\n`,
  );
  console.log(table(results));
}
if (failed) process.exitCode = 1;
