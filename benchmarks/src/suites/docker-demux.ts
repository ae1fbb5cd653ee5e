// docker-demux vs docker-modem's demuxStream vs the limit. Every side gets the same input, as
// the same 64 KiB chunks from the same kind of Readable, and writes into the same counting
// sinks (real Writables that count bytes). The limit knows the frame boundaries in advance and
// only hands the same payload slices to the sinks: no header parsing at all.
import { createRequire } from 'node:module';
import { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { demux } from '@sluice/docker-demux';
import type { BenchCase, BenchSuite } from '../harness.js';

type DemuxStreamFn = (source: Readable, stdout: Writable, stderr: Writable) => void;
const Modem = createRequire(import.meta.url)('docker-modem') as new (options: {
  socketPath: string;
}) => { demuxStream: DemuxStreamFn };
const modem = new Modem({ socketPath: '/nonexistent/docker.sock' });

const CHUNK = 64 * 1024;

/** Frames of `size` bytes, alternating stdout and stderr, about `total` bytes in all. */
function frames(size: number, total: number): { input: Buffer; payloadBytes: number } {
  const count = Math.max(1, Math.floor(total / (size + 8)));
  const input = Buffer.alloc(count * (size + 8));
  for (let i = 0, at = 0; i < count; i++, at += size + 8) {
    input[at] = i % 2 === 0 ? 1 : 2;
    input.writeUInt32BE(size, at + 4);
    input.fill(0x61 + (i % 26), at + 8, at + 8 + size);
  }
  return { input, payloadBytes: count * size };
}

function chunked(input: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < input.length; at += CHUNK) out.push(input.subarray(at, at + CHUNK));
  return out;
}

/** Per chunk, the payload slices [start, end, streamId] a zero-copy demuxer hands out. */
function slicesOf(input: Buffer): number[][] {
  const perChunk: number[][] = Array.from({ length: Math.ceil(input.length / CHUNK) }, () => []);
  for (let at = 0; at < input.length; ) {
    const id = input[at]!;
    const size = input.readUInt32BE(at + 4);
    let from = at + 8;
    const end = from + size;
    while (from < end) {
      const c = Math.floor(from / CHUNK);
      const to = Math.min(end, (c + 1) * CHUNK);
      perChunk[c]!.push(from - c * CHUNK, to - c * CHUNK, id);
      from = to;
    }
    at = end;
  }
  return perChunk;
}

/** Delivers `chunks` in order, `passes` times over: one stream of passes × the input. */
class ChunkSource extends Readable {
  private next = 0;
  private readonly total: number;
  constructor(
    private readonly chunks: Buffer[],
    passes: number,
  ) {
    super();
    this.total = chunks.length * passes;
  }
  override _read(): void {
    const at = this.next++;
    this.push(at < this.total ? this.chunks[at % this.chunks.length]! : null);
  }
}

// A sink that consumes every write at once. Its mark is above any single write: Node compares
// a write with the mark before consuming it, so at the default 64 KiB one 64 KiB write would
// report "full", and demux() — which, unlike the others, honours that — would wait for 'drain'.
class CountingSink extends Writable {
  bytes = 0;
  constructor() {
    super({ highWaterMark: 1024 * 1024 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    done();
  }
}

function check(expected: number, stdout: CountingSink, stderr: CountingSink): void {
  if (stdout.bytes + stderr.bytes !== expected) {
    throw new Error(`delivered ${stdout.bytes + stderr.bytes} bytes, expected ${expected}`);
  }
}

function ended(source: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    source.once('end', resolve);
    source.once('error', reject);
  });
}

function benchCase(
  name: string,
  size: number,
  total: number,
  goal: BenchCase['goal'],
  passes = 1,
): BenchCase {
  const { input, payloadBytes: onePass } = frames(size, total);
  const chunks = chunked(input);
  const slices = slicesOf(input);
  const payloadBytes = onePass * passes;
  return {
    name,
    bytes: payloadBytes,
    goal,
    peerName: 'docker-modem',
    async sluice() {
      const stdout = new CountingSink();
      const stderr = new CountingSink();
      await demux(new ChunkSource(chunks, passes), { stdout, stderr, end: false });
      check(payloadBytes, stdout, stderr);
    },
    async peer() {
      const stdout = new CountingSink();
      const stderr = new CountingSink();
      const source = new ChunkSource(chunks, passes);
      const done = ended(source);
      modem.demuxStream(source, stdout, stderr);
      await done;
      check(payloadBytes, stdout, stderr);
    },
    async limit() {
      const stdout = new CountingSink();
      const stderr = new CountingSink();
      const source = new ChunkSource(chunks, passes);
      const done = ended(source);
      let index = 0;
      source.on('data', (chunk: Buffer) => {
        const s = slices[index++ % slices.length]!;
        for (let i = 0; i < s.length; i += 3) {
          (s[i + 2] === 2 ? stderr : stdout).write(chunk.subarray(s[i]!, s[i + 1]!));
        }
      });
      await done;
      check(payloadBytes, stdout, stderr);
    },
  };
}

const MiB = 1024 * 1024;

// 4 MiB of frames, replayed: like data just read from a socket, the input stays in the CPU
// cache; tens of distinct MiB would make every header read a cache miss that real streams do
// not have (and that the limit, which never reads the data, does not pay). Each iteration is
// one stream of 16 MiB (the input 4 times over), so the cost of starting a stream (listeners,
// a promise: about 1 µs on each side) does not pose as throughput. The 32 B case keeps one
// pass: docker-modem needs seconds per pass there.

export const suite: BenchSuite = {
  name: 'docker-demux',
  cases: [
    benchCase('32 B frames, 64 KiB chunks', 32, 4 * MiB, { peer: 20 }),
    benchCase('1 KiB frames, 64 KiB chunks', 1024, 4 * MiB, { peer: 1, limit: 0.8 }, 4),
    benchCase('32 KiB frames, 64 KiB chunks', 32 * 1024, 4 * MiB, { peer: 1, limit: 0.8 }, 4),
    benchCase('one 64 MiB frame, 64 KiB chunks', 64 * MiB, 64 * MiB + 8, { peer: 100, limit: 0.8 }),
  ],
};

/**
 * A check that holds up on a busy machine: CPU time (user + system of this process) per
 * iteration, sluice and the limit alternated for `rounds` rounds; prints the median ratio.
 * Run the file itself to get them: `node benchmarks/dist/suites/docker-demux.js`.
 */
export async function cpuTimeRatios(rounds = 7): Promise<void> {
  const perIteration = async (task: () => Promise<void> | void, n: number): Promise<number> => {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) await task();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / n;
  };
  for (const c of suite.cases) {
    const limit = c.limit;
    if (!limit) continue;
    // About 100 ms of CPU per measurement, after a warm-up that also calibrates.
    const n = Math.max(3, Math.round(100_000 / Math.max(1, await perIteration(c.sluice, 20))));
    await perIteration(limit, n);
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const sluice = await perIteration(c.sluice, n);
      ratios.push((await perIteration(limit, n)) / sluice);
    }
    ratios.sort((a, b) => a - b);
    const median = ratios[Math.floor(rounds / 2)]!;
    console.log(`${c.name}: sluice/limit by CPU time, median of ${rounds}: ${median.toFixed(2)}x`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await cpuTimeRatios();
}
