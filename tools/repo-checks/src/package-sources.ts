// The published source files of the packages, and one TypeScript program over them that
// resolves workspace imports to source (the `@sluice/source` condition), as the repo does.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { repoRoot, runCommand } from './repo.js';

/**
 * `packages/<name>/src/**\/*.ts` without tests (`*.test.ts`) and without what the package's
 * `files` leaves out of the package (e.g. `!src/compliance`).
 */
export function packageSources(): string[] {
  const listed = runCommand('git', [
    'ls-files',
    '--cached',
    '--others',
    '--exclude-standard',
    'packages/*/src/*.ts',
  ])
    .output.split('\n')
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
  const left = new Map<string, string[]>();
  const excluded = (file: string): boolean => {
    const pkg = file.split('/').slice(0, 2).join('/');
    if (!left.has(pkg)) {
      const { files = [] } = JSON.parse(
        readFileSync(join(repoRoot, pkg, 'package.json'), 'utf8'),
      ) as {
        files?: string[];
      };
      left.set(
        pkg,
        files
          .filter((f) => f.startsWith('!src/'))
          .map((f) => `${pkg}/${f.slice(1).replace(/\/$/, '')}/`),
      );
    }
    return (left.get(pkg) ?? []).some((prefix) => file.startsWith(prefix));
  };
  return [...new Set(listed)]
    .filter((f) => !excluded(f) && existsSync(join(repoRoot, f)))
    .map((f) => join(repoRoot, f));
}

/** One program over `files` with the repository's compiler options. */
export function sourceProgram(files: string[]): ts.Program {
  const base = join(repoRoot, 'tsconfig.base.json');
  const config = ts.readConfigFile(base, (f) => readFileSync(f, 'utf8'));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot);
  return ts.createProgram(files, {
    ...options,
    noEmit: true,
    typeRoots: [join(repoRoot, 'node_modules', '@types')],
  });
}
