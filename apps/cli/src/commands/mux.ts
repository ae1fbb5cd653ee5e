// `sluice mux --stream stdout|stderr [FILE]`: bytes framed as one stream of Docker's
// multiplexed format, for building inputs to `demux` (and tests).
import { pipeline } from 'node:stream/promises';
import { mux, STDERR, STDOUT } from '@sluice/docker-demux';
import type { Context } from '../context.js';
import { openInput } from '../files.js';

/** Options of `sluice mux`. */
export interface MuxFlags {
  /** Which stream the bytes are. */
  stream: 'stdout' | 'stderr';
}

/** Runs `sluice mux`; resolves with the exit code. */
export async function muxCommand(
  _ctx: Context,
  file: string | undefined,
  flags: MuxFlags,
): Promise<number> {
  const source = await openInput(file);
  const id = flags.stream === 'stderr' ? STDERR : STDOUT;
  await pipeline(
    source,
    async function* frame(chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) yield mux(id, chunk);
    },
    process.stdout,
    { end: false },
  );
  return 0;
}
