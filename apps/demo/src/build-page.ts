// Bundles the page (src/page/main.ts with xterm.js and its addons) into one local file with
// esbuild, at build time: no CDN. Checks that no Node built-in reached the bundle.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pageDir = fileURLToPath(new URL('../src/page/', import.meta.url));
const require = createRequire(import.meta.url);

/** Builds app.js (+ map), app.css and xterm.css into `outdir`. */
export async function buildPage(outdir: string): Promise<void> {
  const { build } = await import('esbuild');
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [join(pageDir, 'main.ts')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    // In-repo packages from their sources, as vitest does; pty-attach's index is Node code,
    // but the page imports only its browser-safe terminal-messages entry.
    conditions: ['@sluice/source'],
    // stream-core's index imports Node modules that the page never uses; tree-shaking drops
    // them (sideEffects: false), and the check below proves it.
    external: ['node:*'],
    logLevel: 'error',
  });
  const bundle = await readFile(join(outdir, 'app.js'), 'utf8');
  const leak = /\bfrom\s*["']node:[a-z_/]+["']|import\(["']node:/.exec(bundle);
  if (leak) throw new Error(`the page bundle imports a Node built-in: ${leak[0]}`);
  await copyFile(require.resolve('@xterm/xterm/css/xterm.css'), join(outdir, 'xterm.css'));
  await copyFile(join(pageDir, 'app.css'), join(outdir, 'app.css'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildPage(process.argv[2] ?? fileURLToPath(new URL('../dist/page/', import.meta.url)));
}
