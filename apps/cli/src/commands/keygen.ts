// `sluice keygen [FILE]`: a new random key file (mode 0600) that never overwrites a file.
import { open } from 'node:fs/promises';
import { encodeKeyFile, generateKey } from '@sluice/channel';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { fileError } from '../files.js';

/** Runs `sluice keygen`; resolves with the exit code. */
export async function keygen(ctx: Context, file: string | undefined): Promise<number> {
  const text = encodeKeyFile(generateKey());
  if (file === undefined || file === '-') {
    ctx.io.out(text);
    return 0;
  }
  // 'wx': created here or not at all, so an existing key is never replaced (and the mode
  // is set at creation, never widened for a moment).
  const handle = await open(file, 'wx', 0o600).catch((error: unknown) => {
    if ((error as { code?: string }).code === 'EEXIST') {
      throw new CliError(`${file} already exists`, {
        hint: 'keygen never overwrites a key; remove it first or choose another name',
      });
    }
    throw fileError(file, error, 'create');
  });
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  return 0;
}
