// The sending half of a channel: batching, the layers, framing (sealing, when encrypted) and
// writes in order under the stream's bound. Writes happen strictly in order. With nothing in
// flight and no async layer, a message is written at once. Otherwise its encoding
// (compression on the thread pool) starts now, overlapping the messages before it, and its
// write waits its turn; `send` resolves as soon as the bytes waiting their turn are within
// the stream's write bound.
import { type ByteStream, MAX_BUFFER_SIZE } from '@sluice/stream-core';
import { batchBytes, encodeBatch } from './batch.js';
import type { BatchConfig } from './batch-options.js';
import { Batcher } from './batcher.js';
import type { MessageCodec } from './codec.js';
import { FLAG_BATCH } from './constants.js';
import type { SecureSession } from './encryption/secure-session.js';
import type { LayerOutput } from './layer.js';
import { writeParts } from './write-parts.js';

const RESOLVED: Promise<void> = Promise.resolve();
const EMPTY = new Uint8Array(0);

/** Sends messages over one stream, in order. */
export class MessageWriter {
  readonly #stream: ByteStream;
  readonly #codec: MessageCodec;
  readonly #secure: SecureSession | undefined;
  readonly #batcher: Batcher | undefined;
  readonly #batchMaxMessage: number;
  readonly #writeBound: number;
  #chain: Promise<void> = RESOLVED;
  #inFlight = 0;
  #queuedBytes = 0;
  #failure: unknown;
  // Something was written since the last flush (a buffering stream may hold it).
  #unflushed = false;

