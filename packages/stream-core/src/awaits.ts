// The waiting halves of `Stream`'s awaitable face (RPyC's): what `readExactly`, `poll` and
// `writeAll` do once the fast path (enough buffered, room now) did not settle them. Each
// waits on the stream's readiness changes, never on timers or polling.
import { ConnectionLostError, StreamClosedError, type StreamError } from './errors.js';
import type { ReadBuffer } from './read-buffer.js';
import type { Readiness } from './readiness.js';
import { longTimeout } from './timeouts.js';
import type { WriteQueue } from './write-queue.js';

/** What the waits read of their stream. @internal */
export interface Awaited {
  readonly readBuffer: ReadBuffer;
  readonly closed: boolean;
  readonly failure: StreamError | undefined;
}

/** Collects exactly `n` bytes piecewise (`n` may exceed the read bound, which pauses the source). @internal */
export async function readExactlySlowly(
  stream: Awaited,
  readiness: Readiness,
  n: number,
): Promise<Buffer> {
  const out = Buffer.allocUnsafe(n);
  let filled = 0;
  for (;;) {
    if (stream.closed) throw new StreamClosedError();
    filled += stream.readBuffer.copyInto(out, filled, n - filled);
    if (filled === n) return out;
    if (stream.failure) throw stream.failure;
    if (stream.readBuffer.ended) {
      throw new ConnectionLostError(`stream ended after ${filled} of ${n} expected bytes`);
    }
    await readiness.changed();
  }
}

/** True once data is ready or the peer hung up (or failed); false after `timeoutMs`. @internal */
export function pollReadable(
  stream: Awaited,
  readiness: Readiness,
  timeoutMs: number,
): Promise<boolean> {
  const read = stream.readBuffer;
  const ready = (): boolean => read.length > 0 || read.ended || stream.failure !== undefined;
  if (ready() || timeoutMs === 0) return Promise.resolve(ready());
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      off();
      cancel?.();
      if (stream.closed) reject(new StreamClosedError());
      else resolve(ready());
    };
    const off = readiness.listen(() => {
      if (ready() || stream.closed) finish();
    });
    const cancel =
      timeoutMs === Number.POSITIVE_INFINITY ? undefined : longTimeout(timeoutMs, finish);
  });
}

/** Places the rest of a `writeAll` as room appears: one promise, settled from the changes. @internal */
export function placeAll(queue: WriteQueue, readiness: Readiness, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = data;
    const retry = (): void => {
      try {
        buf = queue.place(buf);
      } catch (err) {
        reject(err);
        return;
      }
      if (buf.length === 0) resolve();
      else readiness.once(retry);
    };
    readiness.once(retry);
  });
}
