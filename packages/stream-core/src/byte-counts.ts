// The byte counts a caller passes to `read(n)` and `readExactly(n)`, checked one way.
import { BufferOverflowError } from './errors.js';

/** Throws `RangeError` unless `n` is a non-negative integer or `Infinity`. */
export function checkCount(n: number, what: string): void {
  if (!(Number.isSafeInteger(n) && n >= 0) && n !== Number.POSITIVE_INFINITY) {
    throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  }
}

/**
 * Throws unless `readExactly(n)` may wait for `n` bytes: a finite count within `limit` (a
 * length a peer announced is refused before anything is allocated).
 */
export function checkExactCount(n: number, limit: number): void {
  checkCount(n, 'n');
  if (n === Number.POSITIVE_INFINITY) throw new RangeError('n must be finite');
  if (n > limit) {
    throw new BufferOverflowError(
      `readExactly(${n}) exceeds its ${limit}-byte bound (pass { maxBytes } to read more at once)`,
      { limit, size: n },
    );
  }
}
