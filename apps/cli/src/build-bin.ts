// Bundles the `sluice` command into dist/bin with esbuild, at build time (after tsc), as two
// CommonJS files:
//  - sluice.cjs, the bin: `--version`, the code cache switched on, then the rest;
//  - sluice-main.cjs: main(), the command table and every workspace module a command may use, each
//    module still evaluated only when its lazy import() first runs.
// Why: loading some 80 separate ES modules (resolving each, looking up its package scope,
// linking) was about 15 ms of every command's start-up, and as ES modules even the bundle's
// 30 chunks kept 6 ms of that. `sluice run --rm IMAGE true` is measured against
// `docker run` (issue 15: ≤ 1.1×), where start-up is most of the difference. The big file
// is required after enableCompileCache(), so V8 compiles it once, not on every run.
// dockerode, ssh2 and ws stay outside: CommonJS with optional native parts, required lazily
// from this package's own dependencies.
// dist/bin/meta.json (esbuild's metafiles) says which source modules each file holds: the
// start-up tests read it.
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BuildOptions, Metafile } from 'esbuild';

const packageDir = fileURLToPath(new URL('../', import.meta.url));

/** The packages the bundle requires at run time instead of containing them. */
const BIN_EXTERNALS: readonly string[] = ['dockerode', 'ssh2', 'ws'];

/** The bin, and the file it requires for every command but `--version`. */
const BIN_FILES = { bin: 'dist/bin/sluice.cjs', main: 'dist/bin/sluice-main.cjs' } as const;

/** Builds dist/bin/sluice.cjs, sluice-main.cjs and meta.json from the tsc output in dist/. */
export async function buildBin(): Promise<void> {
  const { build } = await import('esbuild');
  const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  await rm(join(packageDir, 'dist/bin'), { recursive: true, force: true });
  const common: BuildOptions = {
    absWorkingDir: packageDir,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    // Old enough to parse on any Node a user may still have: the command must reach its
    // one-line "needs a newer Node" message there, not a syntax error.
    target: 'node18',
    // Every import() a require(): of a bundled module, its lazy initialiser; no ES-module
    // loader at all.
    supported: { 'dynamic-import': false },
    external: [...BIN_EXTERNALS],
    define: {
      // The bundle does not sit beside package.json as dist/version.js does.
      __SLUICE_CLI_VERSION__: JSON.stringify(manifest.version),
      // CommonJS has no import.meta: dockerode is required relative to this file. Worked out
      // when first read (path.resolve and URL building are not free at start-up).
      'import.meta.url': '__sluiceFile.url',
    },
    banner: {
      js: 'var __sluiceFile = { get url() { return require("node:url").pathToFileURL(__filename).href; } };',
    },
    // Whitespace and comments out (V8 scans every byte it compiles); names stay, as error
    // classes and stack traces read them.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
  };
  const main = await build({
    ...common,
    entryPoints: ['dist/main.js'],
    outfile: BIN_FILES.main,
  });
  // The bin names the code caches of sluice-main.cjs after its content (code-cache.ts).
  const mainBuild = createHash('sha256')
    .update(await readFile(join(packageDir, BIN_FILES.main)))
    .digest('hex')
    .slice(0, 16);
  const bin = await build({
    ...common,
    define: { ...common.define, __SLUICE_MAIN_BUILD__: JSON.stringify(mainBuild) },
    entryPoints: ['dist/cli.js'],
    outfile: BIN_FILES.bin,
    plugins: [
      {
        name: 'main-beside',
        setup(b) {
          b.onResolve({ filter: /^\.\/main\.js$/ }, () => ({
            path: './sluice-main.cjs',
            external: true,
          }));
        },
      },
    ],
  });
  const metafile: Metafile = {
    inputs: { ...main.metafile?.inputs, ...bin.metafile?.inputs },
    outputs: { ...main.metafile?.outputs, ...bin.metafile?.outputs },
  };
  await writeFile(join(packageDir, 'dist/bin/meta.json'), JSON.stringify(metafile));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildBin();
}
