// A command loads only what it uses (issue 15 "Start-up and weight"): the built command run
// with a preload that records every module resolved (ESM and CommonJS). The bin is a bundle
// of two files, whose modules are evaluated only when first imported; which modules a
// command's code reaches is seen in the unbundled build of the same sources (dist/cli.js),
// and esbuild's metafile (dist/bin/meta.json) says which source modules a bundle file holds.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dockerEngine, TEST_IMAGE } from '@sluice/test-env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quote, run, SLUICE } from './harness.js';

const engine = await dockerEngine();

const TRACE = fileURLToPath(new URL('./fixtures/trace-loads.mjs', import.meta.url));
const CLI_DIR = fileURLToPath(new URL('../', import.meta.url));
const UNBUNDLED = join(CLI_DIR, 'dist/cli.js');
const meta = JSON.parse(await readFile(join(CLI_DIR, 'dist/bin/meta.json'), 'utf8')) as {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
};

/** The modules a resolved URL stands for: a bundle file's source modules, else itself. */
function modulesOf(url: string): string[] {
  if (!url.startsWith('file:')) return [url];
  const output = meta.outputs[relative(CLI_DIR, fileURLToPath(url))];
  if (!output) return [url];
  return Object.keys(output.inputs).map((input) => pathToFileURL(resolve(CLI_DIR, input)).href);
}

