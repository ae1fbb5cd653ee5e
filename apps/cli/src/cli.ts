#!/usr/bin/env node
// The `sluice` executable. `--version` answers before anything else loads: its start-up
// budget is 1.5× `node -e 0`. Everything else goes through main(), which loads each
// command's module only when that command runs.
import { join } from 'node:path';
import { version } from './version.js';

/** In the bundled bin (build-bin.ts): the build hash of sluice-main.cjs beside it. */
declare const __SLUICE_MAIN_BUILD__: string | undefined;

const argv = process.argv.slice(2);
// Exit once stdout has taken the last bytes: an open stdin or a keep-alive socket left by a
// library must not hold the command after it is done.
const exit = (code: number): void => {
  process.stdout.write('', () => process.exit(code));
};
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`sluice ${version()}\n`);
  exit(0);
} else {
  // Node's code cache on disk (in the temp directory), for the CommonJS packages a command
  // requires from node_modules (dockerode, ssh2, ws); the bundle has its own (loadMain).
  // Read, not imported: Node < 22.1 has no enableCompileCache, and Node < 20.16 no
  // getBuiltinModule, and both must still get to main()'s one-line "needs a newer Node".
  (
    process.getBuiltinModule?.('node:module') as { enableCompileCache?: () => unknown } | undefined
  )?.enableCompileCache?.();
  // `sluice logs c | head`: once the reader is gone there is nobody to tell; end quietly,
  // as a program killed by SIGPIPE does, not with a stack trace (Node ignores SIGPIPE).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  // A promise chain, not a top-level await: the bundled bin is CommonJS (see build-bin.ts).
  loadMain()
    .then(({ main }) => main(argv))
    .then(exit, (error: unknown) => {
      // main() turns every failure into a line; this is an install that cannot load it.
      process.stderr.write(`sluice: cannot start: ${String(error)}\n`);
      exit(1);
    });
}

/**
 * main(): in the bundled bin, from sluice-main.cjs beside it with the command's own code cache
 * (code-cache.ts), saved when the process exits; unbundled, from ./main.js.
 */
async function loadMain(): Promise<typeof import('./main.js')> {
  if (typeof __SLUICE_MAIN_BUILD__ !== 'string') return import('./main.js');
  const [{ codeCacheFile, loadWithCodeCache }, { commandWord }] = await Promise.all([
    import('./code-cache.js'),
    import('./command-names.js'),
  ]);
  const file = join(__dirname, 'sluice-main.cjs');
  const loaded = loadWithCodeCache(
    file,
    codeCacheFile(file, __SLUICE_MAIN_BUILD__, commandWord(argv)),
  );
  process.on('exit', loaded.save);
  return loaded.exports as unknown as typeof import('./main.js');
}
