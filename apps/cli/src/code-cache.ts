// Loads the bundled command (dist/bin/sluice-main.cjs) with a V8 code cache that holds every
// function the command ran, written once the command is done.
// Why not only Node's module.enableCompileCache(): it stores what V8 compiled when the file
// loaded, which for a bundle of lazily evaluated modules is little more than its top level, so
// every function a command runs was compiled again on every run: about 4 ms of
// `sluice run --rm IMAGE true` (issue 15 measures it against `docker run`). V8 can serialise
// what it compiled during the run (vm.Script#createCachedData), so the cache is made after the
// command, one per command (each runs different functions).
// The cache lives in the user's own cache directory (mode 0700), never in a shared one: V8
// trusts a cache it accepts, so only the user may write it. Its name holds the bundle's build
// hash, size and mtime, because V8 checks a cache against the source's length, not its content;
// the newest few builds keep theirs.
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

/** What became of the cache when the file loaded. */
export type CodeCacheStatus = 'used' | 'rejected' | 'missing' | 'off';

/** A CommonJS file loaded through `loadWithCodeCache`. */
export interface CachedLoad {
  /** Its `module.exports`. */
  exports: Record<string, unknown>;
  status: CodeCacheStatus;
  /** Writes the cache of everything compiled so far, unless the one read was used. */
  save: () => void;
}

/** The CommonJS wrapper, on a line of its own: line numbers in stack traces stay the file's. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';

/**
 * Where the code cache of `file` for `command` goes: `$XDG_CACHE_HOME` (else `~/.cache`)
 * `/sluice/code-cache/<build>-<size>-<mtime>/<command>-<node>-<arch>.bin`; undefined when
 * there is no home or `SLUICE_CODE_CACHE=0`.
 */
export function codeCacheFile(
  file: string,
  build: string,
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (env.SLUICE_CODE_CACHE === '0') return undefined;
  // As the XDG spec says: a relative XDG_CACHE_HOME is ignored.
  const xdg = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  const base = xdg ?? (env.HOME ? join(env.HOME, '.cache') : undefined);
  if (base === undefined) return undefined;
  try {
    const { size, mtimeMs } = statSync(file);
    const key = `${build}-${size}-${Math.trunc(mtimeMs)}`;
    return join(
      base,
      'sluice',
      'code-cache',
      key,
      `${command}-${process.version}-${process.arch}.bin`,
    );
  } catch {
    return undefined;
  }
}

/**
 * How many builds keep their caches: the newest few, so that two installs used in turn (a
 * global one and a project's) do not delete each other's on every run.
 */
const BUILDS_KEPT = 3;

/** Writes `data` to `target` whole (a concurrent reader never sees half); drops old builds'. */
function writeCache(target: string, data: Buffer): void {
  const dir = dirname(target);
  const root = dirname(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, data, { mode: 0o600 });
  renameSync(temporary, target);
  const builds = readdirSync(root)
    .map((entry) => ({ entry, used: statSync(join(root, entry)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const { entry } of builds.slice(BUILDS_KEPT)) {
    if (entry !== basename(dir)) rmSync(join(root, entry), { recursive: true, force: true });
  }
}

/** Loads the CommonJS `file`, with the code cache at `cacheFile` when there is one. */
export function loadWithCodeCache(file: string, cacheFile: string | undefined): CachedLoad {
  const source = readFileSync(file, 'utf8');
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // None yet: this run makes it.
    }
  }
  const script = new Script(`${WRAPPER_HEAD}${source}\n})`, {
    filename: file,
    lineOffset: -1,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const status: CodeCacheStatus =
    cacheFile === undefined
      ? 'off'
      : cachedData === undefined
        ? 'missing'
        : script.cachedDataRejected === true
          ? 'rejected'
          : 'used';
  const module = { exports: {} as Record<string, unknown> };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    status,
    save: () => {
      if (cacheFile === undefined || status === 'used') return;
      try {
        writeCache(cacheFile, script.createCachedData());
      } catch {
        // A cache is an optimisation: a read-only home or a full disk only means no cache.
      }
    },
  };
}
