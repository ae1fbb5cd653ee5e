// `Channel`: whole messages over a byte stream. Outgoing: batch → compress → frame (sealed
// when encrypted) → stream; incoming the reverse. A facade over a `MessageWriter` and a
// `MessageReader` (as ws composes `Sender` and `Receiver`), and, when encrypting, the
// `SecureSession` whose handshake both of them wait for.
import {
  assertKnownOptions,
  type ByteStream,
  ConnectionLostError,
  EncryptionError,
  ProtocolError,
  StreamClosedError,
} from '@sluice/stream-core';
import { type BatchOptions, batchConfig } from './batch-options.js';
import { checkChannelOptions } from './check-options.js';
import { type CodecOptions, MessageCodec } from './codec.js';
import { type EncryptOptions, encryptConfig } from './encryption/options.js';
import { SecureSession } from './encryption/secure-session.js';
import { toBytes } from './message-bytes.js';
import { MessageReader } from './message-reader.js';
import { MessageWriter } from './message-writer.js';

export type { BatchOptions } from './batch-options.js';

/** Options of a `Channel`. */
export interface ChannelOptions extends CodecOptions {
  /** Batch small messages: `true` for the defaults, or options. Default off. */
  batch?: boolean | BatchOptions;
  /** Encrypt (Noise handshake, then one AEAD record per frame). Default off. */
  encrypt?: EncryptOptions;
}

const RESOLVED: Promise<void> = Promise.resolve();

/** Options of one `send()`. */
export interface SendOptions {
  /** `false`: send this message uncompressed and alone (not in a batch). Default true. */
  compress?: boolean;
}

const SEND_OPTIONS: readonly string[] = ['compress'];

/**
 * Framed messages over a `ByteStream`, with optional compression, batching and encryption.
 * The seed's `CompressedChannel`, `BatchingChannel` and `EncryptedChannel` are this class
 * with one layer switched on.
 */
export class Channel implements AsyncIterable<Uint8Array>, AsyncDisposable {
  /** The stream underneath. */
  readonly stream: ByteStream;
  readonly #codec: MessageCodec;
  readonly #writer: MessageWriter;
  readonly #reader: MessageReader;
  readonly #secure: SecureSession | undefined;
  #closing: Promise<void> | undefined;

