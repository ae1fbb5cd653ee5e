// The bundle's code cache: made once, used after, remade when it does not fit, never shared,
// and invisible in what the loaded code does (its exports, its require, its stack traces).

import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeCacheFile, loadWithCodeCache } from './code-cache.js';

const SOURCE = fileURLToPath(new URL('./code-cache.ts', import.meta.url));

/**
 * Loads `file` with the cache at `cache` in a new Node process, as the bin does (within one
 * process V8 reuses what it compiled and never reads the cache), calls its `answer`, saves.
 */
function loadInProcess(file: string, cache: string): { status: string; answer: number } {
  const script = `
    const { loadWithCodeCache } = await import(${JSON.stringify(SOURCE)});
    const loaded = loadWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(cache)});
    const answer = loaded.exports.answer();
    loaded.save();
    console.log(JSON.stringify({ status: loaded.status, answer }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as { status: string; answer: number };
}

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-code-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A CommonJS file whose second line throws when asked, and which requires a built-in. */
async function moduleFile(body = 'exports.answer = () => 42;'): Promise<string> {
  const file = join(dir, 'mod.cjs');
  await writeFile(
    file,
    `exports.fail = () => { throw new Error('from line 2'); };\n${body}\nexports.sep = require('node:path').sep;\n`,
  );
  return file;
}

describe('loadWithCodeCache', () => {
  it('loads the file as CommonJS, with its own require and line numbers', async () => {
    const file = await moduleFile();
    const loaded = loadWithCodeCache(file, undefined);
    expect(loaded.status).toBe('off');
    expect((loaded.exports.answer as () => number)()).toBe(42);
    expect(loaded.exports.sep).toBe('/');
    let stack = '';
    try {
      (loaded.exports.fail as () => void)();
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    expect(stack).toContain(`${file}:1:`);
  });

  it('writes the cache after the first load, uses it after, and remakes one that does not fit', async () => {
    const file = await moduleFile();
    const cache = codeCacheFile(file, 'build1', 'demux', { HOME: dir }) as string;
    expect(cache.startsWith(join(dir, '.cache', 'sluice', 'code-cache'))).toBe(true);

    expect(loadInProcess(file, cache)).toEqual({ status: 'missing', answer: 42 });
    const made = await readFile(cache);
    expect(made.length).toBeGreaterThan(0);
    // Only the user may write what V8 will trust.
    expect((await stat(cache)).mode & 0o777).toBe(0o600);
    expect((await stat(join(cache, '..'))).mode & 0o777).toBe(0o700);

    expect(loadInProcess(file, cache)).toEqual({ status: 'used', answer: 42 });
    expect(await readFile(cache)).toEqual(made);

    await writeFile(cache, 'not a code cache');
    expect(loadInProcess(file, cache)).toEqual({ status: 'rejected', answer: 42 });
    expect((await readFile(cache)).toString()).not.toBe('not a code cache');
    expect(loadInProcess(file, cache)).toEqual({ status: 'used', answer: 42 });
  });

  it('names the cache after the build, size and mtime', async () => {
    const file = await moduleFile();
    const env = { XDG_CACHE_HOME: join(dir, 'xdg') };
    const a = codeCacheFile(file, 'build1', 'run', env) as string;
    expect(a.startsWith(join(dir, 'xdg', 'sluice', 'code-cache'))).toBe(true);
    expect(a).toMatch(new RegExp(`/run-${process.version}-${process.arch}\\.bin$`));
    loadWithCodeCache(file, a).save();

    // The same length, other content: V8 alone would take the old cache for it.
    await writeFile(file, (await readFile(file, 'utf8')).replace('42', '43'));
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    const b = codeCacheFile(file, 'build1', 'run', env) as string;
    expect(b).not.toBe(a);
    expect(codeCacheFile(file, 'build2', 'run', env)).not.toBe(b);
    const loaded = loadWithCodeCache(file, b);
    expect(loaded.status).toBe('missing');
    expect((loaded.exports.answer as () => number)()).toBe(43);
    // A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
    expect(codeCacheFile(file, 'b', 'run', { XDG_CACHE_HOME: 'rel', HOME: dir })).toMatch(
      new RegExp(`^${dir}/\\.cache/`),
    );
  });

  it('keeps the caches of the three newest builds, and drops older ones', async () => {
    const file = await moduleFile();
    const env = { HOME: dir };
    const root = join(dir, '.cache', 'sluice', 'code-cache');
    const builds = ['b1', 'b2', 'b3', 'b4'];
    const keyOf = (build: string) =>
      (codeCacheFile(file, build, 'run', env) as string).split('/').at(-2);
    for (const [i, build] of builds.slice(0, 3).entries()) {
      loadWithCodeCache(file, codeCacheFile(file, build, 'run', env)).save();
      // b1 the oldest: last used three days ago, b3 one day ago.
      const when = new Date(Date.now() - (3 - i) * 86_400_000);
      await utimes(join(root, keyOf(build) as string), when, when);
    }
    loadWithCodeCache(file, codeCacheFile(file, 'b4', 'run', env)).save();
    expect((await readdir(root)).sort()).toEqual(['b2', 'b3', 'b4'].map(keyOf).sort());
  });

  it('is off with SLUICE_CODE_CACHE=0 or without a home, and a cache it cannot write is no error', async () => {
    const file = await moduleFile();
    expect(codeCacheFile(file, 'b', 'run', { HOME: dir, SLUICE_CODE_CACHE: '0' })).toBeUndefined();
    expect(codeCacheFile(file, 'b', 'run', {})).toBeUndefined();
    // A file where the cache directory should be: nothing is written, nothing thrown.
    await writeFile(join(dir, '.cache'), '');
    const cache = codeCacheFile(file, 'b', 'run', { HOME: dir }) as string;
    const loaded = loadWithCodeCache(file, cache);
    expect(() => loaded.save()).not.toThrow();
  });
});
