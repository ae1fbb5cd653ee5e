// Key files for --key-file: read once, with a message that names the file and what is wrong.
import { readFile } from 'node:fs/promises';
import { decodeKeyFile } from '@sluice/channel';
import { CliError } from './errors.js';
import { fileError } from './files.js';

/** The 32-byte key in `path`. */
export async function readKeyFile(path: string): Promise<Uint8Array> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw fileError(path, error, 'read key file');
  });
  try {
    return decodeKeyFile(text);
  } catch (error) {
    throw new CliError(`key file ${path}: ${(error as Error).message}`, {
      hint: "make one with 'sluice keygen FILE'",
      cause: error,
    });
  }
}
