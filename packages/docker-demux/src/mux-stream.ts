// The encoder as a Transform: objects `{ streamId, payload }` in, multiplexed bytes out.
import { Transform, type TransformCallback } from 'node:stream';
import { assertKnownOptions } from '@sluice/stream-core';
import { DEFAULT_MUX_CHUNK_SIZE, mux } from './encoder.js';

/** One write to a {@link MuxStream}. */
export interface MuxChunk {
  /** 0–3; 1 stdout, 2 stderr, 3 a daemon error message. */
  streamId: number;
  /** The bytes (or UTF-8 text) to send on that stream. */
  payload: Uint8Array | string;
}

/** Options of a {@link MuxStream}. */
export interface MuxStreamOptions {
  /** Largest payload per frame; longer writes are split. Default 32 KiB. */
  maxPayload?: number;
  /** Readable-side high-water mark, in bytes. */
  highWaterMark?: number;
}

/**
 * A Transform that frames what is written to it: write `{ streamId, payload }` objects (or use
 * {@link MuxStream.writeFrame}), read Docker's multiplexed bytes. For servers and tests.
 */
export class MuxStream extends Transform {
  /** Largest payload per frame. */
  readonly maxPayload: number;

  constructor(options: MuxStreamOptions = {}) {
    super({
      writableObjectMode: true,
      ...(options.highWaterMark === undefined
        ? {}
        : { readableHighWaterMark: options.highWaterMark }),
    });
    assertKnownOptions(options, ['maxPayload', 'highWaterMark'], 'new MuxStream()');
    this.maxPayload = options.maxPayload ?? DEFAULT_MUX_CHUNK_SIZE;
  }

  /** Writes `payload` on `streamId`; returns what `write()` returns (false: wait for 'drain'). */
  writeFrame(streamId: number, payload: Uint8Array | string): boolean {
    return this.write({ streamId, payload } satisfies MuxChunk);
  }

  override _transform(chunk: MuxChunk, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      const framed = mux(chunk.streamId, chunk.payload, this.maxPayload);
      if (framed.length > 0) this.push(framed);
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}
