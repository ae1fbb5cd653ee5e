#!/usr/bin/env node
// The `sluice` executable. `--version` answers before anything else loads: its start-up
// budget is 1.5× `node -e 0`. Everything else goes through main(), which loads each
// command's module only when that command runs.
import { join } from 'node:path';
import { avoidExitDeadlock } from './exit-deadlock.js';
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
  // First, before anything is hot enough to compile (see exit-deadlock.ts).
  avoidExitDeadlock();
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
    .then(async ({ main, saveCodeCache }) => {
      const code = await main(argv);
      // Before exit, not in an 'exit' listener: work right before process.exit() widens a
      // window in which Node can deadlock at exit, joining a V8 compiler thread that waits
      // for a garbage collection that never comes (nodejs/node#54918). A serve stopped by
      // SIGTERM hung that way once; the JS that runs after this lets such a wait end first.
      saveCodeCache();
      return code;
    })
    .then(exit, (error: unknown) => {
      // main() turns every failure into a line; this is an install that cannot load it.
      process.stderr.write(`sluice: cannot start: ${String(error)}\n`);
      exit(1);
    });
}

/**
 * main(): in the bundled bin, from sluice-main.cjs beside it with the command's own code cache
 * (code-cache.ts), to be saved once the command is done; unbundled, from ./main.js.
 */
async function loadMain(): Promise<{
  main: typeof import('./main.js')['main'];
  saveCodeCache: () => void;
}> {
  if (typeof __SLUICE_MAIN_BUILD__ !== 'string') {
    return { main: (await import('./main.js')).main, saveCodeCache: () => {} };
  }
  const [{ codeCacheFile, loadWithCodeCache }, { commandWord }] = await Promise.all([
    import('./code-cache.js'),
    import('./command-names.js'),
  ]);
  const file = join(__dirname, 'sluice-main.cjs');
  const loaded = loadWithCodeCache(
    file,
    codeCacheFile(file, __SLUICE_MAIN_BUILD__, commandWord(argv)),
  );
  const { main } = loaded.exports as unknown as typeof import('./main.js');
  return { main, saveCodeCache: loaded.save };
}
