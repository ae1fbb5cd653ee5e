import { Stream, type StreamOptions } from '../stream.js';
import { type MemoryPairOptions, memoryDuplexPair } from './pair.js';

/** Options of `createStreamPair`. */
export interface StreamPairOptions extends StreamOptions, MemoryPairOptions {}

/** Two connected in-memory `Stream`s (no file descriptor: `fileno()` is -1). */
export function createStreamPair(options: StreamPairOptions = {}): [Stream, Stream] {
  const { highWaterMark, ...streamOptions } = options;
  const [a, b] = memoryDuplexPair(highWaterMark === undefined ? {} : { highWaterMark });
  return [new Stream(a, streamOptions), new Stream(b, streamOptions)];
}
