// `Channel`: whole messages over a byte stream. Outgoing: batch → compress → (encrypt) →
// frame → stream; incoming the reverse. Reading is pull-based: bytes are taken from the
// stream only while `recv()` (or `poll()`) wants a message, so a receiver that stops
// reading leaves the stream's bounded buffer full and the sender's `send` waits.

import type { Writable } from 'node:stream';
import {
  type ByteStream,
  ConnectionLostError,
  DEFAULT_BATCH_SIZE,
  DEFAULT_BATCH_TIMEOUT,
  EncryptionError,
  MAX_BUFFER_SIZE,
  ProtocolError,
  StreamClosedError,
} from '@sluice/stream-core';
import { batchBytes, encodeBatch } from './batch.js';
import { Batcher } from './batcher.js';
import { checkChannelOptions } from './check-options.js';
import { type CodecOptions, MessageCodec } from './codec.js';
import { DEFAULT_BATCH_MAX_MESSAGE, FLAG_BATCH } from './constants.js';
import { type EncryptOptions, encryptConfig } from './encryption/options.js';
import { SecureSession } from './encryption/secure-session.js';
import type { FrameDecoder, RawMessage } from './frame-decoder.js';
import type { LayerOutput } from './layer.js';
import { toBytes } from './message-bytes.js';
import { nodeWritableOf, uncorkNow, writeParts } from './node-writer.js';

/** How a channel batches. */
export interface BatchOptions {
  /** Messages per batch. Default `DEFAULT_BATCH_SIZE` (10). */
  size?: number;
  /** Longest a message waits for its batch, in milliseconds. Default 100. */
  timeoutMs?: number;
  /** The same in seconds, as the seed has it (`DEFAULT_BATCH_TIMEOUT`, 0.1). Give one of the two. */
  timeout?: number;
  /** Messages larger than this many bytes are not batched (the batch goes first). Default 64 KiB. */
  maxMessage?: number;
}

/** Options of a `Channel`. */
export interface ChannelOptions extends CodecOptions {
  /** Batch small messages: `true` for the defaults, or options. Default off. */
  batch?: boolean | BatchOptions;
  /** Encrypt (Noise handshake, then one AEAD record per frame). Default off. */
  encrypt?: EncryptOptions;
}

const EMPTY = new Uint8Array(0);
// Most bytes taken from the stream at once: more than any chunk, so each read hands over
// one whole chunk as it arrived (a view, never a copy).
const READ_SIZE = 4 * 1024 * 1024;
const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Framed messages over a `ByteStream`, with optional compression and batching. The seed's
 * `CompressedChannel` and `BatchingChannel` are this class with one layer switched on.
 */
export class Channel implements AsyncIterable<Uint8Array>, AsyncDisposable {
  /** The stream underneath. */
  readonly stream: ByteStream;
  private readonly codec: MessageCodec;
  private readonly decoder: FrameDecoder;
  private readonly batcher: Batcher | undefined;
  private readonly batchMaxMessage: number;
  private readonly writable: Writable | undefined;
  private readonly inbox: Uint8Array[] = [];
  private inboxHead = 0;
  private pulling: Promise<void> | undefined;
  private eof = false;
  private readonly endOfStream = new ConnectionLostError('the stream ended');
  private readFailure: unknown;
  private writeChain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private queuedBytes = 0;
  private readonly writeBound: number;
  private writeFailure: unknown;
  private closing: Promise<void> | undefined;
  // Calls of `recv()` that are waiting, and the last of them: each waits for the one before.
  private recvWaiting = 0;
  private recvTail: Promise<unknown> = RESOLVED;
  private readonly recvSettled = (): void => {
    this.recvWaiting--;
  };
  private readonly receiveNext = (): Promise<Uint8Array> => this.receive();
  private unwrapping: Promise<void> | undefined;
  // Something was written since the last flush (a buffering stream may hold it).
  private unflushed = false;
  // The handshake and record layer, when encrypting.
  private readonly secure: SecureSession | undefined;

