// `sluice demux [--stdout F] [--stderr F] [FILE]`: a captured multiplexed stream, split.
// Everything that arrived is written before a failure is reported, and the failure says
// where: the byte offset and how many bytes are missing.
import { demux } from '@sluice/docker-demux';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { endOutput, openInput, openOutput } from '../files.js';
import { startProgress } from '../progress.js';

/** Options of `sluice demux`. */
export interface DemuxFlags {
  /** File for the stream's stdout. */
  stdout?: string;
  /** File for the stream's stderr. */
  stderr?: string;
}

/** Runs `sluice demux`; resolves with the exit code. */
export async function demuxCommand(
  ctx: Context,
  file: string | undefined,
  flags: DemuxFlags,
): Promise<number> {
  const source = await openInput(file);
  const out = await openOutput(flags.stdout, process.stdout);
  const err = await openOutput(flags.stderr, process.stderr);
  // The progress line shares the terminal with stderr: only when stderr's data goes elsewhere.
  const progress = startProgress(ctx.io, 'demux', ctx.io.errIsTty === true && err.own);
  source.on('data', (chunk: Buffer) => progress.add(chunk.length));
  try {
    await demux(source, { stdout: out.stream, stderr: err.stream, end: false });
    return 0;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === 'ERR_SLUICE_DAEMON') {
      throw new CliError(`daemon error in the stream: ${e.message}`, { exitCode: 1, cause: error });
    }
    if (e.code === 'ERR_SLUICE_PROTOCOL' || e.code === 'ERR_SLUICE_BUFFER_OVERFLOW') {
      throw new CliError(`${e.message}`, {
        hint: 'not a complete multiplexed stream; everything before that point was written',
        exitCode: 1,
        cause: error,
      });
    }
    throw error;
  } finally {
    progress.stop();
    await Promise.all([
      out.own ? endOutput(out.stream) : undefined,
      err.own ? endOutput(err.stream) : undefined,
    ]);
  }
}
