// `sluice keygen [FILE]`: a new random key file (mode 0600) that never overwrites a file.
import type { Context } from '../context.js';
import { CliError } from '../errors.js';

/** Runs `sluice keygen`; resolves with the exit code. */
export async function keygen(_ctx: Context, _file: string | undefined): Promise<number> {
  throw new CliError('keygen is waiting for the key-file format of @sluice/channel');
}
