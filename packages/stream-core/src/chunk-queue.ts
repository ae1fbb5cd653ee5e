// A FIFO of byte chunks with a running byte count. Reads walk the chunks and hand out
// subarrays where they can, so taking n bytes costs O(n), never a re-concatenation of
// everything buffered.

const EMPTY: Buffer = Buffer.alloc(0);

/** Chunks in arrival order; `length` is the number of bytes held. */
export class ChunkQueue {
  #chunks: Buffer[] = [];
  #head = 0;
  /** Bytes held. */
  length = 0;

  /** Appends `chunk` (not copied: the caller must not change it afterwards). */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Up to `n` bytes from the front: a view when one chunk holds them, else a copy of exactly those bytes. */
  take(n: number): Buffer {
    const first = this.#chunks[this.#head];
    if (first === undefined || n <= 0) return EMPTY;
    if (first.length >= n || this.#chunks.length - this.#head === 1) return this.takeChunk(n);
    const out = Buffer.allocUnsafe(Math.min(n, this.length));
    let filled = 0;
    while (filled < out.length) filled += this.takeChunk(out.length - filled).copy(out, filled);
    return out;
  }

  /** The rest of the front chunk, or its first `max` bytes: always a view, never a copy. */
  takeChunk(max: number = Number.POSITIVE_INFINITY): Buffer {
    const first = this.#chunks[this.#head];
    if (first === undefined) return EMPTY;
    if (first.length > max) {
      this.#chunks[this.#head] = first.subarray(max);
      this.length -= max;
      return first.subarray(0, max);
    }
    this.#chunks[this.#head] = EMPTY;
    this.#head++;
    this.length -= first.length;
    // Compact now and then, so the array does not grow with everything ever pushed.
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head >= 1024) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
    return first;
  }

  /** Drops everything. */
  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.length = 0;
  }
}
