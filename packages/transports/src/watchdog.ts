// Read-idle and write-stall timeouts, kept separate (a socket's own `setTimeout` mixes both
// directions). A coarse timer samples byte counters instead of listening to `data`, so it
// never takes over the reading that stream-core's Stream does.
import type { Duplex } from 'node:stream';
import type { ByteStream } from '@sluice/stream-core';
import { TimeoutError } from '@sluice/stream-core';

/** The two timeouts, in ms; 0 or undefined turns one off. */
export interface IdleTimeouts {
  /** Fail when no byte arrives for this long while the reader has nothing buffered. */
  readTimeoutMs?: number | undefined;
  /** Fail when written bytes wait this long without any of them leaving. */
  writeTimeoutMs?: number | undefined;
}

/**
 * A Duplex with byte counters, as `net.Socket` has them and each of the transports' own
 * Duplexes declares them (a Duplex made elsewhere may have none: then only buffering counts).
 */
export type CountedDuplex = Duplex & {
  /** Bytes received so far. */
  readonly bytesRead?: number;
  /** Bytes accepted for sending so far (including those still queued). */
  readonly bytesWritten?: number;
};

/**
 * Watches `stream` (over `socket`) and destroys the socket with a `TimeoutError` when one of
 * the timeouts expires. Fires within 1.25× the timeout. Stops by itself once the socket closes.
 */
export function watchIdle(stream: ByteStream, socket: CountedDuplex, timeouts: IdleTimeouts): void {
  const read = timeouts.readTimeoutMs ?? 0;
  const write = timeouts.writeTimeoutMs ?? 0;
  if (read <= 0 && write <= 0) return;
  const counters = socket;
  const step = Math.max(5, Math.min(...[read, write].filter((t) => t > 0)) / 4);
  const sent = (): number => (counters.bytesWritten ?? 0) - counters.writableLength;
  let lastRead = counters.bytesRead ?? 0;
  let lastSent = sent();
  let readSince = performance.now();
  let writeSince = readSince;

  const timer = setInterval(() => {
    if (socket.destroyed || stream.closed) {
      clearInterval(timer);
      return;
    }
    const now = performance.now();
    const bytesRead = counters.bytesRead ?? 0;
    // Data waiting for our reader, or end of stream: the peer is not the one being slow.
    if (bytesRead !== lastRead || stream.readyToRead() || socket.readableEnded) {
      lastRead = bytesRead;
      readSince = now;
    } else if (read > 0 && now - readSince >= read) {
      clearInterval(timer);
      socket.destroy(
        new TimeoutError(`no data from the peer for ${read} ms (read timeout)`, {
          timeoutMs: read,
        }),
      );
      return;
    }
    const bytesSent = sent();
    if (bytesSent !== lastSent || (counters.writableLength === 0 && !stream.needsWrite())) {
      lastSent = bytesSent;
      writeSince = now;
    } else if (write > 0 && now - writeSince >= write) {
      clearInterval(timer);
      socket.destroy(
        new TimeoutError(`written data not accepted by the peer for ${write} ms (write timeout)`, {
          timeoutMs: write,
        }),
      );
    }
  }, step);
  timer.unref();
  socket.once('close', () => clearInterval(timer));
}
