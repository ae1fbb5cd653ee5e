// The events of the Node streams a `Stream` wraps, and what each means to its parts.
import type { Readable, Writable } from 'node:stream';
import type { StreamError } from './errors.js';
import type { Lifecycle } from './lifecycle.js';
import type { ReadBuffer } from './read-buffer.js';
import type { Readiness } from './readiness.js';
import type { WriteQueue } from './write-queue.js';

/** The parts of a `Stream` its Node streams' events reach. @internal */
export interface EventTargets {
  readonly life: Lifecycle;
  readonly readBuffer: ReadBuffer;
  readonly writeQueue: WriteQueue;
  readonly readiness: Readiness;
  /** A Node error as the stream's typed error. */
  readonly typed: (err: unknown) => StreamError;
}

/** Listens to `readable` and `writable` (one object, for a Duplex) for the stream's lifetime. @internal */
export function listenToNodeStreams(
  readable: Readable,
  writable: Writable,
  parts: EventTargets,
): void {
  const { life, readiness } = parts;
  const onError = (err: unknown): void => {
    life.fail(parts.typed(err));
    readiness.notify();
  };
  // 'close' without 'end' (destroyed): nothing more will come, so readers must not wait.
  const ended = (): void => {
    parts.readBuffer.markEnded();
    readiness.notify();
  };
  readable.on('end', ended);
  readable.on('close', ended);
  readable.on('error', onError);
  if ((writable as unknown) !== readable) writable.on('error', onError);
  // A pump waiting for room wakes on this even when the queue was empty.
  writable.on('drain', () => parts.writeQueue.drained());
  writable.on('close', () => readiness.notify());
}
