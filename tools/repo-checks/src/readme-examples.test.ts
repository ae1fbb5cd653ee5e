// Issue 12: "A test checks every TypeScript example in every README: each is type-checked
// against the built packages, and run where it needs no engine." One program for all blocks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleBuilds } from './build-freshness.js';
import { runExample } from './example-run.js';
import { type CompiledExample, compileExamples } from './example-typecheck.js';
import { type Example, extractExamples, MarkerError, runs } from './readme-examples.js';
import { repoRoot, runCommand } from './repo.js';

const runTimeoutMs = 20_000; // generous: the machine is shared and loaded

const readmes = runCommand('git', [
  'ls-files',
  'README.md',
  'packages/*/README.md',
  'apps/*/README.md',
])
  .output.split('\n')
  .filter((f) => f.endsWith('README.md'));
const all = readmes.flatMap((f) => extractExamples(f, readFileSync(join(repoRoot, f), 'utf8')));
const compiled = compileExamples(all);
const stale = staleBuilds();
const staleNote =
  stale.length === 0
    ? ''
    : `\n(note: the build of ${stale.join(', ')} is older than its src: \`pnpm turbo run build\` first)`;

function explain(c: CompiledExample): string {
  return (
    `README example at ${c.example.readme}:${c.example.fenceLine} does not type-check against ` +
    'the built packages (fix the example, or mark a true fragment with <!-- example: fragment -->):\n' +
    c.diagnostics.map((d) => `  ${d.where}: ${d.message}`).join('\n') +
    staleNote
  );
}

describe('README examples', () => {
  it('finds the examples of every package README', () => {
    const withExamples = new Set(all.map((e) => e.readme));
    for (const pkg of ['stream-core', 'docker-demux', 'channel', 'transports', 'pty-attach']) {
      expect(withExamples).toContain(`packages/${pkg}/README.md`);
    }
  });

  describe.each(readmes.filter((r) => all.some((e) => e.readme === r)))('%s', (readme) => {
    const mine = compiled.filter((c) => c.example.readme === readme);
    it.each(mine.map((c) => [c.example.fenceLine, c] as const))(
      'the example at line %i type-checks',
      (_line, c) => {
        expect(c.diagnostics, explain(c)).toEqual([]);
      },
    );
    const runnable = mine.filter((c) => runs(c.example));
    // Concurrently: each is its own process, and a hanging one costs its whole timeout.
    if (runnable.length === 0) return;
    it.concurrent.each(runnable.map((c) => [c.example.fenceLine, c] as const))(
      'the example at line %i runs to completion',
      async (_line, c) => {
        // A block that does not type-check is not run: it is reported above, and it might be an
        // unmarked fragment or need an engine.
        expect(
          c.diagnostics,
          `not run: ${c.example.readme}:${c.example.fenceLine} does not type-check`,
        ).toEqual([]);
        const ran = await runExample(c, runTimeoutMs);
        expect(ran.ok, ran.report + staleNote).toBe(true);
      },
      runTimeoutMs + 10_000,
    );
  });
});

