// The message pipeline without a stream: layers and framing on the way out, deframing,
// layers and unbatching on the way in. `Channel` drives it over a stream; `encodeMessages`
// and `decodeMessages` drive it over plain bytes (tests, other languages' implementers).
import { BufferOverflowError, ProtocolError } from '@sluice/stream-core';
import { batchBytes, decodeBatch, encodeBatch, encodeBatchAfter } from './batch.js';
import type { CompressionAlgorithm } from './compression.js';
import {
  type CompressionOptions,
  compressionLayer,
  decompressionLayer,
} from './compression-layer.js';
import {
  CONTROL_HANDSHAKE,
  CONTROL_HELLO,
  DEFAULT_BATCH_MAX_MESSAGE,
  DEFAULT_FRAME_SIZE,
  DEFAULT_MAX_MESSAGE_SIZE,
  FLAG_BATCH,
  FLAG_COMPRESSED,
  FLAG_FINAL,
  HEADER_SIZE,
} from './constants.js';
import { FrameDecoder, type RawMessage } from './frame-decoder.js';
import { nodeAllocate } from './header.js';
import type { LayerOutput, PayloadLayer } from './layer.js';
import { toBytes } from './message-bytes.js';
import type { ControlHandler } from './wire/frame-decoder.js';
import { encodeFrames, type FramingOptions, writeFrameHeader } from './wire/header.js';

/** Options shared by the codec and `Channel`. */
export interface CodecOptions {
  /** Compress outgoing messages: `true` (deflate), an algorithm, or options. Default off. */
  compress?: boolean | CompressionAlgorithm | CompressionOptions;
  /** Largest message sent or accepted, in bytes (checked before allocating). Default 64 MiB. */
  maxMessageSize?: number;
  /** Largest payload per frame; larger messages are chunked. Default 256 KiB. */
  frameSize?: number;
}

/** Normalises the `compress` option into a layer list. */
export function layersFor(compressOption: CodecOptions['compress']): PayloadLayer[] {
  if (compressOption === undefined || compressOption === false) return [];
  if (compressOption === true) return [compressionLayer()];
  if (typeof compressOption === 'string') return [compressionLayer({ algorithm: compressOption })];
  return [compressionLayer(compressOption)];
}

// A channel without encryption speaks no control frames; a peer that sends one wants a
// handshake this side was not configured for.
function refuseControl(type: number, _body: Uint8Array, _encrypted: boolean, offset: number): void {
  const wants = type === CONTROL_HELLO || type === CONTROL_HANDSHAKE;
  throw new ProtocolError(
    wants
      ? `the peer starts an encrypted channel (control frame at offset ${offset}), but this channel has no \`encrypt\` option`
      : `unexpected control frame of type ${type} at offset ${offset} on a channel without encryption`,
    { offset },
  );
}

/** Encodes and decodes whole messages with a fixed set of layers. */
export class MessageCodec {
  /** Largest message, in bytes. */
  readonly maxMessageSize: number;
  /** Largest frame payload, in bytes. */
  readonly frameSize: number;
  readonly #framing: FramingOptions;
  readonly #compressOption: CodecOptions['compress'];
  readonly #layers: PayloadLayer[];
  readonly #decoders: PayloadLayer[];

