#!/usr/bin/env node
// The `sluice` executable. `--version` answers before anything else loads: its start-up
// budget is 1.5× `node -e 0`. Everything else goes through main(), which loads each
// command's module only when that command runs.
import { version } from './version.js';

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
  // V8's code cache on disk (Node's own, in the temp directory): the command's code (in the
  // bundle, one big file) compiles once, not on every run.
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
  import('./main.js')
    .then(({ main }) => main(argv))
    .then(exit, (error: unknown) => {
      // main() turns every failure into a line; this is an install that cannot load it.
      process.stderr.write(`sluice: cannot start: ${String(error)}\n`);
      exit(1);
    });
}