// The check itself must be able to fail: feed it bad examples.
describe('the README example check', () => {
  const example = (code: string, marks: Partial<Example['marks']> = {}): Example => ({
    readme: 'packages/stream-core/README.md',
    fenceLine: 10,
    code,
    marks: { fragment: false, needs: [], ...marks },
  });

  it('reads markers, indented blocks and only ts fences', () => {
    const text = [
      '# x', // 1
      '<!-- example: fragment, needs docker -->', // 2
      '', // 3
      '```ts', // 4
      'a();', // 5
      '```', // 6
      '```sh', // 7
      'echo no', // 8
      '```', // 9
      '- item', // 10
      '  ```typescript', // 11
      '  const x = 1;', // 12
      '  ```', // 13
    ].join('\n');
    const found = extractExamples('R.md', text);
    expect(found).toEqual([
      {
        readme: 'R.md',
        fenceLine: 4,
        code: 'a();\n',
        marks: { fragment: true, needs: ['docker'] },
      },
      {
        readme: 'R.md',
        fenceLine: 11,
        code: 'const x = 1;\n',
        marks: { fragment: false, needs: [] },
      },
    ]);
    expect(found.map(runs)).toEqual([false, true]);
    const needs = extractExamples('R.md', '<!-- example: needs docker -->\n```ts\nx\n```\n');
    expect(needs[0]?.marks).toEqual({ fragment: false, needs: ['docker'] });
    expect(needs.map(runs)).toEqual([false]);
  });

  it('refuses an unknown marker by name and place', () => {
    expect(() => extractExamples('R.md', '<!-- example: fragmnet -->\n```ts\nx\n```\n')).toThrow(
      new MarkerError(
        'R.md:2: unknown example marker "fragmnet"; use "fragment" or "needs <what>" (see tools/repo-checks/README.md)',
      ),
    );
  });

  const docker =
    "import Docker from 'dockerode';\nconst engine: Docker = new Docker();\nvoid engine;\n";
  const [
    wrongType,
    unknownExport,
    freeName,
    freeNameInFragment,
    typeErrorInFragment,
    good,
    dockerInDemux,
    dockerInStreamCore,
  ] = compileExamples([
    example("import { Stream } from '@sluice/stream-core';\nconst n: number = new Stream(0);\n"),
    example("import { NoSuchThing } from '@sluice/stream-core';\nNoSuchThing;\n"),
    example('await socket.end();\n'),
    example('await socket.end();\n', { fragment: true }),
    example('const n: number = socket;\nconst s: string = 1;\n', { fragment: true }),
    example("import { Stream } from '@sluice/stream-core';\nconsole.log(typeof Stream);\n"),
    { ...example(docker), readme: 'packages/docker-demux/README.md' },
    example(docker),
  ]);

  it("resolves third-party imports from the README's own package's dependencies", () => {
    expect(dockerInDemux?.diagnostics).toEqual([]); // docker-demux has @types/dockerode
    expect(dockerInStreamCore?.diagnostics[0]?.message).toMatch(/Cannot find module 'dockerode'/);
  });

  it('places a type error at its README line', () => {
    expect(wrongType?.diagnostics).toEqual([
      expect.objectContaining({ where: 'packages/stream-core/README.md:12:7' }),
    ]);
    expect(unknownExport?.diagnostics[0]?.message).toMatch(/has no exported member 'NoSuchThing'/);
  });

  it('lets only a fragment leave names to its prose, and still type-checks the rest', () => {
    expect(freeName?.diagnostics[0]?.message).toMatch(/Cannot find name 'socket'/);
    expect(freeNameInFragment?.diagnostics).toEqual([]);
    expect(typeErrorInFragment?.diagnostics).toEqual([
      expect.objectContaining({
        where: 'packages/stream-core/README.md:12:7',
        message: "Type 'number' is not assignable to type 'string'.",
      }),
    ]);
  });

  it('runs a good example against the built package, and fails one that throws or hangs', async () => {
    expect(good?.diagnostics).toEqual([]);
    expect(await runExample(good!, runTimeoutMs)).toEqual({ ok: true, report: 'function\n' });
    const [throws, hangs] = compileExamples([
      example("throw new Error('boom');\n"),
      example('setInterval(() => {}, 1000);\n'),
    ]);
    const threw = await runExample(throws!, runTimeoutMs);
    expect(threw.ok).toBe(false);
    expect(threw.report).toMatch(/README.md:10: exited with 1[\s\S]*boom/);
    const hung = await runExample(hangs!, 1_000);
    expect(hung).toEqual({
      ok: false,
      report: expect.stringMatching(
        /^packages\/stream-core\/README.md:10: still running after 1000 ms/,
      ),
    });
  });
});
