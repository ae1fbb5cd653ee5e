// A FIFO of byte chunks with a running byte count. Reads walk the chunks and hand out
// subarrays where they can, so taking n bytes costs O(n), never a re-concatenation of
// everything buffered. The chunks sit in a ring that only grows: a queue that fills and
// empties once per chunk (the usual case on a socket) allocates nothing.

const EMPTY: Buffer = Buffer.alloc(0);

/** Chunks in arrival order; `length` is the number of bytes held. */
export class ChunkQueue {
  #ring: Buffer[] = new Array<Buffer>(8).fill(EMPTY);
  // Capacity minus one (a power of two minus one), for cheap wrap-around.
  #mask = 7;
  #head = 0;
  #count = 0;
  /** Bytes held. */
  length = 0;

  /** Appends `chunk` (not copied: the caller must not change it afterwards). */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.#count > this.#mask) this.#grow();
    this.#ring[(this.#head + this.#count) & this.#mask] = chunk;
    this.#count++;
    this.length += chunk.length;
  }

  #grow(): void {
    const old = this.#ring;
    const ring = new Array<Buffer>(old.length * 2).fill(EMPTY);
    for (let i = 0; i < this.#count; i++) ring[i] = old[(this.#head + i) & this.#mask] as Buffer;
    this.#ring = ring;
    this.#mask = ring.length - 1;
    this.#head = 0;
  }

  /** Up to `n` bytes from the front: a view when one chunk holds them, else a copy of exactly those bytes. */
  take(n: number): Buffer {
    if (this.#count === 0 || n <= 0) return EMPTY;
    const first = this.#ring[this.#head] as Buffer;
    if (first.length >= n || this.#count === 1) return this.takeChunk(n);
    const out = Buffer.allocUnsafe(Math.min(n, this.length));
    let filled = 0;
    while (filled < out.length) filled += this.takeChunk(out.length - filled).copy(out, filled);
    return out;
  }

  /** Bytes in the front chunk (0 when empty). */
  frontLength(): number {
    return this.#count === 0 ? 0 : (this.#ring[this.#head] as Buffer).length;
  }

  /** The rest of the front chunk, or its first `max` bytes: always a view, never a copy. */
  takeChunk(max: number = Number.POSITIVE_INFINITY): Buffer {
    if (this.#count === 0) return EMPTY;
    const head = this.#head;
    const first = this.#ring[head] as Buffer;
    if (first.length > max) {
      this.#ring[head] = first.subarray(max);
      this.length -= max;
      return first.subarray(0, max);
    }
    // Drop the reference so a consumed chunk can be collected.
    this.#ring[head] = EMPTY;
    this.#head = (head + 1) & this.#mask;
    this.#count--;
    this.length -= first.length;
    return first;
  }

  /** Drops everything. */
  clear(): void {
    this.#ring.fill(EMPTY);
    this.#head = 0;
    this.#count = 0;
    this.length = 0;
  }
}
