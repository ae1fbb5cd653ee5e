// The workspace's published packages (packages/* and apps/*, not private), read from their
// manifests.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot, runCommand } from './repo.js';

/** A published workspace package. */
export interface WorkspacePackage {
  name: string;
  /** Its folder, relative to the repository root (`packages/channel`). */
  path: string;
  /** Its absolute folder. */
  dir: string;
  /** Import specifiers of its code entry points (`@sluice/channel`, `@sluice/channel/wire`). */
  entryPoints: string[];
  /** Absolute paths of the source files behind them (their `@sluice/source` condition). */
  entrySources: string[];
}

type Conditions = { '@sluice/source'?: unknown; types?: unknown };

/** Every published package of the workspace, in path order. */
export function publishedPackages(): WorkspacePackage[] {
  const manifests = runCommand('git', [
    'ls-files',
    'packages/*/package.json',
    'apps/*/package.json',
  ])
    .output.split('\n')
    .filter((f) => f.endsWith('/package.json'));
  return manifests.flatMap((file) => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) as {
      name: string;
      private?: boolean;
      exports?: Record<string, unknown>;
    };
    if (pkg.private) return [];
    const subpaths = Object.keys(pkg.exports ?? {}).filter((k) => k !== './package.json');
    const path = dirname(file);
    return [
      {
        name: pkg.name,
        path,
        dir: join(repoRoot, path),
        entryPoints: subpaths.map((s) => (s === '.' ? pkg.name : `${pkg.name}${s.slice(1)}`)),
        entrySources: subpaths.flatMap((s) => {
          const source = (pkg.exports?.[s] as Conditions | undefined)?.['@sluice/source'];
          return typeof source === 'string' ? [join(repoRoot, path, source)] : [];
        }),
      },
    ];
  });
}
