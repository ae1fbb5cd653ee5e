// The package's version: inlined at build time in the bundled command (dist/bin, whose chunks
// do not sit beside package.json), else read from package.json (one file read, no JSON
// import cost).
import { readFileSync } from 'node:fs';

declare const __SLUICE_CLI_VERSION__: string | undefined;

/** The version of `@sluice/cli`, e.g. `0.1.0`. */
export function version(): string {
  if (typeof __SLUICE_CLI_VERSION__ === 'string') return __SLUICE_CLI_VERSION__;
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
