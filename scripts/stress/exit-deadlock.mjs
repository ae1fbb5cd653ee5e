// How often `sluice connect --key-file` hangs in Node's exit deadlock (nodejs/node#54918):
// ROUNDS (default 40) transfers of MB (default 64) MiB of zeros through `sluice serve
// --forward` to a local sink, each connect given 20 s to exit. Run three at once to load the
// machine as the tests do:
//   for i in 1 2 3; do node scripts/stress/exit-deadlock.mjs & done; wait
// SLUICE_BIN picks another build of the bin; NODE_FLAGS adds Node/V8 flags to both sides.
// A manual tool, not a test: the hang is a race (about 2% of exits on a loaded 2-core machine).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin =
  process.env.SLUICE_BIN ??
  fileURLToPath(new URL('../../apps/cli/dist/bin/sluice.cjs', import.meta.url));
const flags = (process.env.NODE_FLAGS ?? '').split(' ').filter(Boolean);
const rounds = Number(process.env.ROUNDS ?? 40);
const mib = Number(process.env.MB ?? 64);
const key = join(mkdtempSync(join(tmpdir(), 'sluice-stress-')), 'k');
execFileSync(process.execPath, [bin, 'keygen', key]);

const sink = createServer({ allowHalfOpen: true }, (s) => {
  s.resume();
  s.on('end', () => s.end());
  s.on('error', () => {});
});
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
const target = `127.0.0.1:${sink.address().port}`;
const serve = spawn(
  process.execPath,
  [...flags, bin, 'serve', 'tcp://127.0.0.1:0', '--key-file', key, '--forward', target],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise((resolve) => {
  let out = '';
  serve.stdout.on('data', (d) => {
    out += d;
    const m = /listening on (\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
});

let hung = 0;
for (let round = 0; round < rounds; round++) {
  const connect = `${process.execPath} ${flags.join(' ')} ${bin} connect ${url} --key-file ${key}`;
  const sh = spawn('sh', ['-c', `head -c ${mib}M /dev/zero | exec ${connect} > /dev/null`], {
    stdio: 'inherit',
  });
  const exited = await Promise.race([
    new Promise((resolve) => sh.on('exit', () => resolve(true))),
    new Promise((resolve) => setTimeout(() => resolve(false), 20_000)),
  ]);
  if (!exited) {
    hung++;
    console.log(`round ${round}: connect did not exit within 20 s`);
    execFileSync('pkill', ['-9', '-P', String(sh.pid)]);
    sh.kill('SIGKILL');
  }
}
console.log(`${flags.join(' ') || 'as shipped'}: ${hung} of ${rounds} connects hung at exit`);
serve.kill('SIGKILL');
sink.close();