  constructor(stream: ByteStream, options: ChannelOptions = {}) {
    checkChannelOptions(options);
    this.stream = stream;
    const codec = new MessageCodec(options);
    this.#codec = codec;
    const batch = batchConfig(options.batch, codec.maxMessageSize);
    const secure =
      options.encrypt === undefined
        ? undefined
        : new SecureSession(encryptConfig(options.encrypt), codec.compression, {
            writeControl: (frame) => this.#writer.writeControl(frame),
            installOpener: (open) => decoder.setRecordOpener(open),
            fail: (error) => this.#fail(error),
          });
    this.#secure = secure;
    const decoder = codec.frameDecoder(
      secure && { onControl: secure.onControl, requireEncryption: true },
    );
    this.#writer = new MessageWriter(stream, codec, batch, secure);
    this.#reader = new MessageReader(stream, codec, decoder, {
      beforeWait: () => this.#sendHeld(),
      failed: (error) => this.#readError(error),
      endOfStream: () => secure?.endOfStream(),
    });
    // A stream that can read into memory we choose reads each large incoming message straight
    // into the message's own buffer: the kernel's copy is then the only one.
    stream.readInto?.(() => decoder.readTarget());
    // The handshake starts at once, so that neither side waits for the other's first call.
    if (secure) {
      secure.start();
      void this.#driveHandshake(secure);
    }
  }

  /**
   * Sends one message. Resolves once it is accepted: into the current batch, or within the
   * stream's write bound (waiting under backpressure; on an encrypted channel, for the
   * handshake too when the bound is reached). Rejects with `BufferOverflowError` for a
   * message over `maxMessageSize`, `StreamClosedError` after `close()`. With
   * `{ compress: false }` this one message goes uncompressed and outside any batch (for a
   * secret next to attacker-chosen data: see SECURITY.md, "Compression and secrets").
   */
  send(message: Uint8Array | string, options?: SendOptions): Promise<void> {
    try {
      assertKnownOptions(options, SEND_OPTIONS, 'send()');
      if (this.#closing) throw new StreamClosedError('channel has been closed');
      const bytes = toBytes(message);
      this.#codec.checkSize(bytes.length);
      return this.#writer.send(bytes, options?.compress === false);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Sends any batched messages now, and pushes what a buffering stream holds (`flush()` of a
   * `BufferedStream`); resolves once everything sent so far is accepted.
   */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /**
   * The next message. Rejects with `ConnectionLostError` at end of stream, `ProtocolError`
   * for malformed input, `BufferOverflowError` for a message over the cap, `CompressionError`
   * for data that does not decompress (or decompresses past the cap), `EncryptionError` on
   * an encrypted channel. Errors are final.
   */
  recv(): Promise<Uint8Array> {
    return this.#reader.recv();
  }

  /**
   * Resolves true when a message (or an error, or the end of the stream) is ready to be
   * received, false when none arrived within `timeoutMs`.
   */
  poll(timeoutMs = 0): Promise<boolean> {
    return this.#reader.poll(timeoutMs);
  }

  /** Async iteration over incoming messages; ends quietly at end of stream. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      let message: Uint8Array;
      try {
        message = await this.recv();
      } catch (error) {
        if (error === this.#reader.endOfStream) return;
        throw error;
      }
      yield message;
    }
  }

  /**
   * The handshake, which starts when the channel is made. Resolves once it completed;
   * rejects with `EncryptionError` (reason 'bad-key', 'peer-not-allowed',
   * 'handshake-timeout', 'version-mismatch', 'malformed', 'truncated'). Resolves at once on a
   * channel without `encrypt`.
   */
  handshake(): Promise<void> {
    return this.#secure ? this.#secure.ready : RESOLVED;
  }

  /** The Noise handshake hash once the handshake completed (channel binding), else undefined. */
  get handshakeHash(): Uint8Array | undefined {
    return this.#secure?.handshakeHash;
  }

  /** The peer's static public key once an identity-mode handshake completed, else undefined. */
  get remoteStaticKey(): Uint8Array | undefined {
    return this.#secure?.remoteStaticKey;
  }

  /** Flushes what is batched or queued (then, encrypted, the authenticated end), then closes the stream. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#writer.finish(() => this.#secure?.closeFrame());
      } finally {
        this.stream.readInto?.(undefined);
        await this.stream.close();
        this.#reader.release();
      }
    })();
    return this.#closing;
  }

  /** True once `close()` was called (or the channel failed), or the stream is closed. */
  get closed(): boolean {
    return this.#closing !== undefined || this.stream.closed;
  }

  /** The file descriptor of the stream, or -1. */
  fileno(): number {
    return this.stream.fileno();
  }

  /** `await using channel = new Channel(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // A reply cannot come while its request waits in a batch or in a buffering stream: a
  // receiver about to wait sends what it holds (request/response through batching pays no
  // batch timeout per call).
  #sendHeld(): void {
    if (this.#writer.holding) this.#writer.flush().catch(() => {}); // recorded by the writer
  }

  // Reads while the handshake runs, whether or not anybody calls `recv()`: the peer's
  // handshake messages are taken by the decoder's control hook as they arrive.
  async #driveHandshake(secure: SecureSession): Promise<void> {
    const reader = this.#reader;
    while (!secure.settled) {
      const failure = reader.failure ?? reader.takeDecoderFailure();
      if (failure !== undefined) {
        if (!secure.settled) this.#readError(failure);
        return;
      }
      if (reader.ended) {
        reader.fail(this.#readError(secure.endOfStream() ?? reader.endOfStream));
        return;
      }
      await reader.pull();
    }
  }

  // A read failure on an encrypted channel is fatal and closes it; a malformed frame after the
  // handshake can only be tampering (every frame is authenticated), during it a malformation.
  #readError(error: unknown): unknown {
    const secure = this.#secure;
    if (secure === undefined) return error;
    let fatal = error;
    if (
      error instanceof ProtocolError ||
      (error instanceof ConnectionLostError && error !== this.#reader.endOfStream)
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
    this.#fail(fatal);
    return fatal;
  }

  // An encrypted channel's failure: both halves fail with it, and the stream closes.
  #fail(error: unknown): void {
    this.#reader.fail(error);
    this.#writer.fail(error);
    this.#closing ??= new Promise<void>((resolve) => {
      // Not from inside the read that found the fault: after it.
      queueMicrotask(() => {
        this.stream.readInto?.(undefined);
        const closed = (): void => {
          this.#reader.release();
          resolve();
        };
        this.stream.close().then(closed, closed);
      });
    });
  }
}
