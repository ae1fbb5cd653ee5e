// `sluice logs [-f] [--tail N] [-t] [--since T] [--until T] CONTAINER`: the container's
// stdout to stdout and its stderr to stderr (demultiplexed unless it has a TTY).
import { Readable } from 'node:stream';
import { demux, streamKindFromInspect } from '@sluice/docker-demux';
import type { Context } from '../context.js';
import { explainEngineError, openEngine } from '../engine.js';
import { usageError } from '../errors.js';
import { toUnixSeconds } from '../time-spec.js';

/** Options of `sluice logs`. */
export interface LogsFlags {
  /** Keep following. */
  follow?: boolean;
  /** Number of lines from the end, or "all". */
  tail: string;
  /** Timestamps on each line. */
  timestamps?: boolean;
  /** Only since this time. */
  since?: string;
  /** Only until this time. */
  until?: string;
}

/** Runs `sluice logs`; resolves with the exit code. */
export async function logs(ctx: Context, container: string, flags: LogsFlags): Promise<number> {
  if (flags.tail !== 'all' && !/^\d+$/.test(flags.tail)) {
    throw usageError(
      `invalid value for --tail: ${JSON.stringify(flags.tail)} (a number or "all")`,
      'logs',
    );
  }
  const since =
    flags.since === undefined ? undefined : toUnixSeconds(flags.since, '--since', 'logs');
  const until =
    flags.until === undefined ? undefined : toUnixSeconds(flags.until, '--until', 'logs');
  const engine = await openEngine(ctx.globals);
  try {
    const handle = engine.docker.getContainer(container);
    const info = await handle.inspect();
    const options = {
      stdout: true,
      stderr: true,
      timestamps: flags.timestamps === true,
      // The engine takes "all" as well as a number; dockerode's types only know numbers.
      tail: flags.tail as unknown as number,
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
    };
    const source = flags.follow
      ? ((await handle.logs({ ...options, follow: true })) as unknown as Readable)
      : Readable.from([(await handle.logs({ ...options, follow: false })) as unknown as Buffer]);
    await demux(source, {
      stdout: process.stdout,
      stderr: process.stderr,
      end: false,
      kind: streamKindFromInspect(info),
    });
    return 0;
  } catch (error) {
    throw explainEngineError(error, engine);
  }
}
