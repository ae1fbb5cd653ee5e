// Opening the files commands read and write, with errors that name the file.
import { createReadStream, createWriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { CliError, FILE_REASONS } from './errors.js';

/** A CliError for a failed open of `path`. */
export function fileError(path: string, error: unknown, doing = 'open'): CliError {
  const code = (error as { code?: string }).code ?? '';
  return new CliError(
    `cannot ${doing} ${path}: ${FILE_REASONS[code] ?? (error as Error).message}`,
    {
      cause: error,
    },
  );
}

/** Resolves with `stream` once its file is open, or rejects with a CliError naming it. */
function opened<T extends Readable | Writable>(stream: T, file: string): Promise<T> {
  return new Promise((resolve, reject) => {
    stream.once('ready', () => {
      stream.off('error', reject);
      resolve(stream);
    });
    stream.once('error', (error) => reject(fileError(file, error)));
  });
}

/** `file` opened for reading (checked before the first byte), or stdin. */
export async function openInput(file: string | undefined): Promise<Readable> {
  if (file === undefined || file === '-') return process.stdin;
  return opened(createReadStream(file, { highWaterMark: 256 * 1024 }), file);
}

/** `file` opened for writing (created or truncated, checked before anything is read), or `fallback`. */
export async function openOutput(
  file: string | undefined,
  fallback: Writable,
): Promise<{ stream: Writable; own: boolean }> {
  if (file === undefined || file === '-') return { stream: fallback, own: false };
  return { stream: await opened(createWriteStream(file), file), own: true };
}

/** Ends `stream` and resolves once its bytes are written (or it failed). */
export function endOutput(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    stream.end(() => resolve());
    stream.once('error', () => resolve());
  });
}
