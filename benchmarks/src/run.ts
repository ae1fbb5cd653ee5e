// `pnpm bench [-- <filter>]`: runs every suite in src/suites (or those whose name contains
// the filter) and prints one Markdown table. Set BENCH_MIN_MS to measure longer.
import { readdirSync } from 'node:fs';
import { type BenchSuite, type CaseResult, runSuite, table } from './harness.js';

// `pnpm bench -- name` passes the `--` through: skip it.
const filter = process.argv.slice(2).find((arg) => arg !== '--');
const minMs = Number(process.env.BENCH_MIN_MS ?? 1000);
const dir = new URL('./suites/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.js'))
  .sort();

const results: CaseResult[] = [];
for (const file of files) {
  const mod = (await import(new URL(file, dir).href)) as { suite: BenchSuite };
  if (filter && !mod.suite.name.includes(filter)) continue;
  console.error(`suite ${mod.suite.name}`);
  results.push(...(await runSuite(mod.suite, minMs)));
}
if (results.length === 0) {
  console.log(filter ? `no suite matches '${filter}'` : 'no benchmark suites yet');
} else {
  console.log(
    `\nNode ${process.version}, ${process.platform}-${process.arch}, measured for ${minMs} ms per side\n`,
  );
  console.log(table(results));
}
