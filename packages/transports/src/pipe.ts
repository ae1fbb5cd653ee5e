// PipeStream: a stream-core Stream over a separate input and output (the seed's PipeStream),
// a connected in-process pair, and the process's own stdin/stdout.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { Stream } from '@sluice/stream-core';
import { checkOptions, type OptionNames, STREAM_OPTION_NAMES } from './option-names.js';
import { PairDuplex, type PairHooks } from './pair-duplex.js';
import { streamCoreOptions, type TransportStreamOptions } from './stream-options.js';
import { watchIdle } from './watchdog.js';

/** Options of a PipeStream. */
export interface PipeStreamOptions extends TransportStreamOptions {
  /** What ending and destroying do to the two halves (see `PairHooks`). */
  hooks?: PairHooks;
}

/** The names of `PipeStreamOptions`. */
export const PIPE_OPTION_NAMES: OptionNames<PipeStreamOptions> = {
  ...STREAM_OPTION_NAMES,
  hooks: true,
};

/** A Stream reading from `input` and writing to `output`. */
export class PipeStream extends Stream {
  /** Where bytes are read from. */
  readonly input: Readable;
  /** Where bytes are written to. */
  readonly output: Writable;

  constructor(input: Readable, output: Writable, options: PipeStreamOptions = {}) {
    checkOptions('PipeStream', options, PIPE_OPTION_NAMES);
    const duplex = new PairDuplex(input, output, options.hooks);
    super(duplex, streamCoreOptions(options));
    this.input = input;
    this.output = output;
    watchIdle(this, duplex, options);
  }

  /**
   * Two connected PipeStreams: what one writes the other reads, with backpressure, half-close,
   * and a destroyed end reported to the other as `ConnectionLostError`. In-process (Node has no
   * API for anonymous OS pipes; a child process's pipes are `createPipeStream`).
   */
  static createPair(options: Omit<PipeStreamOptions, 'hooks'> = {}): [PipeStream, PipeStream] {
    const aToB = new PassThrough({ highWaterMark: 64 * 1024 });
    const bToA = new PassThrough({ highWaterMark: 64 * 1024 });
    return [new PipeStream(bToA, aToB, options), new PipeStream(aToB, bToA, options)];
  }

  /**
   * The process's stdin and stdout as a Stream. Closing it lets go of them without closing
   * them: stdout stays open for `console.log`, stdin is paused so the process can exit.
   */
  static fromStdio(options: Omit<PipeStreamOptions, 'hooks'> = {}): PipeStream {
    return new PipeStream(process.stdin, process.stdout, {
      ...options,
      hooks: {
        endOutput: (callback) => {
          // Wait for what we wrote to be flushed, but never end the process's stdout.
          if (process.stdout.writableNeedDrain) process.stdout.once('drain', () => callback());
          else callback();
        },
        release: () => {
          process.stdin.pause();
        },
      },
    });
  }
}
