// Two in-memory Duplexes wired back to back, with real backpressure: a write is acknowledged
// only when the peer's readable has room (or asks for more), ending one side ends the
// peer's input, and destroying one side makes the peer's writes fail with EPIPE.
import { Duplex } from 'node:stream';

function epipe(): Error {
  return Object.assign(new Error('write EPIPE: the peer has been destroyed'), { code: 'EPIPE' });
}

/** One end of `memoryDuplexPair()`. */
export class PairSide extends Duplex {
  #peer: PairSide | undefined;
  #pendingWrite: ((err?: Error | null) => void) | undefined;

  /** Connects two sides; used by `memoryDuplexPair()`. */
  static connect(a: PairSide, b: PairSide): void {
    a.#peer = b;
    b.#peer = a;
  }

  override _read(): void {
    // The peer waits for us to want more before it acknowledges its last write.
    const peer = this.#peer;
    const callback = peer ? peer.#pendingWrite : undefined;
    if (peer && callback) {
      peer.#pendingWrite = undefined;
      callback();
    }
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (err?: Error | null) => void,
  ): void {
    const peer = this.#peer;
    if (!peer || peer.destroyed || peer.readableEnded) {
      callback(epipe());
      return;
    }
    if (peer.push(chunk)) callback();
    else this.#pendingWrite = callback;
  }

  override _final(callback: (err?: Error | null) => void): void {
    const peer = this.#peer;
    if (peer && !peer.destroyed) peer.push(null);
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    const peer = this.#peer;
    // Our pending write dies with us; the peer's pending write can never be read: EPIPE.
    this.#pendingWrite = undefined;
    if (peer) {
      const theirs = peer.#pendingWrite;
      peer.#pendingWrite = undefined;
      theirs?.(epipe());
      if (!peer.destroyed && !peer.readableEnded) peer.push(null);
    }
    callback(err);
  }
}

/** Options of an in-memory pair. */
export interface MemoryPairOptions {
  /** High-water mark of each side, in bytes (default Node's, 16 KiB). */
  highWaterMark?: number;
}

/** Two connected in-memory Duplexes: what one writes, the other reads. */
export function memoryDuplexPair(options: MemoryPairOptions = {}): [PairSide, PairSide] {
  const init = options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark };
  const a = new PairSide(init);
  const b = new PairSide(init);
  PairSide.connect(a, b);
  return [a, b];
}
