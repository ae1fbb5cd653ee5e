// Settings of every fuzz and property test here: a fixed seed so a failure reproduces, a
// bounded count for `npm test`, and more runs under FUZZ_RUNS (e.g. FUZZ_RUNS=100000).
/** fast-check parameters: `{ seed, numRuns }`, `numRuns` from FUZZ_RUNS when set. */
export function fuzzParameters(defaultRuns = 500): { seed: number; numRuns: number } {
  const runs = Number(process.env.FUZZ_RUNS);
  return { seed: 0x5_1ce, numRuns: Number.isInteger(runs) && runs > 0 ? runs : defaultRuns };
}
