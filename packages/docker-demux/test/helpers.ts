// Test doubles for this package's tests: frame builders, chunked sources and collecting sinks.
import { Readable, Writable } from 'node:stream';

/** A frame built by hand (not by the encoder under test), with any id and reserved bytes. */
export function frame(
  id: number,
  payload: string | Uint8Array,
  reserved: number[] = [0, 0, 0],
): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : Buffer.from(payload);
  const header = Buffer.from([id, ...reserved, 0, 0, 0, 0]);
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** Splits `bytes` at the given offsets. */
export function splitAt(bytes: Uint8Array, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(Buffer.from(bytes.subarray(from, p)));
    from = p;
  }
  return out.filter((c) => c.length > 0);
}

/** A Readable that delivers `chunks` one per read, and counts what was pulled from it. */
export class ChunkSource extends Readable {
  pulled = 0;
  private next = 0;
  constructor(private readonly chunks: Uint8Array[]) {
    super();
  }
  override _read(): void {
    const chunk = this.chunks[this.next++];
    if (chunk === undefined) {
      this.push(null);
      return;
    }
    this.pulled += chunk.length;
    this.push(chunk);
  }
}

/** A Writable that keeps everything; `text()` and `bytes()` read it back. */
export class Collector extends Writable {
  readonly chunks: Buffer[] = [];
  constructor(options: { highWaterMark?: number } = {}) {
    super(options);
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk);
    done();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  text(): string {
    return this.bytes().toString('latin1');
  }
}

/** A Writable that accepts a write only when `release()` is called: a stalled consumer. */
export class GatedSink extends Writable {
  readonly chunks: Buffer[] = [];
  private pending: (() => void)[] = [];
  constructor(highWaterMark: number) {
    super({ highWaterMark });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk);
    this.pending.push(done);
  }
  /** Completes every write held so far, letting the stream drain. */
  release(): void {
    const pending = this.pending;
    this.pending = [];
    for (const done of pending) done();
  }
  get held(): number {
    return this.pending.length;
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/**
 * The read side of a ByteStream, in memory: `feed()` makes bytes readable, `finish()` ends it.
 * Write-side calls are recorded. (Stand-in until stream-core's createStreamPair is used.)
 */
export class MemoryByteStream {
  readonly written: (Uint8Array | string)[] = [];
  closed = false;
  private chunks: Buffer[] = [];
  private ended = false;
  private listeners = new Set<() => void>();
  feed(bytes: Uint8Array): void {
    this.chunks.push(Buffer.from(bytes));
    this.notify();
  }
  finish(): void {
    this.ended = true;
    this.notify();
  }
  fileno(): number {
    return 42;
  }
  read(n = 4096): Uint8Array | null {
    const first = this.chunks[0];
    if (first === undefined) return this.ended ? null : new Uint8Array(0);
    if (first.length <= n) {
      this.chunks.shift();
      return first;
    }
    this.chunks[0] = first.subarray(n);
    return first.subarray(0, n);
  }
  write(data: Uint8Array | string): number | undefined {
    if (data.length === 0) return undefined;
    this.written.push(data);
    return data.length;
  }
  doWrite(): number {
    return 0;
  }
  needsWrite(): boolean {
    return this.written.length > 0;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  readyToRead(): boolean {
    return this.chunks.length > 0 || this.ended;
  }
  readyToWrite(): boolean {
    return true;
  }
  onReadiness(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  private notify(): void {
    for (const l of this.listeners) l();
  }
}
