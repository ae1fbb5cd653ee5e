// Which packages' built `dist` is older than their source: a README example is type-checked
// and run against `dist`, so a stale build shows up as a wrong failure, and says so.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { publishedPackages } from './packages.js';

function newest(dir: string, keep: (name: string) => boolean): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, keep));
    else if (keep(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/** Published packages (by path) whose `dist` is missing or older than their `src`. */
export function staleBuilds(): string[] {
  return publishedPackages()
    .filter((pkg) => {
      const src = join(pkg.dir, 'src');
      const dist = join(pkg.dir, 'dist');
      if (!existsSync(src)) return false;
      if (!existsSync(dist)) return true;
      const source = newest(src, (n) => n.endsWith('.ts') && !n.endsWith('.test.ts'));
      return source > newest(dist, (n) => n.endsWith('.d.ts'));
    })
    .map((pkg) => pkg.path);
}