  constructor(
    stream: ByteStream,
    codec: MessageCodec,
    batch: BatchConfig | undefined,
    secure: SecureSession | undefined,
  ) {
    this.#stream = stream;
    this.#codec = codec;
    this.#secure = secure;
    this.#writeBound = stream.maxBufferSize ?? MAX_BUFFER_SIZE;
    this.#batchMaxMessage = batch?.maxMessage ?? 0;
    if (batch) {
      this.#batcher = new Batcher(
        batch,
        (messages) => this.#sendBatch(messages),
        (error) => {
          this.#failure ??= error;
        },
      );
    }
  }

  /** The first write failure, if any (final). */
  get failure(): unknown {
    return this.#failure;
  }

  /** Records a failure: every later send rejects with it. */
  fail(error: unknown): void {
    this.#failure ??= error;
  }

  /** True while a batch or a buffering stream may hold bytes a flush would send. */
  get holding(): boolean {
    return this.#unflushed || (this.#batcher?.size ?? 0) > 0;
  }

  /** Sends `bytes` (checked by the caller): into the batch, or framed and written in order. */
  send(bytes: Uint8Array, plain = false): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (plain) {
      // Alone, and past the layers: in a batch it would be compressed with the others.
      this.#batcher?.flush().catch(() => {});
      return this.#enqueue(bytes, 0, true);
    }
    if (this.#batcher && bytes.length <= this.#batchMaxMessage) {
      return this.#batcher.add(bytes) ?? RESOLVED;
    }
    this.#batcher?.flush().catch(() => {});
    return this.#enqueue(bytes, 0);
  }

  /** Sends what is batched and flushes a buffering stream; rejects with the write failure. */
  async flush(): Promise<void> {
    this.#unflushed = false;
    if (this.#batcher) await this.#batcher.flush();
    await this.#chain;
    await this.#stream.flush?.();
    // A transport that failed after taking the bytes: they are lost, say so. The stream hands
    // what it corked on at the end of the tick; after that, an empty write throws the stream's
    // failure, if it has one, and sends nothing.
    if (this.#failure === undefined && !this.#stream.closed) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        if (!this.#stream.closed) this.#stream.write(EMPTY);
      } catch (error) {
        this.#failure = error;
      }
    }
    if (this.#failure) throw this.#failure;
  }

  /** Sends everything queued, then `last` (the authenticated close), ignoring failures. */
  async finish(last: () => Uint8Array | undefined): Promise<void> {
    if (this.#batcher) await this.#batcher.flush().catch(() => {});
    await this.#chain;
    const fin = this.#failure === undefined ? last() : undefined;
    if (fin) await this.#write([fin]);
    await this.#stream.flush?.();
  }

  /** Writes a control frame now, ahead of the messages waiting for the handshake. */
  writeControl(frame: Uint8Array): void {
    if (this.#stream.closed) return;
    this.#stream
      .writeAll(frame)
      .then(() => this.#stream.flush?.())
      .catch((error: unknown) => {
        this.#failure ??= error;
      });
  }

  #sendBatch(messages: Uint8Array[]): Promise<void> {
    if (messages.length === 1) return this.#enqueue(messages[0]!, 0);
    return this.#enqueue(messages, FLAG_BATCH);
  }

  // `payload`: one message, or the messages of a batch (with FLAG_BATCH).
  // `plain`: past the payload layers (no compression), for one message.
  #enqueue(payload: Uint8Array | Uint8Array[], flags: number, plain = false): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    this.#unflushed = true;
    if (this.#secure) return this.#enqueueSealed(this.#secure, payload, flags, plain);
    let encoded: Uint8Array[] | Promise<Uint8Array[]>;
    try {
      encoded = Array.isArray(payload)
        ? this.#codec.encodeBatch(payload)
        : plain
          ? this.#codec.encodeFramed(payload, flags)
          : this.#codec.encode(payload, flags);
      if (Array.isArray(encoded) && this.#inFlight === 0) {
        const wait = this.#writeNow(encoded);
        return wait === undefined ? RESOLVED : this.#queue(() => wait, 0);
      }
    } catch (error) {
      this.#failure ??= error;
      return Promise.reject(error);
    }
    if (!Array.isArray(encoded)) encoded.catch(() => {}); // reported through the chain
    const size = Array.isArray(payload) ? batchBytes(payload) : payload.length;
    return this.#withinBound(this.#queue(async () => this.#write(await encoded), size));
  }

  // As `#enqueue`, encrypted: the layers run now, the frames are sealed when their turn to be
  // written comes (nonces are implicit, so sealing order is write order), after the handshake.
  #enqueueSealed(
    secure: SecureSession,
    payload: Uint8Array | Uint8Array[],
    flags: number,
    plain: boolean,
  ): Promise<void> {
    const frameSize = this.#codec.frameSize;
    let layered: LayerOutput | Promise<LayerOutput>;
    try {
      layered = Array.isArray(payload)
        ? this.#codec.layer(encodeBatch(payload), FLAG_BATCH)
        : plain
          ? { payload, flags }
          : this.#codec.layer(payload, flags);
      if (!(layered instanceof Promise) && secure.established && this.#inFlight === 0) {
        const wait = this.#writeNow(secure.frames(layered.payload, layered.flags, frameSize));
        return wait === undefined ? RESOLVED : this.#queue(() => wait, 0);
      }
    } catch (error) {
      this.#failure ??= error;
      return Promise.reject(error);
    }
    if (layered instanceof Promise) layered.catch(() => {}); // reported through the chain
    const size = Array.isArray(payload) ? batchBytes(payload) : payload.length;
    const done = this.#queue(async () => {
      await secure.ready;
      const out = await layered;
      return this.#write(secure.frames(out.payload, out.flags, frameSize));
    }, size);
    return this.#withinBound(done);
  }

  // Accepted while the bytes waiting their turn are within the stream's bound.
  #withinBound(done: Promise<void>): Promise<void> {
    if (this.#queuedBytes > this.#writeBound) return done;
    done.catch(() => {}); // recorded as the failure, reported by the next call
    return RESOLVED;
  }

  #queue(task: () => Promise<void> | undefined, bytes: number): Promise<void> {
    this.#inFlight++;
    this.#queuedBytes += bytes;
    const next = this.#chain.then(() => {
      if (this.#failure !== undefined) throw this.#failure;
      return task();
    });
    const settle = (): void => {
      this.#inFlight--;
      this.#queuedBytes -= bytes;
    };
    this.#chain = next.then(settle, (error: unknown) => {
      settle();
      this.#failure ??= error;
    });
    return next;
  }

  #write(parts: Uint8Array[]): Promise<void> | undefined {
    return writeParts(this.#stream, parts);
  }

  #writeNow(parts: Uint8Array[]): Promise<void> | undefined {
    return writeParts(this.#stream, parts);
  }
}
