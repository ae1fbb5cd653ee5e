// DemuxStream: demux as a Writable, for pipeline(); its two outputs are Readables.
import { Readable, Writable } from 'node:stream';
import { assertKnownOptions } from '@sluice/stream-core';
import { STDERR } from './constants.js';
import { DockerFrameDecoder } from './decoder.js';
import type { StreamKind } from './detect.js';
import { PayloadGatherer } from './gatherer.js';

/** Options of a {@link DemuxStream}. */
export interface DemuxStreamOptions {
  /** Largest frame payload accepted. Default 64 MiB. */
  maxFrameSize?: number;
  /** Longest daemon error message kept (stream id 3). Default 64 KiB. */
  maxErrorSize?: number;
  /** 'raw' (a TTY) passes every byte to `stdout` unchanged. Default 'multiplexed'. */
  kind?: StreamKind;
  /** High-water mark of `stdout` and `stderr`, in bytes. */
  highWaterMark?: number;
}

/**
 * A Writable that takes Docker's multiplexed stream and splits it into two Readables,
 * `stdout` (ids 0 and 1) and `stderr` (id 2). Writing waits while either output is full, so
 * read both (a stalled `stderr` holds `stdout` back, as with a real process).
 *
 * Errors (`DaemonError`, `ProtocolError`, `BufferOverflowError`) fail the Writable — so
 * `pipeline(source, demuxStream)` rejects — after every byte before the fault was pushed;
 * the two outputs then end normally, keeping what they hold.
 */
export class DemuxStream extends Writable {
  /** Payloads of stream ids 0 and 1. */
  readonly stdout: Readable;
  /** Payloads of stream id 2. */
  readonly stderr: Readable;
  private readonly decoder: DockerFrameDecoder | undefined;
  // A written chunk's small payloads become few pushes, not one per frame.
  private readonly toStdout: PayloadGatherer;
  private readonly toStderr: PayloadGatherer;
  // Set when a push was refused, cleared when that output asks for more (`_read`).
  private outFull = false;
  private errFull = false;
  private waiting: (() => void) | null = null;

  constructor(options: DemuxStreamOptions = {}) {
    super();
    assertKnownOptions(
      options,
      ['maxFrameSize', 'maxErrorSize', 'kind', 'highWaterMark'],
      'new DemuxStream()',
    );
    const hwm = options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark };
    this.stdout = new Readable({
      read: () => {
        this.outFull = false;
        this.resumeWriting();
      },
      ...hwm,
    });
    this.stderr = new Readable({
      read: () => {
        this.errFull = false;
        this.resumeWriting();
      },
      ...hwm,
    });
    this.toStdout = new PayloadGatherer((payload) => {
      if (!this.stdout.push(payload)) this.outFull = true;
    });
    this.toStderr = new PayloadGatherer((payload) => {
      if (!this.stderr.push(payload)) this.errFull = true;
    });
    this.decoder =
      options.kind === 'raw'
        ? undefined
        : new DockerFrameDecoder(
            (id, payload) => (id === STDERR ? this.toStderr : this.toStdout).add(payload),
            {
              partial: true,
              maxFrameSize: options.maxFrameSize,
              maxErrorSize: options.maxErrorSize,
            },
          );
  }

  private flushOutputs(): void {
    this.toStdout.flush();
    this.toStderr.flush();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    try {
      if (this.decoder) this.decoder.push(chunk);
      else if (!this.stdout.push(chunk)) this.outFull = true;
    } catch (error) {
      this.flushOutputs();
      this.endOutputs();
      done(error as Error);
      return;
    }
    this.flushOutputs();
    if (this.outFull || this.errFull) this.waiting = done;
    else done();
  }

  override _final(done: (error?: Error) => void): void {
    try {
      this.decoder?.end();
    } catch (error) {
      this.flushOutputs();
      this.endOutputs();
      done(error as Error);
      return;
    }
    this.flushOutputs();
    this.endOutputs();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // A write held for backpressure is dropped with the stream; the outputs keep what they have.
    this.waiting = null;
    this.endOutputs();
    done(error);
  }

  private resumeWriting(): void {
    const waiting = this.waiting;
    if (waiting === null || this.outFull || this.errFull) return;
    this.waiting = null;
    waiting();
  }

  private endOutputs(): void {
    for (const out of [this.stdout, this.stderr]) {
      if (!out.readableEnded && !out.destroyed) out.push(null);
    }
  }
}
