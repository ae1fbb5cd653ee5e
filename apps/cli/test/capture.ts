// An in-memory CliIo for tests (not part of the build's public surface).
import type { CliIo } from '../src/io.js';

/** Captured output of an in-process run. */
export interface Captured {
  /** Where main() writes. */
  io: CliIo;
  /** Everything written to `out`. */
  out: () => string;
  /** Everything written to `err`. */
  err: () => string;
}

/** A CliIo that keeps what is written. */
export function capture(errIsTty = false): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (t) => out.push(t), err: (t) => err.push(t), errIsTty },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
