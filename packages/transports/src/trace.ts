// Errors that only one connection cares about are kept from crashing the process, but never
// dropped without a trace: `NODE_DEBUG=sluice` prints them.
import { debuglog } from 'node:util';

/** Writes a line to stderr when `NODE_DEBUG` includes `sluice`. */
export const trace: (message: string, ...args: unknown[]) => void = debuglog('sluice');

/** An `'error'` listener that keeps the process alive and leaves a trace of what it caught. */
export function traceError(where: string): (error: unknown) => void {
  return (error) => trace('%s: %s', where, error instanceof Error ? error.message : error);
}
