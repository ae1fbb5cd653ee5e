// Runs a TypeScript file of this repo in a child Node process without a build: Node strips
// the types, the `@sluice/source` condition resolves workspace packages to their sources, and
// a resolve hook maps the `.js` of relative imports to the `.ts` file beside it.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

const HOOK = `
import { registerHooks } from 'node:module';
registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) {
        return next(specifier.slice(0, -3) + '.ts', context);
      }
      throw error;
    }
  },
});`;

/** Spawns `node file.ts ...args` with piped stdio. */
export function runTs(
  file: string,
  args: string[] = [],
): ChildProcessByStdio<Writable, Readable, Readable> {
  return spawn(
    process.execPath,
    [
      '--conditions=@sluice/source',
      '--no-warnings',
      '--import',
      `data:text/javascript,${encodeURIComponent(HOOK)}`,
      file,
      ...args,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
}

/** Runs `file` to its end with no input; resolves with its exit code and what it printed. */
export async function runTsToEnd(
  file: string,
  args: string[] = [],
): Promise<{ code: number | null; out: string; err: string }> {
  const child = runTs(file, args);
  child.stdin.end();
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, out, err };
}
