// Writes frames straight to the Node writable under a Node-backed stream, corked so a header
// and its payload leave in one writev, and waiting for 'drain' whenever `write()` says so.
// It is only used while the stream's own write queue is empty, so order is kept; anything
// else goes through `writeAll`. Why: the stream's queue hands the socket one high-water mark
// (16 KiB) per 'drain', which caps bulk throughput well below the socket's.
import type { Writable } from 'node:stream';
import { type ByteStream, ConnectionLostError, StreamClosedError } from '@sluice/stream-core';

/** The Node writable under `stream`, when it is a Node-backed stream over one duplex. */
export function nodeWritableOf(stream: ByteStream): Writable | undefined {
  const underlying = (stream as { underlying?: unknown }).underlying;
  if (underlying === undefined || underlying === null) return undefined;
  const w = underlying as Partial<Writable>;
  return typeof w.write === 'function' && typeof w.cork === 'function'
    ? (underlying as Writable)
    : undefined;
}

/** Writes `parts` in order; resolves once the writable has taken them within its bound. */
export async function writeParts(
  stream: ByteStream,
  w: Writable,
  parts: readonly Uint8Array[],
): Promise<void> {
  if (stream.closed) throw new StreamClosedError();
  if (stream.needsWrite()) {
    for (const part of parts) await stream.writeAll(part);
    return;
  }
  let i = 0;
  while (i < parts.length) {
    if (w.destroyed || w.writableEnded) {
      throw new ConnectionLostError('the destination has been closed');
    }
    // Corked, a header and its payload (or several frames) leave in one writev.
    let ok = true;
    w.cork();
    while (ok && i < parts.length) ok = w.write(parts[i++]!);
    w.uncork();
    if (!ok) await drained(w);
  }
}

function drained(w: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      w.off('drain', done);
      w.off('close', done);
      w.off('error', done);
      if (w.destroyed)
        reject(new ConnectionLostError('the destination closed before taking the data'));
      else resolve();
    };
    w.on('drain', done);
    w.on('close', done);
    w.on('error', done);
  });
}