  constructor(stream: ByteStream, options: ChannelOptions = {}) {
    checkChannelOptions(options);
    this.stream = stream;
    this.codec = new MessageCodec(options);
    if (options.encrypt !== undefined) {
      this.secure = new SecureSession(encryptConfig(options.encrypt), this.codec.compression, {
        writeControl: (frame) => this.writeControl(frame),
        installOpener: (open) => this.decoder.setRecordOpener(open),
        fail: (error) => this.failSecure(error),
      });
    }
    this.decoder = this.codec.frameDecoder(
      this.secure && { onControl: this.secure.onControl, requireEncryption: true },
    );
    // The handshake starts at once, so that neither side waits for the other's first call.
    if (this.secure) this.startHandshake(this.secure);
    this.writable = nodeWritableOf(stream);
    // A stream that can read into memory we choose reads each large incoming message straight
    // into the message's own buffer: the kernel's copy is then the only one.
    stream.readInto?.(() => this.decoder.readTarget());
    const bound = (stream as { maxBufferSize?: unknown }).maxBufferSize;
    this.writeBound = typeof bound === 'number' ? bound : MAX_BUFFER_SIZE;
    const batch = options.batch;
    this.batchMaxMessage = 0;
    if (batch !== undefined && batch !== false) {
      const o = batch === true ? {} : batch;
      const size = o.size ?? DEFAULT_BATCH_SIZE;
      if (o.timeout !== undefined && o.timeoutMs !== undefined) {
        throw new TypeError(
          'give batch.timeoutMs (milliseconds) or batch.timeout (seconds), not both',
        );
      }
      const timeoutMs = o.timeoutMs ?? (o.timeout ?? DEFAULT_BATCH_TIMEOUT) * 1000;
      if (!Number.isInteger(size) || size < 1 || size > 65_536) {
        throw new RangeError(`batch.size must be an integer 1..65536, got ${size}`);
      }
      if (!(timeoutMs >= 0 && timeoutMs <= 2 ** 31 - 1)) {
        throw new RangeError(`batch timeout must be 0..${2 ** 31 - 1} ms, got ${timeoutMs} ms`);
      }
      if (o.maxMessage !== undefined && !(Number.isInteger(o.maxMessage) && o.maxMessage >= 0)) {
        throw new RangeError(`batch.maxMessage must be an integer >= 0, got ${o.maxMessage}`);
      }
      this.batchMaxMessage = Math.min(
        o.maxMessage ?? DEFAULT_BATCH_MAX_MESSAGE,
        this.codec.maxMessageSize,
      );
      this.batcher = new Batcher(
        {
          size,
          timeoutMs,
          maxBytes: Math.min(
            this.codec.maxMessageSize,
            Math.max(size, 1) * (4 + this.batchMaxMessage),
          ),
        },
        (messages) => this.sendBatch(messages),
        (error) => {
          this.writeFailure ??= error;
        },
      );
    }
  }

  // --- sending ----------------------------------------------------------------------

