// 1 GiB streamed out of a container, with a TTY and without, arrives intact: the SHA-256 of
// what the session wrote equals that of the stream the container generated. Streaming only:
// the bytes are hashed as they arrive, never held.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { dockerEngine } from '@sluice/test-env';
import { afterAll, describe, expect, it } from 'vitest';
import { attach } from '../src/index.js';
import { TestContainers } from './containers.js';

const engine = await dockerEngine();

const GIB = 1024 * 1024 * 1024;
const MIB = 1024 * 1024;
const LINE = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY\n';
// The container repeats a 1 MiB block (the line, repeated and cut) 1024 times.
const GENERATE =
  `yes ${LINE.trim()} | head -c ${MIB} > /tmp/block; ` +
  `i=0; while [ $i -lt ${GIB / MIB} ]; do cat /tmp/block; i=$((i+1)); done`;

function expectedDigest(): string {
  const block = Buffer.from(LINE.repeat(Math.ceil(MIB / LINE.length))).subarray(0, MIB);
  const hash = createHash('sha256');
  for (let i = 0; i < GIB / MIB; i++) hash.update(block);
  return hash.digest('hex');
}

/** Hashes and counts what is written to it. */
function hashingSink(): Writable & { bytes: number; digest(): string } {
  const hash = createHash('sha256');
  const w = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      w.bytes += chunk.length;
      cb();
    },
  }) as Writable & { bytes: number; digest(): string };
  w.bytes = 0;
  w.digest = () => hash.digest('hex');
  return w;
}

describe.skipIf(!engine.available)('1 GiB out of a container', () => {
  const docker = engine.available ? engine.value : (undefined as never);
  const containers = new TestContainers(docker);
  afterAll(() => containers.removeAll());
  const expected = expectedDigest();

  it('without a TTY: every byte, in order, on stdout; stderr apart', {
    timeout: 240_000,
  }, async () => {
    const id = await containers.create(['sh', '-c', `${GENERATE}; echo end >&2`], { noLog: true });
    const stdout = hashingSink();
    const stderr = hashingSink();
    const result = await attach(docker, id, { stdin: null, stdout, stderr }).result;
    expect(result).toEqual({ exitCode: 0, detached: false });
    expect(stdout.bytes).toBe(GIB);
    expect(stdout.digest()).toBe(expected);
    expect(stderr.bytes).toBe(4);
  });

  it('with a TTY (raw inside the container): every byte, in order', {
    timeout: 240_000,
  }, async () => {
    const id = await containers.create(['sh', '-c', `stty raw -echo; ${GENERATE}`], {
      tty: true,
      noLog: true,
    });
    const stdout = hashingSink();
    const result = await attach(docker, id, { stdin: null, stdout, size: { rows: 24, cols: 80 } })
      .result;
    expect(result).toEqual({ exitCode: 0, detached: false });
    expect(stdout.bytes).toBe(GIB);
    expect(stdout.digest()).toBe(expected);
  });
});
