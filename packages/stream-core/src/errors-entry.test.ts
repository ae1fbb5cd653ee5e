// The `./errors` subpath: the same classes as the main entry (one family, not a copy), from a
// module a browser bundle can take (it imports nothing, so no Node built-in comes along).
import { readFileSync } from 'node:fs';
import * as entry from '@sluice/stream-core/errors';
import { describe, expect, it } from 'vitest';
import * as core from './index.js';

describe('@sluice/stream-core/errors', () => {
  it('exports every error class of the main entry, the same objects', () => {
    const classes = Object.entries(core).filter(
      ([, value]) => typeof value === 'function' && value.prototype instanceof Error,
    );
    expect(classes.length).toBeGreaterThanOrEqual(11);
    const fromEntry = new Map<string, unknown>(Object.entries(entry));
    for (const [name, value] of classes) expect(fromEntry.get(name), name).toBe(value);
  });

  it('is a module with no imports, and is what package.json exports as ./errors', () => {
    const source = readFileSync(new URL('./errors.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^import\s/m);
    expect(source).not.toMatch(/^export\b[^\n]*\bfrom\s+['"]/m);
    expect(source).not.toMatch(/\brequire\(|\bimport\(|\bBuffer\b|\bprocess\./);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['./errors']).toMatchObject({
      '@sluice/source': './src/errors.ts',
      default: './dist/errors.js',
    });
  });
});
