// Writes one message's frames (headers and payload views) through the stream's own write
// queue, gathered so that a socket sends them in one system call per tick. Accepted at once
// while the queue has room for all of them; otherwise the promise resolves once it has.
import type { ByteStream } from '@sluice/stream-core';

/**
 * Writes `parts` in order. Returns `undefined` when the stream took them all now, or a
 * promise that resolves once it has (under backpressure).
 */
export function writeParts(
  stream: ByteStream,
  parts: readonly Uint8Array[],
): Promise<void> | undefined {
  if (stream.writev && stream.bufferedWriteBytes !== undefined) {
    let total = 0;
    for (const part of parts) total += part.length;
    const bound = stream.maxBufferSize ?? Number.POSITIVE_INFINITY;
    if (stream.bufferedWriteBytes + total <= bound) {
      stream.writev(parts);
      return undefined;
    }
  }
  if (stream.writeAllv) return stream.writeAllv(parts);
  return (async () => {
    for (const part of parts) await stream.writeAll(part);
  })();
}
