// The receiving half of a channel: deframing, the layers undone, whole messages handed out in
// order. Reading is pull-based: bytes are taken from the stream only while `recv()` (or
// `poll()`, or a handshake) wants them, so a receiver that stops reading leaves the stream's
// bounded buffer full and the sender's `send` waits.
import { type ByteStream, ConnectionLostError } from '@sluice/stream-core';
import type { MessageCodec } from './codec.js';
import type { FrameDecoder, RawMessage } from './frame-decoder.js';

/** What the reader asks of its channel. */
export interface ReaderHooks {
  /** Called before the reader waits for the peer (send what a request may be waiting in). */
  beforeWait(): void;
  /** Turns a decoding failure into the channel's (an encrypted channel closes on it). */
  failed(error: unknown): unknown;
  /** What the end of the stream means: an error, or undefined for a clean end. */
  endOfStream(): Error | undefined;
}

const EMPTY = new Uint8Array(0);
const RESOLVED: Promise<void> = Promise.resolve();
// Most bytes taken from the stream at once: more than any chunk, so each read hands over
// one whole chunk as it arrived (a view, never a copy).
const READ_SIZE = 4 * 1024 * 1024;

/** Receives messages from one stream. */
export class MessageReader {
  // Made on first use: an error's stack trace costs more than the rest of a reader, and most
  // short-lived channels are destroyed without ever reading to the end.
  #endOfStream: ConnectionLostError | undefined;
  readonly #stream: ByteStream;
  readonly #codec: MessageCodec;
  readonly #decoder: FrameDecoder;
  readonly #hooks: ReaderHooks;
  readonly #inbox: Uint8Array[] = [];
  #inboxHead = 0;
  #pulling: Promise<void> | undefined;
  // The pending pull's resolver, woken by one readiness listener kept for the reader's life:
  // a listener, closures and a Set entry per wait were most of a large message's garbage.
  #wake: (() => void) | undefined;
  #unlisten: (() => void) | undefined;
  #eof = false;
  #failure: unknown;
  #unwrapping: Promise<void> | undefined;
  // Calls of `recv()` that are waiting, and the last of them: each waits for the one before.
  #waiting = 0;
  #tail: Promise<unknown> = RESOLVED;
  readonly #settled = (): void => {
    this.#waiting--;
  };
  readonly #receiveNext = (): Promise<Uint8Array> => this.#receive();

  constructor(stream: ByteStream, codec: MessageCodec, decoder: FrameDecoder, hooks: ReaderHooks) {
    this.#stream = stream;
    this.#codec = codec;
    this.#decoder = decoder;
    this.#hooks = hooks;
  }

  /** The clean end of the stream, as `recv()` reports it (iteration ends quietly on it). */
  get endOfStream(): ConnectionLostError {
    this.#endOfStream ??= new ConnectionLostError('the stream ended');
    return this.#endOfStream;
  }

  /** The read failure (or the end), once there is one; final. */
  get failure(): unknown {
    return this.#failure;
  }

  /** True once the stream ended (or failed). */
  get ended(): boolean {
    return this.#eof;
  }

  /** Records a failure: `recv()` rejects with it once the messages before it are taken. */
  fail(error: unknown): void {
    this.#failure ??= error;
    this.#decoder.fail(error as Error);
  }

  /** The decoder's failure, taken once it has one (and no message is before it). */
  takeDecoderFailure(): unknown {
    if (!this.#decoder.failed) return undefined;
    try {
      this.#decoder.shift();
    } catch (error) {
      this.#failure ??= this.#hooks.failed(error);
    }
    return this.#failure;
  }

  /** The next message, in order; errors are final. */
  recv(): Promise<Uint8Array> {
    // Fast path: no other recv is queued ahead of this one and a message can be had without
    // waiting (already decoded, or in bytes the stream has buffered): no async machinery.
    if (this.#waiting === 0) {
      const message = this.#takeReady();
      if (message !== undefined) return Promise.resolve(message);
    }
    // Wait in line: straight away when nobody else waits, else after the last one waiting.
    const turn =
      this.#waiting === 0 ? this.#receive() : this.#tail.then(this.#receiveNext, this.#receiveNext);
    this.#waiting++;
    this.#tail = turn;
    turn.then(this.#settled, this.#settled);
    return turn;
  }

  /** True when a message (or an error, or the end) is ready, false after `timeoutMs`. */
  async poll(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.#inboxHead < this.#inbox.length || this.#failure !== undefined) return true;
      if (this.#unwrapping) {
        await this.#unwrapping;
        continue;
      }
      if (this.#decoder.pending > 0 || this.#decoder.failed || this.#eof) return true;
      // Bytes (or the end) already buffered: take them without waiting.
      if (this.#stream.readyToRead() || this.#pulling) {
        await this.pull();
        continue;
      }
      const left = deadline - performance.now();
      if (left <= 0) return false;
      this.#hooks.beforeWait();
      if (!(await this.#readableWithin(left))) return false;
    }
  }

  /**
   * Takes the next chunk from the stream into the decoder, waiting for one. Shared by
   * concurrent callers (`recv`, `poll`, the handshake), so no chunk is pushed twice.
   */
  pull(): Promise<void> {
    if (this.#pulling) return this.#pulling;
    if (this.#stream.readyToRead()) {
      this.#readChunk();
      return RESOLVED;
    }
    this.#unlisten ??= this.#stream.onReadiness(this.#onReadiness);
    this.#pulling = new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    return this.#pulling;
  }

  /** Stops listening to the stream: call once it is closed (a pull still waiting would hang). */
  release(): void {
    this.#unlisten?.();
    this.#unlisten = undefined;
  }

  readonly #onReadiness = (): void => {
    const wake = this.#wake;
    if (wake === undefined || !this.#stream.readyToRead()) return;
    this.#wake = undefined;
    this.#pulling = undefined;
    this.#readChunk();
    if (this.#eof) this.release();
    wake();
  };

  // The next message when one is available without waiting; undefined when it is not (or
  // when an error or an asynchronous decode is due: the slow path deals with those).
  #takeReady(): Uint8Array | undefined {
    for (;;) {
      if (this.#inboxHead < this.#inbox.length) return this.#takeInbox();
      if (this.#failure !== undefined || this.#unwrapping || this.#pulling) return undefined;
      let raw: RawMessage | undefined;
      try {
        raw = this.#decoder.shift();
      } catch (error) {
        this.#failure = this.#hooks.failed(error);
        return undefined;
      }
      if (raw) {
        this.#unwrap(raw);
      } else if (this.#eof || !this.#stream.readyToRead()) {
        return undefined;
      } else {
        this.#readChunk();
      }
    }
  }

  async #receive(): Promise<Uint8Array> {
    for (;;) {
      if (this.#inboxHead < this.#inbox.length) return this.#takeInbox();
      if (this.#unwrapping) {
        await this.#unwrapping;
        continue;
      }
      if (this.#failure !== undefined) throw this.#failure;
      let raw: RawMessage | undefined;
      try {
        raw = this.#decoder.shift();
      } catch (error) {
        this.#failure = this.#hooks.failed(error);
        continue;
      }
      if (raw) {
        this.#unwrap(raw);
      } else if (this.#eof) {
        this.#failure = this.endOfStream;
      } else if (this.#stream.readyToRead() && !this.#pulling) {
        this.#readChunk();
      } else {
        this.#hooks.beforeWait();
        await this.pull();
      }
    }
  }

  // Undoes the layers of one raw message into the inbox: at once when every layer is
  // synchronous for it, else in `#unwrapping` (awaited before anything after it). A failure
  // is final.
  #unwrap(raw: RawMessage): void {
    try {
      const decoded = this.#codec.decode(raw);
      if (Array.isArray(decoded)) {
        for (const m of decoded) this.#inbox.push(m);
        return;
      }
      this.#unwrapping = decoded.then(
        (messages) => {
          for (const m of messages) this.#inbox.push(m);
        },
        (error: unknown) => {
          this.#failure = this.#hooks.failed(error);
        },
      );
      this.#unwrapping.then(() => {
        this.#unwrapping = undefined;
      });
    } catch (error) {
      this.#failure = this.#hooks.failed(error);
    }
  }

  #takeInbox(): Uint8Array {
    const m = this.#inbox[this.#inboxHead++] ?? EMPTY;
    if (this.#inboxHead === this.#inbox.length) {
      this.#inbox.length = 0;
      this.#inboxHead = 0;
    }
    return m;
  }

  // Takes the oldest chunk the stream has buffered into the decoder, without waiting.
  #readChunk(): void {
    try {
      const chunk = this.#stream.read(READ_SIZE);
      if (chunk === null) {
        this.#eof = true;
        const cut = this.#hooks.endOfStream();
        if (cut) this.#decoder.fail(cut);
        this.#decoder.end();
      } else {
        this.#decoder.push(chunk);
      }
    } catch (error) {
      this.#eof = true;
      this.#failure ??= this.#hooks.failed(error);
    }
  }

  // Resolves true when the stream has something to read, false after `ms`.
  #readableWithin(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ready: boolean): void => {
        off();
        clearTimeout(timer);
        resolve(ready);
      };
      const off = this.#stream.onReadiness(() => {
        if (this.#stream.readyToRead()) done(true);
      });
      const timer = setTimeout(() => done(false), ms);
    });
  }
}