  constructor(options: CodecOptions = {}) {
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.frameSize = options.frameSize ?? DEFAULT_FRAME_SIZE;
    this.#framing = { frameSize: this.frameSize, allocate: nodeAllocate };
    this.#compressOption = options.compress;
    this.#layers = layersFor(options.compress);
    // Whatever this side sends, it reads any compressed message (within the cap).
    this.#decoders = this.#layers.some((l) => l.mask & FLAG_COMPRESSED)
      ? [...this.#layers].reverse()
      : [...[...this.#layers].reverse(), decompressionLayer];
  }

  /**
   * A frame decoder with this codec's caps. Without `control` (no encryption), control frames
   * are refused.
   */
  frameDecoder(control?: { onControl: ControlHandler; requireEncryption: boolean }): FrameDecoder {
    return new FrameDecoder({
      maxMessageSize: this.maxMessageSize,
      onControl: control?.onControl ?? refuseControl,
      requireEncryption: control?.requireEncryption ?? false,
    });
  }

  /** The algorithm this codec compresses with, or 'none'. */
  get compression(): CompressionAlgorithm | 'none' {
    const c = this.#compressOption;
    if (c === undefined || c === false) return 'none';
    if (c === true) return 'deflate';
    return typeof c === 'string' ? c : (c.algorithm ?? 'deflate');
  }

  /** Throws `BufferOverflowError` when `size` is over the message cap. */
  checkSize(size: number): void {
    if (size > this.maxMessageSize) {
      throw new BufferOverflowError(
        `message of ${size} bytes is over maxMessageSize ${this.maxMessageSize}`,
        { limit: this.maxMessageSize, size },
      );
    }
  }

  /** The buffers to write for one payload as it is: framed, past every layer. */
  encodeFramed(payload: Uint8Array, flags = 0): Uint8Array[] {
    return encodeFrames(payload, flags, this.#framing);
  }

  /** The buffers to write for one payload (`flags`: FLAG_BATCH or 0), after all layers. */
  encode(payload: Uint8Array, flags = 0): Uint8Array[] | Promise<Uint8Array[]> {
    if (this.#layers.length === 0) return encodeFrames(payload, flags, this.#framing);
    const out = this.layer(payload, flags);
    return out instanceof Promise
      ? out.then((o) => encodeFrames(o.payload, o.flags, this.#framing))
      : encodeFrames(out.payload, out.flags, this.#framing);
  }

  /**
   * One payload after all layers but framing (an encrypted channel frames it later, in write
   * order). Synchronous while every layer answers synchronously (small and mid-sized
   * messages); from the first layer that answers with a promise on, asynchronous.
   */
  layer(payload: Uint8Array, flags = 0): LayerOutput | Promise<LayerOutput> {
    const layers = this.#layers;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      const out = layer.encode(payload, flags);
      if (out instanceof Promise) return this.#layerRest(out, i, flags);
      payload = out.payload;
      flags |= out.flags & layer.mask;
    }
    return { payload, flags };
  }

  /** The buffers to write for a batch of `messages` (more than one), after all layers. */
  encodeBatch(messages: readonly Uint8Array[]): Uint8Array[] | Promise<Uint8Array[]> {
    if (this.#layers.length > 0) return this.encode(encodeBatch(messages), FLAG_BATCH);
    const size = batchBytes(messages);
    if (size > this.frameSize)
      return encodeFrames(encodeBatch(messages), FLAG_BATCH, this.#framing);
    // One frame: header and entries built in one buffer, each message copied once.
    const frame = encodeBatchAfter(messages, HEADER_SIZE);
    writeFrameHeader(frame, 0, FLAG_BATCH | FLAG_FINAL, size);
    return [frame];
  }

  async #layerRest(
    pending: Promise<LayerOutput>,
    index: number,
    flags: number,
  ): Promise<LayerOutput> {
    const first = await pending;
    let payload = first.payload;
    flags |= first.flags & this.#layers[index]!.mask;
    for (const layer of this.#layers.slice(index + 1)) {
      const out = await layer.encode(payload, flags);
      payload = out.payload;
      flags |= out.flags & layer.mask;
    }
    return { payload, flags };
  }

  /** The messages one raw (deframed) message holds, after undoing its layers. */
  decode(raw: RawMessage): Uint8Array[] | Promise<Uint8Array[]> {
    if ((raw.flags & ~FLAG_BATCH) === 0) {
      return raw.flags & FLAG_BATCH ? decodeBatch(raw.payload, raw.offset) : [raw.payload];
    }
    return this.#decodeLayered(raw);
  }

  // Synchronous while every layer answers synchronously, as `encodeLayered`.
  #decodeLayered(raw: RawMessage): Uint8Array[] | Promise<Uint8Array[]> {
    let { payload } = raw;
    const decoders = this.#decoders;
    for (let i = 0; i < decoders.length; i++) {
      const layer = decoders[i]!;
      if ((raw.flags & layer.mask) === 0) continue;
      const out = layer.decode(payload, raw.flags, this.maxMessageSize);
      if (out instanceof Promise) return this.#decodeRest(raw, out, i);
      payload = out;
    }
    return raw.flags & FLAG_BATCH ? decodeBatch(payload, raw.offset) : [payload];
  }

  async #decodeRest(
    raw: RawMessage,
    pending: Promise<Uint8Array>,
    index: number,
  ): Promise<Uint8Array[]> {
    let payload = await pending;
    for (const layer of this.#decoders.slice(index + 1)) {
      if (raw.flags & layer.mask)
        payload = await layer.decode(payload, raw.flags, this.maxMessageSize);
    }
    return raw.flags & FLAG_BATCH ? decodeBatch(payload, raw.offset) : [payload];
  }
}

/** Options of `encodeMessages` / `decodeMessages`. */
export interface EncodeOptions extends CodecOptions {
  /** Put up to this many messages in one batch frame; 0 or omitted: one frame per message. */
  batchSize?: number;
}

/** The wire bytes for `messages`, as a channel with the same options would send them. */
export async function encodeMessages(
  messages: readonly (Uint8Array | string)[],
  options: EncodeOptions = {},
): Promise<Uint8Array> {
  const codec = new MessageCodec(options);
  const parts: Uint8Array[] = [];
  const batchSize = options.batchSize ?? 0;
  let batch: Uint8Array[] = [];
  const flushBatch = async (): Promise<void> => {
    if (batch.length === 0) return;
    const payload = batch.length === 1 ? batch[0]! : encodeBatch(batch);
    parts.push(...(await codec.encode(payload, batch.length === 1 ? 0 : FLAG_BATCH)));
    batch = [];
  };
  for (const m of messages) {
    const bytes = toBytes(m);
    codec.checkSize(bytes.length);
    if (batchSize > 1 && bytes.length <= DEFAULT_BATCH_MAX_MESSAGE) {
      batch.push(bytes);
      if (batch.length >= batchSize) await flushBatch();
    } else {
      await flushBatch();
      parts.push(...(await codec.encode(bytes)));
    }
  }
  await flushBatch();
  return Buffer.concat(parts);
}

/**
 * The messages in `bytes`. Throws `ProtocolError` (malformed or truncated input),
 * `BufferOverflowError` (over the cap) or `CompressionError`.
 */
export async function decodeMessages(
  bytes: Uint8Array,
  options: CodecOptions = {},
): Promise<Uint8Array[]> {
  const codec = new MessageCodec(options);
  const decoder = codec.frameDecoder();
  decoder.push(bytes);
  decoder.end();
  const out: Uint8Array[] = [];
  for (let raw = decoder.shift(); raw; raw = decoder.shift()) {
    for (const m of await codec.decode(raw)) out.push(m);
  }
  return out;
}
