// `SocketReads`: the reads of a `net.Socket` made through Node's `onread` option, so that the
// `Stream` over it decides where each read lands. By default that is a reused buffer (small
// reads are copied out, large ones handed over whole: no 64 KiB block pinned by a 10-byte
// chunk); a reader that knows where the next bytes belong (a channel gathering a message)
// can have them land there, so the kernel's copy is the only one.

/** Bytes asked of the kernel per read into the stream's own memory (libuv's usual size). */
const READ_SIZE = 64 * 1024;
// Reads shorter than this are copied out of the reused buffer; longer ones take it over.
const COPY_BELOW = READ_SIZE / 2;
// A socket's first reads go into a small slice of Node's buffer pool: most sockets (a
// handshake, a request, a terminal) never read more at once, and a 64 KiB block of its own
// per socket is what a loop of short connections spent its collector time on. A read that
// fills the slice says more is waiting (libuv reads again at once when a read filled its
// buffer): from then on the socket reads into 64 KiB.
const FIRST_READ_SIZE = 2 * 1024;

/** What a `Stream` attaches to a `SocketReads`. @internal */
export interface ReadsSink {
  /** Takes one read's bytes (owned by the stream from now on). */
  deliver(chunk: Buffer): void;
  /** Memory for the next read, or undefined for the stream's own. */
  choose(): Uint8Array | undefined;
}

/** The `onread` option of `net.connect()` / `new net.Socket()`. */
export interface OnRead {
  buffer: () => Uint8Array;
  callback: (bytesRead: number, buffer: Uint8Array) => boolean;
}

/**
 * The reads of one socket, for the `Stream` that will wrap it. Create it first, pass
 * `onread` when creating the socket, then pass it to the `Stream` as the `reads` option:
 *
 * ```ts
 * const reads = new SocketReads();
 * const socket = net.connect({ port, onread: reads.onread });
 * const stream = new Stream(socket, { reads });
 * ```
 *
 * Such a stream supports `readInto()`. Bytes that arrive before the stream attaches are kept
 * and the socket is paused until it does.
 */
export class SocketReads {
  /** Give this as the socket's `onread` option. */
  readonly onread: OnRead;
  #sink: ReadsSink | undefined;
  #early: Buffer[] = [];
  #spare: Buffer | undefined;
  // The small first buffer, until a read fills it.
  #first: Buffer | undefined;
  #bulk = false;

  constructor() {
    this.onread = {
      buffer: () => this.#next(),
      callback: (n, buffer) => this.#arrived(n, buffer),
    };
  }

  /** True once a stream has attached. */
  get attached(): boolean {
    return this.#sink !== undefined;
  }

  /** Connects the stream; hands it what arrived before. @internal */
  attach(sink: ReadsSink): Buffer[] {
    if (this.#sink) throw new Error('these socket reads already feed a stream');
    this.#sink = sink;
    const early = this.#early;
    this.#early = [];
    return early;
  }

  // Called by Node before every read, right after the previous read was delivered.
  #next(): Uint8Array {
    const target = this.#sink?.choose();
    if (target !== undefined && target.length > 0) return target;
    if (!this.#bulk) {
      this.#first ??= Buffer.allocUnsafe(FIRST_READ_SIZE);
      return this.#first;
    }
    this.#spare ??= Buffer.allocUnsafeSlow(READ_SIZE);
    return this.#spare;
  }

  // Returns false to pause the socket (only before a stream is attached; after, the stream
  // pauses it itself when its buffer is full).
  #arrived(n: number, buffer: Uint8Array): boolean {
    let chunk: Buffer;
    if (buffer === this.#spare) {
      if (n >= COPY_BELOW) {
        chunk = this.#spare.subarray(0, n);
        this.#spare = undefined;
      } else {
        chunk = Buffer.allocUnsafe(n);
        this.#spare.copy(chunk, 0, 0, n);
      }
    } else if (buffer === this.#first) {
      // Always a copy: the slice is the socket's for its next reads (and shares a pool block).
      chunk = Buffer.allocUnsafe(n);
      this.#first.copy(chunk, 0, 0, n);
      if (n === this.#first.length) {
        this.#bulk = true;
        this.#first = undefined;
      }
    } else {
      chunk = Buffer.from(buffer.buffer, buffer.byteOffset, n);
    }
    if (this.#sink) {
      this.#sink.deliver(chunk);
      return true;
    }
    this.#early.push(chunk);
    return false;
  }
}
