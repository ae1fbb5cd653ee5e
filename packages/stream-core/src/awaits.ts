// `Stream`'s awaitable face (RPyC's): `readExactly`, `poll` and `writeAll`. Each settles at
// once when it can (enough buffered, room now) without async-function machinery, and
// otherwise waits on the stream's readiness changes, never on timers or polling.
import { checkExactCount } from './byte-counts.js';
import { ConnectionLostError, StreamClosedError, type StreamError } from './errors.js';
import type { ReadBuffer } from './read-buffer.js';
import type { Readiness } from './readiness.js';
import { longTimeout } from './timeouts.js';
import { toBuffer } from './to-buffer.js';
import type { WriteQueue } from './write-queue.js';

const EMPTY: Buffer = Buffer.alloc(0);
// What an awaitable call that did not need to wait returns.
const DONE: Promise<void> = Promise.resolve();

/** What the waits read of their stream. @internal */
export interface Awaited {
  readonly readBuffer: ReadBuffer;
  readonly closed: boolean;
  readonly failure: StreamError | undefined;
}

/** `readExactly(n)` of a stream open now, with `limit` its bound. @internal */
export function readExactly(
  stream: Awaited,
  readiness: Readiness,
  n: number,
  limit: number,
): Promise<Buffer> {
  const read = stream.readBuffer;
  try {
    checkExactCount(n, limit);
    if (n === 0) return Promise.resolve(EMPTY);
    read.start();
    // Already buffered (a frame header, usually): no async-function machinery.
    if (read.length >= n) return Promise.resolve(read.take(n));
  } catch (err) {
    return Promise.reject(err);
  }
  return readExactlySlowly(stream, readiness, n);
}

// Collects exactly `n` bytes piecewise (`n` may exceed the read bound, which pauses the source).
async function readExactlySlowly(
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

/**
 * `writeAll(data)`: not an async function, so that when everything was taken at once (the
 * usual case) no promise machinery runs; only a write that has to wait for room pays. @internal
 */
export function writeAll(
  queue: WriteQueue,
  readiness: Readiness,
  data: Uint8Array | string,
): Promise<void> {
  let rest: Buffer;
  try {
    rest = queue.place(toBuffer(data));
  } catch (err) {
    return Promise.reject(err);
  }
  return rest.length === 0 ? DONE : placeAll(queue, readiness, rest);
}

// Places the rest of a `writeAll` as room appears: one promise, settled from the changes.
function placeAll(queue: WriteQueue, readiness: Readiness, data: Buffer): Promise<void> {
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

/** `writeAll` of every part in order, corked until the end of the tick. @internal */
export function writeAllv(
  queue: WriteQueue,
  readiness: Readiness,
  parts: readonly (Uint8Array | string)[],
): Promise<void> {
  queue.cork();
  // Chained only from the first part that has to wait.
  let last: Promise<void> = DONE;
  for (const part of parts) {
    last =
      last === DONE
        ? writeAll(queue, readiness, part)
        : last.then(() => writeAll(queue, readiness, part));
  }
  return last;
}