describe('what each command loads', () => {
  let dir = '';
  let n = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-cli-startup-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The URLs `node script args` resolved (script: the bin, or the unbundled build). */
  async function resolved(
    script: string,
    args: string[],
    input = '',
    exitCode?: number,
  ): Promise<string[]> {
    const file = join(dir, `trace-${n++}.txt`);
    const ran = await run('sh', [[process.execPath, script, ...args].map(quote).join(' ')], {
      input,
      env: { NODE_OPTIONS: `--import=${TRACE}`, SLUICE_TRACE_FILE: file },
    });
    if (exitCode !== undefined) expect(ran.code, ran.stderr).toBe(exitCode);
    return (await readFile(file, 'utf8')).split('\n').filter((u) => u !== '');
  }
  /** The modules the unbundled build of `sluice args` loaded. */
  const loads = (args: string[], input = '', exitCode?: number): Promise<string[]> =>
    resolved(UNBUNDLED, args, input, exitCode);
  /** The files (bundle files, or packages outside it) the bin read for `sluice args`. */
  const binFiles = async (args: string[], input = '', exitCode?: number): Promise<string[]> =>
    (await resolved(SLUICE, args, input, exitCode)).filter(
      (u) => u.startsWith('file:') && !u.endsWith('/trace-loads.mjs'),
    );
  const uses = (urls: string[], pkg: string): boolean =>
    urls.some((u) => u.includes(`/node_modules/${pkg}/`) || u.includes(`/.pnpm/${pkg}@`));

  it('--version loads nothing but itself (not even the command table or the code cache)', async () => {
    const urls = await resolved(SLUICE, ['--version']);
    expect(urls).not.toContain('node:vm');
    const files = urls.filter((u) => u.startsWith('file:') && !u.endsWith('/trace-loads.mjs'));
    expect(files.map((u) => u.replace(/.*\/dist\//, ''))).toEqual(['bin/sluice.cjs']);
  });

  // The bin is the bundle: every other command reads the bin and sluice-main.cjs (loaded with
  // its code cache, not through the module loader), not some 80 modules resolved, read and
  // linked one by one, and none of dockerode, ssh2 and ws unless it needs them (the bundle
  // keeps each package's lazy imports).
  it.skipIf(!engine.available)(
    'run reads the bin and its bundle, its whole code, and neither dockerode nor ssh2 nor ws',
    async () => {
      const cacheHome = join(dir, 'cache-run');
      const file = join(dir, `trace-${n++}.txt`);
      const ran = await run('sluice', ['run', '--rm', TEST_IMAGE, 'true'], {
        env: {
          NODE_OPTIONS: `--import=${TRACE}`,
          SLUICE_TRACE_FILE: file,
          XDG_CACHE_HOME: cacheHome,
        },
      });
      expect(ran.code, ran.stderr).toBe(0);
      const urls = (await readFile(file, 'utf8')).split('\n');
      expect(urls).not.toContain('node:child_process');
      const files = urls.filter((u) => u.startsWith('file:') && !u.endsWith('/trace-loads.mjs'));
      expect(files.map((u) => u.replace(/.*\/dist\//, ''))).toEqual(['bin/sluice.cjs']);
      // sluice-main.cjs was loaded through the code cache, which `run` made for itself.
      const [build] = await readdir(join(cacheHome, 'sluice', 'code-cache'));
      expect(await readdir(join(cacheHome, 'sluice', 'code-cache', build as string))).toEqual([
        `run-${process.version}-${process.arch}.bin`,
      ]);
      const modules = modulesOf(pathToFileURL(join(CLI_DIR, 'dist/bin/sluice-main.cjs')).href);
      for (const pkg of ['pty-attach', 'docker-demux', 'stream-core']) {
        expect(modules.some((u) => u.includes(`/${pkg}/`))).toBe(true);
      }
    },
  );

  it('a command makes its code cache once and uses it after', async () => {
    const cacheHome = join(dir, 'cache-demux');
    const demux = () => run('sluice', ['demux'], { input: '', env: { XDG_CACHE_HOME: cacheHome } });
    expect((await demux()).code).toBe(0);
    const root = join(cacheHome, 'sluice', 'code-cache');
    const [build] = await readdir(root);
    const cache = join(root, build as string, `demux-${process.version}-${process.arch}.bin`);
    const made = await stat(cache);
    expect(made.mode & 0o777).toBe(0o600);
    expect((await demux()).code).toBe(0);
    // Used, not rewritten: a rejected or missing cache is written again at exit.
    expect((await stat(cache)).mtimeMs).toBe(made.mtimeMs);
    // One that does not fit (another Node, a damaged file) is replaced, and the command works.
    await writeFile(cache, 'damaged');
    expect((await demux()).code).toBe(0);
    expect((await readFile(cache)).toString()).not.toBe('damaged');
    // SLUICE_CODE_CACHE=0: none is read or written.
    const off = join(dir, 'cache-off');
    const r = await run('sluice', ['demux'], {
      input: '',
      env: { XDG_CACHE_HOME: off, SLUICE_CODE_CACHE: '0' },
    });
    expect(r.code).toBe(0);
    await expect(readdir(off)).rejects.toThrow(/ENOENT/);
  });

  it('the bin requires none of dockerode, ssh2 and ws for demux, nor dockerode and ssh2 for connect', async () => {
    const demux = await binFiles(['demux'], '');
    const connect = await binFiles(['connect', 'tcp://127.0.0.1:1']);
    for (const pkg of ['dockerode', 'ssh2', 'ws']) expect(uses(demux, pkg), pkg).toBe(false);
    for (const pkg of ['dockerode', 'ssh2']) expect(uses(connect, pkg), pkg).toBe(false);
  });

  it('demux loads neither dockerode nor ssh2 nor ws', async () => {
    const urls = await loads(['demux'], '');
    expect(urls.some((u) => u.includes('docker-demux'))).toBe(true);
    for (const pkg of ['dockerode', 'ssh2', 'ws']) expect(uses(urls, pkg), pkg).toBe(false);
    // Nor the modules of the other commands.
    for (const pkg of ['pty-attach', 'transports', 'channel']) {
      expect(
        urls.some((u) => u.includes(`/packages/${pkg}/`)),
        pkg,
      ).toBe(false);
    }
  });

  it('connect tcp:// loads neither dockerode nor ssh2', async () => {
    const urls = await loads(['connect', 'tcp://127.0.0.1:1']);
    expect(urls.some((u) => u.includes('transports'))).toBe(true);
    for (const pkg of ['dockerode', 'ssh2']) expect(uses(urls, pkg), pkg).toBe(false);
    expect(urls.some((u) => u.includes('/packages/pty-attach/'))).toBe(false);
  });

  // `run` talks to the engine with pty-attach's own requests: dockerode (and the grpc,
  // protobufjs, tar-fs and ssh2 it pulls in) is not loaded at all.
  it.skipIf(!engine.available)(
    'run --rm IMAGE loads neither dockerode nor ssh2, and still runs the container',
    async () => {
      const urls = await loads(['run', '--rm', TEST_IMAGE, 'sh', '-c', 'exit 4'], '', 4);
      expect(urls.some((u) => u.includes('/packages/pty-attach/'))).toBe(true);
      for (const pkg of ['dockerode', 'docker-modem', 'ssh2', '@grpc', 'protobufjs', 'tar-fs']) {
        expect(uses(urls, pkg), pkg).toBe(false);
      }
    },
  );
});
