// The project's standard: "Package READMEs state every option, default, limit and error."
// Checked for options: every field of every `…Options` type a published package exports
// (from any entry point) is named in that package's README, in inline code or a table row.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { exportedOptions, statedNames, unstatedFields } from './option-docs.js';
import { packageSources, sourceProgram } from './package-sources.js';
import { publishedPackages } from './packages.js';
import { repoRoot } from './repo.js';

const packages = publishedPackages().filter((p) => p.path.startsWith('packages/'));
const program = sourceProgram([
  ...new Set([...packageSources(), ...packages.flatMap((p) => p.entrySources)]),
]);
const inWorkspace = (f: string) => f.startsWith(join(repoRoot, 'packages'));

describe('README options', () => {
  it.each(packages.map((p) => [p.name, p] as const))(
    '%s: its README states every field of the options types it exports',
    (_name, pkg) => {
      const types = pkg.entrySources.flatMap((entry) =>
        exportedOptions(program, entry, inWorkspace),
      );
      const text = readFileSync(join(pkg.dir, 'README.md'), 'utf8');
      const missing = unstatedFields(text, types);
      expect(
        missing,
        `${pkg.path}/README.md does not state these option fields (name each in inline code, ` +
          'e.g. in an options table "| `timeoutMs` | 30000 | … |", with its default and limit): ' +
          missing.join(', '),
      ).toEqual([]);
    },
  );
});

describe('the README options check', () => {
  it('counts names in inline code and tables, not in code blocks or plain prose', () => {
    const names = statedNames(
      [
        'The `timeoutMs` option.',
        '| batch | yes |',
        'plain words here',
        '```ts',
        'hidden()',
        '```',
      ].join('\n'),
    );
    expect(names.has('timeoutMs')).toBe(true);
    expect(names.has('batch')).toBe(true);
    expect(names.has('plain')).toBe(false);
    expect(names.has('hidden')).toBe(false);
  });

  it('finds the fields of exported options types, own and inherited, and reports the unstated', () => {
    const path = '/virtual/options-sample.ts';
    const code = `
      interface Base { inherited?: number }
      export interface WidgetOptions extends Base { size?: number; colour?: string }
      export type GadgetOptions = { speedMs?: number };
      export interface NotOptionsLike { ignored: number }
      interface PrivateOptions { hidden?: number }
      export interface FailureErrorOptions { cause?: unknown }
    `;
    const options: ts.CompilerOptions = { strict: true, noEmit: true, types: [] };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (f, l, e, c) =>
      f === path ? ts.createSourceFile(f, code, l, true) : getSourceFile(f, l, e, c);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (f) => f === path || fileExists(f);
    const types = exportedOptions(ts.createProgram([path], options, host), path, (f) => f === path);
    expect(types).toEqual([
      { name: 'GadgetOptions', fields: ['speedMs'] },
      { name: 'WidgetOptions', fields: ['colour', 'inherited', 'size'] },
    ]);
    expect(
      unstatedFields('| `size` | 1 |\n`speedMs` and `inherited`', [...types, ...types]),
    ).toEqual(['WidgetOptions.colour']);
  });
});
