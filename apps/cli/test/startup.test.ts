// A command loads only what it uses (issue 15 "Start-up and weight"): the built command run
// with a preload that records every module resolved. The command is a bundle split into
// chunks: esbuild's metafile (dist/bin/meta.json) says which source modules a chunk holds.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dockerEngine, TEST_IMAGE } from '@sluice/test-env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './harness.js';

const engine = await dockerEngine();

const TRACE = fileURLToPath(new URL('./fixtures/trace-loads.mjs', import.meta.url));
const CLI_DIR = fileURLToPath(new URL('../', import.meta.url));
const BIN_DIR = join(CLI_DIR, 'dist/bin/');
const meta = JSON.parse(await readFile(join(BIN_DIR, 'meta.json'), 'utf8')) as {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
};

/** The modules a resolved URL stands for: a bundle chunk's source modules, else itself. */
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

  /** The URLs `sluice args` resolved, as files (the bundle's chunks are in dist/bin). */
  async function resolved(args: string[], input = '', exitCode?: number): Promise<string[]> {
    const file = join(dir, `trace-${n++}.txt`);
    const ran = await run('sluice', args, {
      input,
      env: { NODE_OPTIONS: `--import=${TRACE}`, SLUICE_TRACE_FILE: file },
    });
    if (exitCode !== undefined) expect(ran.code, ran.stderr).toBe(exitCode);
    return (await readFile(file, 'utf8')).split('\n');
  }
  /** The modules `sluice args` loaded, each chunk of the bundle standing for its sources. */
  async function loads(args: string[], input = '', exitCode?: number): Promise<string[]> {
    return (await resolved(args, input, exitCode)).flatMap(modulesOf);
  }
  const uses = (urls: string[], pkg: string): boolean =>
    urls.some((u) => u.includes(`/node_modules/${pkg}/`) || u.includes(`/.pnpm/${pkg}@`));

  it('--version loads nothing but itself (not even commander)', async () => {
    const urls = await loads(['--version']);
    expect(
      urls
        .filter((u) => u.startsWith('file:'))
        .map((u) => u.replace(/.*\/dist\//, ''))
        .sort(),
    ).toEqual(['cli.js', 'version.js']);
  });

  // The bin is the bundle: the command's own code, commander and the workspace packages come
  // from a few chunks in dist/bin, not from some 80 files resolved one by one.
  it.skipIf(!engine.available)(
    'run reads its code from the bundle: no workspace package, commander file or built-in facade is resolved',
    async () => {
      const urls = await resolved(['run', '--rm', TEST_IMAGE, 'true'], '', 0);
      // Built-ins are read with process.getBuiltinModule, never imported: an ES-module facade
      // runs every lazy getter of its module (build-bin.ts).
      expect(urls.filter((u) => u.startsWith('node:'))).toEqual([]);
      const files = urls.filter((u) => u.startsWith('file:'));
      const outside = files.filter(
        (u) => !fileURLToPath(u).startsWith(BIN_DIR) && !u.endsWith('/trace-loads.mjs'),
      );
      expect(outside).toEqual([]);
      // Each file read is a resolve, a read and a link: far fewer files than modules.
      const modules = files.flatMap(modulesOf);
      expect(files.length * 2).toBeLessThan(modules.length);
    },
  );

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
