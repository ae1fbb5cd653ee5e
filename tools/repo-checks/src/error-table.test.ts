// Issue 12: "A test fails when an error class of the family is missing from its package README's
// error table." Every StreamError subclass that a published package exports, from any of its
// entry points (re-exports included: its users import them from it), is named in that README's
// error table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { missingFromTable, readErrorTable, subclassesOf } from './error-table.js';
import { publishedPackages } from './packages.js';

const withEntryPoints = publishedPackages().filter((p) => p.entryPoints.length > 0);

describe('error tables', () => {
  it('covers every published package with entry points', () => {
    expect(withEntryPoints.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        '@sluice/stream-core',
        '@sluice/docker-demux',
        '@sluice/channel',
        '@sluice/transports',
        '@sluice/pty-attach',
      ]),
    );
  });

  it.each(withEntryPoints.map((p) => [p.name, p] as const))(
    '%s: its README names every error class it exports',
    async (_name, pkg) => {
      const exported = new Set<string>();
      for (const entry of pkg.entryPoints) {
        const module = (await import(entry)) as Record<string, unknown>;
        for (const name of subclassesOf(module, StreamError)) exported.add(name);
      }
      const text = readFileSync(join(pkg.dir, 'README.md'), 'utf8');
      const { missing, message } = missingFromTable(`${pkg.path}/README.md`, text, [...exported]);
      expect(missing, message).toEqual([]);
    },
  );
});

describe('the error-table check', () => {
  const readme = [
    '# pkg', // 1
    'Prose naming `ProseOnlyError` is not a table.', // 2
    '## Errors', // 3
    '| error | when |', // 4
    '| --- | --- |', // 5
    '| `TableError` (`status`) | always |', // 6
    '| when | `SecondColumnError` |', // 7
    '### Errors in detail', // 8: a subsection still belongs to the section
    '| `SubsectionError` | x |', // 9
    '## Options', // 10
    '| `AfterError` | a table of another section |', // 11
    '```ts',
    '## Errors',
    '```',
  ].join('\n');

  it('reads the names of the table rows under "Errors", and nothing else', () => {
    const table = readErrorTable(readme);
    expect(table?.headingLine).toBe(3);
    expect(table?.names).toEqual(
      new Set(['TableError', 'status', 'SecondColumnError', 'SubsectionError']),
    );
  });

  it('fails on a class that is in prose only, after the section, or with no section', () => {
    const got = missingFromTable('R.md', readme, ['TableError', 'ProseOnlyError', 'AfterError']);
    expect(got.missing).toEqual(['ProseOnlyError', 'AfterError']);
    expect(got.message).toMatch(
      /^R\.md:3 \("Errors"\) does not name `ProseOnlyError`, `AfterError`/,
    );
    expect(missingFromTable('R.md', '# x\n', ['AError']).message).toMatch(
      /^R\.md \(no "Errors" section\) does not name `AError`.*section headed "Errors"/,
    );
  });

  it('finds subclasses at any depth, but not the base or unrelated classes', () => {
    class Direct extends StreamError {}
    class Deeper extends Direct {}
    class Unrelated extends Error {}
    const found = subclassesOf(
      { StreamError, Direct, Deeper, Unrelated, n: 1, f: () => 0 },
      StreamError,
    );
    expect(found).toEqual(['Deeper', 'Direct']);
  });
});
