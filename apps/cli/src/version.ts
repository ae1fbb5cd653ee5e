// The package's version, read from its package.json (one file read, no JSON import cost).
import { readFileSync } from 'node:fs';

/** The version of `@sluice/cli`, e.g. `0.1.0`. */
export function version(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
