// Bundles the `sluice` command into dist/bin with esbuild, at build time (after tsc): the
// entry, commander and the workspace packages become a few files, split at every lazy
// import() so that a command still loads only what it uses.
// Why: resolving, reading and linking some 80 separate ES modules (each bare specifier walks
// package.json files) is about 12 ms of every command's start-up, a quarter of what
// `sluice run --rm IMAGE true` adds to the engine's own time (issue 15: ≤ 1.1× docker).
// dockerode, ssh2 and ws stay outside the bundle: CommonJS with optional native parts, loaded
// lazily by the packages, from this package's own dependencies.
// dist/bin/meta.json (esbuild's metafile) says which source module went into which chunk: the
// start-up tests read it to tell what a command loaded.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = fileURLToPath(new URL('../', import.meta.url));

/** The packages the bundle imports at run time instead of containing them. */
export const BIN_EXTERNALS: readonly string[] = ['dockerode', 'ssh2', 'ws'];

/** One static import of a Node built-in, as esbuild prints it (minified or not). */
const BUILTIN_IMPORT =
  /\bimport\s*(\*\s*as\s+[\w$]+|[\w$]+|\{[^}]*\})\s*from\s*"(node:[a-z_/]+)"\s*;?/g;
/** Any import of a built-in left after the rewrite (a form it does not know). */
const LEFT_OVER = /\bimport\s*[^;()]*?"node:[a-z_/]+"/;

/**
 * `source` (a chunk) with its built-in imports rewritten to reads of process.getBuiltinModule
 * (the module object, as CommonJS require gets it). Why: Node's ES-module facade of a built-in
 * reads every export once, which runs the lazy getters behind them (node:process's loads its
 * report, finalization and worker modules; node:util's its parseArgs and diff): about 3 ms of
 * start-up across the bundle's imports. A form it does not know fails the build.
 */
export function withoutBuiltinFacades(source: string): string {
  const rewritten = source.replace(BUILTIN_IMPORT, (_match, what: string, id: string) => {
    const read = `globalThis.process.getBuiltinModule(${JSON.stringify(id)})`;
    if (what.startsWith('{')) return `const ${what.replace(/\s+as\s+/g, ':')}=${read};`;
    return `const ${what.replace(/^\*\s*as\s+/, '')}=${read};`;
  });
  const left = LEFT_OVER.exec(rewritten);
  if (left) throw new Error(`a built-in import the bundle step cannot rewrite: ${left[0]}`);
  return rewritten;
}

/** Builds dist/bin/sluice.js, its chunks and meta.json from the tsc output in dist/. */
export async function buildBin(): Promise<void> {
  const { build } = await import('esbuild');
  const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  // Chunk names carry content hashes: chunks of an earlier build would stay behind.
  await rm(join(packageDir, 'dist/bin'), { recursive: true, force: true });
  const result = await build({
    absWorkingDir: packageDir,
    entryPoints: { sluice: 'dist/cli.js' },
    outdir: 'dist/bin',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // Old enough to parse on any Node a user may still have: the command must reach its
    // one-line "needs a newer Node" message there, not a syntax error.
    target: 'node18',
    external: [...BIN_EXTERNALS],
    // The chunks do not sit beside package.json as dist/version.js does.
    define: { __SLUICE_CLI_VERSION__: JSON.stringify(manifest.version) },
    // Whitespace and comments out (V8 scans every byte of a module it compiles); names stay,
    // as error classes and stack traces read them.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
  });
  for (const file of Object.keys(result.metafile.outputs)) {
    if (!file.endsWith('.js')) continue;
    const path = join(packageDir, file);
    await writeFile(path, withoutBuiltinFacades(await readFile(path, 'utf8')));
  }
  await writeFile(join(packageDir, 'dist/bin/meta.json'), JSON.stringify(result.metafile));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildBin();
}