  /**
   * Sends one message. Resolves once it is accepted: into the current batch, or within the
   * stream's write bound (waiting under backpressure). Rejects with `BufferOverflowError` for
   * a message over `maxMessageSize`, `StreamClosedError` after `close()`.
   */
  send(message: Uint8Array | string): Promise<void> {
    try {
      this.checkSendable();
      const bytes = toBytes(message);
      this.codec.checkSize(bytes.length);
      if (this.batcher && bytes.length <= this.batchMaxMessage) {
        return this.batcher.add(bytes) ?? RESOLVED;
      }
      this.batcher?.flush().catch(() => {});
      return this.enqueue(bytes, 0);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Sends any batched messages now, and pushes what a buffering stream holds (`flush()` of a
   * `BufferedStream`); resolves once everything sent so far is accepted.
   */
  async flush(): Promise<void> {
    this.unflushed = false;
    if (this.batcher) await this.batcher.flush();
    await this.writeChain;
    if (this.writable) uncorkNow(this.writable);
    await this.stream.flush?.();
    // A transport that failed after taking the bytes: they are lost, say so.
    const errored = this.writable?.errored;
    if (errored) {
      this.writeFailure ??= new ConnectionLostError(`the transport failed: ${errored.message}`, {
        cause: errored,
      });
    }
    if (this.writeFailure) throw this.writeFailure;
  }

  private checkSendable(): void {
    if (this.closing) throw new StreamClosedError('channel has been closed');
    if (this.writeFailure) throw this.writeFailure;
  }

  private sendBatch(messages: Uint8Array[]): Promise<void> {
    if (messages.length === 1) return this.enqueue(messages[0]!, 0);
    return this.enqueue(messages, FLAG_BATCH);
  }

  // Writes happen strictly in order. With nothing in flight and no async layer, a message
  // is written at once. Otherwise its encoding (compression on the thread pool) starts now,
  // overlapping the messages before it, and its write waits its turn; `send` resolves as
  // soon as the bytes waiting their turn are within the stream's write bound.
  // `payload`: one message, or the messages of a batch (with FLAG_BATCH).
  private enqueue(payload: Uint8Array | Uint8Array[], flags: number): Promise<void> {
    if (this.writeFailure !== undefined) return Promise.reject(this.writeFailure);
    this.unflushed = true;
    if (this.secure) return this.enqueueSealed(this.secure, payload, flags);
    let encoded: Uint8Array[] | Promise<Uint8Array[]>;
    try {
      encoded = Array.isArray(payload)
        ? this.codec.encodeBatch(payload)
        : this.codec.encode(payload, flags);
      if (Array.isArray(encoded) && this.inFlight === 0 && this.writable) {
        const wait = this.writeNow(encoded);
        return wait === undefined ? RESOLVED : this.chain(() => wait, 0);
      }
    } catch (error) {
      this.writeFailure ??= error;
      return Promise.reject(error);
    }
    if (!Array.isArray(encoded)) encoded.catch(() => {}); // reported through the chain
    const size = Array.isArray(payload) ? batchBytes(payload) : payload.length;
    const done = this.chain(async () => this.write(await encoded), size);
    if (this.queuedBytes <= this.writeBound) {
      done.catch(() => {}); // recorded as writeFailure, reported by the next call
      return RESOLVED;
    }
    return done;
  }

  // As `enqueue`, for an encrypted channel: the layers run now, the frames are sealed when
  // their turn to be written comes (nonces are implicit, so sealing order is write order),
  // after the handshake.
  private enqueueSealed(
    secure: SecureSession,
    payload: Uint8Array | Uint8Array[],
    flags: number,
  ): Promise<void> {
    const frameSize = this.codec.frameSize;
    let layered: LayerOutput | Promise<LayerOutput>;
    try {
      layered = Array.isArray(payload)
        ? this.codec.layer(encodeBatch(payload), FLAG_BATCH)
        : this.codec.layer(payload, flags);
      if (
        !(layered instanceof Promise) &&
        secure.established &&
        this.inFlight === 0 &&
        this.writable
      ) {
        const wait = this.writeNow(secure.frames(layered.payload, layered.flags, frameSize));
        return wait === undefined ? RESOLVED : this.chain(() => wait, 0);
      }
    } catch (error) {
      this.writeFailure ??= error;
      return Promise.reject(error);
    }
    if (layered instanceof Promise) layered.catch(() => {}); // reported through the chain
    const size = Array.isArray(payload) ? batchBytes(payload) : payload.length;
    const done = this.chain(async () => {
      await secure.ready;
      const out = await layered;
      return this.write(secure.frames(out.payload, out.flags, frameSize));
    }, size);
    if (this.queuedBytes <= this.writeBound) {
      done.catch(() => {}); // recorded as writeFailure, reported by the next call
      return RESOLVED;
    }
    return done;
  }

  private chain(task: () => Promise<void> | undefined, bytes: number): Promise<void> {
    this.inFlight++;
    this.queuedBytes += bytes;
    const next = this.writeChain.then(() => {
      if (this.writeFailure !== undefined) throw this.writeFailure;
      return task();
    });
    const settle = (): void => {
      this.inFlight--;
      this.queuedBytes -= bytes;
    };
    this.writeChain = next.then(settle, (error: unknown) => {
      settle();
      this.writeFailure ??= error;
    });
    return next;
  }

  private write(parts: Uint8Array[]): Promise<void> | undefined {
    if (this.writable) return this.writeNow(parts);
    return (async () => {
      for (const part of parts) await this.stream.writeAll(part);
    })();
  }

  private writeNow(parts: Uint8Array[]): Promise<void> | undefined {
    return writeParts(this.stream, this.writable!, parts);
  }

  // --- receiving --------------------------------------------------------------------

  /**
   * The next message. Rejects with `ConnectionLostError` at end of stream, `ProtocolError`
   * for malformed input, `BufferOverflowError` for a message over the cap, `CompressionError`
   * for data that does not decompress (or decompresses past the cap). Errors are final.
   */
  recv(): Promise<Uint8Array> {
    // Fast path: no other recv is queued ahead of this one and a message can be had without
    // waiting (already decoded, or in bytes the stream has buffered): no async machinery.
    if (this.recvWaiting === 0) {
      const message = this.takeReady();
      if (message !== undefined) return Promise.resolve(message);
    }
    // Wait in line: straight away when nobody else waits, else after the last one waiting.
    const turn =
      this.recvWaiting === 0
        ? this.receive()
        : this.recvTail.then(this.receiveNext, this.receiveNext);
    this.recvWaiting++;
    this.recvTail = turn;
    turn.then(this.recvSettled, this.recvSettled);
    return turn;
  }

  // The next message when one is available without waiting; undefined when it is not (or
  // when an error or an asynchronous decode is due: the slow path deals with those).
  private takeReady(): Uint8Array | undefined {
    for (;;) {
      if (this.inboxHead < this.inbox.length) return this.takeInbox();
      if (this.readFailure !== undefined || this.unwrapping || this.pulling) return undefined;
      let raw: RawMessage | undefined;
      try {
        raw = this.decoder.shift();
      } catch (error) {
        this.readFailure = this.readError(error);
        return undefined;
      }
      if (raw) {
        this.unwrapSync(raw);
      } else if (this.eof || !this.stream.readyToRead()) {
        return undefined;
      } else {
        this.readChunk();
      }
    }
  }

  private async receive(): Promise<Uint8Array> {
    for (;;) {
      if (this.inboxHead < this.inbox.length) return this.takeInbox();
      if (this.unwrapping) {
        await this.unwrapping;
        continue;
      }
      if (this.readFailure !== undefined) throw this.readFailure;
      let raw: RawMessage | undefined;
      try {
        raw = this.decoder.shift();
      } catch (error) {
        this.readFailure = this.readError(error);
        continue;
      }
      if (raw) {
        this.unwrapSync(raw);
      } else if (this.eof) {
        this.readFailure = this.endOfStream;
      } else if (this.stream.readyToRead() && !this.pulling) {
        this.readChunk();
      } else {
        this.flushBeforeWaiting();
        await this.pull();
      }
    }
  }

  // Undoes the layers of one raw message into the inbox: at once when every layer is
  // synchronous for it, else in `unwrapping` (awaited before anything after it). A failure
  // is final.
  private unwrapSync(raw: RawMessage): void {
    try {
      const decoded = this.codec.decode(raw);
      if (Array.isArray(decoded)) {
        for (const m of decoded) this.inbox.push(m);
        return;
      }
      this.unwrapping = decoded.then(
        (messages) => {
          for (const m of messages) this.inbox.push(m);
        },
        (error: unknown) => {
          this.readFailure = this.readError(error);
        },
      );
      this.unwrapping.then(() => {
        this.unwrapping = undefined;
      });
    } catch (error) {
      this.readFailure = this.readError(error);
    }
  }

  private takeInbox(): Uint8Array {
    const m = this.inbox[this.inboxHead++] ?? EMPTY;
    if (this.inboxHead === this.inbox.length) {
      this.inbox.length = 0;
      this.inboxHead = 0;
    }
    return m;
  }

  // A reply cannot come while its request waits in a batch or in a buffering stream: a
  // receiver about to wait sends what it holds (request/response through batching pays no
  // batch timeout per call).
  private flushBeforeWaiting(): void {
    if (!this.unflushed && !this.batcher?.size) return;
    this.flush().catch(() => {}); // a failure is recorded as writeFailure
  }

  // Takes the next chunk from the stream into the decoder, waiting for one. Shared by
  // concurrent callers (`recv` and `poll`), so no chunk is pushed twice.
  private pull(): Promise<void> {
    if (this.pulling) return this.pulling;
    if (this.stream.readyToRead()) {
      this.readChunk();
      return RESOLVED;
    }
    this.pulling = new Promise<void>((resolve) => {
      const off = this.stream.onReadiness(() => {
        if (!this.stream.readyToRead()) return;
        off();
        this.pulling = undefined;
        this.readChunk();
        resolve();
      });
    });
    return this.pulling;
  }

  // Takes the oldest chunk the stream has buffered into the decoder, without waiting.
  private readChunk(): void {
    try {
      const chunk = this.stream.read(READ_SIZE);
      if (chunk === null) {
        this.eof = true;
        // Encrypted: an end without the peer's authenticated close is a truncation.
        const cut = this.secure?.endOfStream();
        if (cut) this.decoder.fail(cut);
        this.decoder.end();
      } else {
        this.decoder.push(chunk);
      }
    } catch (error) {
      this.eof = true;
      this.readFailure ??= error;
    }
  }

  /**
   * Resolves true when a message (or an error, or the end of the stream) is ready to be
   * received, false when none arrived within `timeoutMs`.
   */
  async poll(timeoutMs = 0): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.inboxHead < this.inbox.length || this.readFailure !== undefined) return true;
      if (this.unwrapping) {
        await this.unwrapping;
        continue;
      }
      if (this.decoder.pending > 0 || this.decoder.failed || this.eof) return true;
      // Bytes (or the end) already buffered: take them without waiting.
      if (this.stream.readyToRead() || this.pulling) {
        await this.pull();
        continue;
      }
      const left = deadline - performance.now();
      if (left <= 0) return false;
      this.flushBeforeWaiting();
      if (!(await this.readableWithin(left))) return false;
    }
  }

  // Resolves true when the stream has something to read, false after `ms`.
  private readableWithin(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ready: boolean): void => {
        off();
        clearTimeout(timer);
        resolve(ready);
      };
      const off = this.stream.onReadiness(() => {
        if (this.stream.readyToRead()) done(true);
      });
      const timer = setTimeout(() => done(false), ms);
    });
  }

  /** Async iteration over incoming messages; ends quietly at end of stream. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      let message: Uint8Array;
      try {
        message = await this.recv();
      } catch (error) {
        if (error === this.endOfStream) return;
        throw error;
      }
      yield message;
    }
  }

  // --- lifetime ---------------------------------------------------------------------

  /** Flushes what is batched or queued, then closes the stream. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (this.batcher) await this.batcher.flush().catch(() => {});
        await this.writeChain;
        // The authenticated end of stream, sealed after every record before it.
        const fin = this.writeFailure === undefined ? this.secure?.closeFrame() : undefined;
        if (fin) await this.write([fin]);
        if (this.writable) uncorkNow(this.writable);
        await this.stream.flush?.();
      } finally {
        this.stream.readInto?.(undefined);
        await this.stream.close();
      }
    })();
    return this.closing;
  }

  // --- encryption -------------------------------------------------------------------

  /**
   * The handshake, which starts when the channel is made. Resolves once it completed; rejects with `EncryptionError` (reason 'bad-key', 'peer-not-allowed',
   * 'handshake-timeout', 'version-mismatch', 'malformed', 'truncated'). Resolves at once on a
   * channel without `encrypt`.
   */
  handshake(): Promise<void> {
    return this.secure ? this.secure.ready : RESOLVED;
  }

  /** The Noise handshake hash once the handshake completed (channel binding), else undefined. */
  get handshakeHash(): Uint8Array | undefined {
    return this.secure?.handshakeHash;
  }

  /** The peer's static public key once an identity-mode handshake completed, else undefined. */
  get remoteStaticKey(): Uint8Array | undefined {
    return this.secure?.remoteStaticKey;
  }

  private startHandshake(secure: SecureSession): void {
    secure.start();
    void this.driveHandshake(secure);
  }

  // Reads while the handshake runs, whether or not anybody calls `recv()`: the peer's
  // handshake messages are taken by the decoder's control hook as they arrive.
  private async driveHandshake(secure: SecureSession): Promise<void> {
    while (!secure.settled) {
      if (this.decoder.failed || this.eof || this.readFailure !== undefined) {
        let error = this.readFailure;
        if (error === undefined) {
          try {
            this.decoder.shift();
          } catch (e) {
            error = this.readError(e);
          }
        }
        error ??= this.readError(secure.endOfStream() ?? this.endOfStream);
        this.readFailure ??= error;
        return;
      }
      await this.pull();
    }
  }

  // Handshake frames go out at once, ahead of the messages waiting for the handshake.
  private writeControl(frame: Uint8Array): void {
    if (this.stream.closed) return;
    this.stream
      .writeAll(frame)
      .then(() => this.stream.flush?.())
      .catch((error: unknown) => {
        this.writeFailure ??= error;
      });
  }

  // A read failure on an encrypted channel is fatal and closes it; a malformed frame after the
  // handshake can only be tampering (every frame is authenticated), during it a malformation.
  private readError(error: unknown): unknown {
    const secure = this.secure;
    if (secure === undefined) return error;
    let fatal = error;
    if (
      error instanceof ProtocolError ||
      (error instanceof ConnectionLostError && error !== this.endOfStream)
    ) {
      const reason =
        error instanceof ConnectionLostError
          ? 'truncated'
          : secure.established
            ? 'tampered'
            : 'malformed';
      fatal = new EncryptionError(`${error.message} (${reason})`, { reason, cause: error });
    }
    secure.fail(fatal as Error, true);
    this.failSecure(fatal);
    return fatal;
  }

  private failSecure(error: unknown): void {
    this.readFailure ??= error;
    this.writeFailure ??= error;
    this.decoder.fail(error as Error);
    this.closing ??= new Promise<void>((resolve) => {
      // Not from inside the read that found the fault: after it.
      queueMicrotask(() => {
        this.stream.readInto?.(undefined);
        this.stream.close().then(resolve, resolve);
      });
    });
  }

  /** True once `close()` was called or the stream is closed. */
  get closed(): boolean {
    return this.closing !== undefined || this.stream.closed;
  }

  /** The file descriptor of the stream, or -1. */
  fileno(): number {
    return this.stream.fileno();
  }

  /** `await using channel = new Channel(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
