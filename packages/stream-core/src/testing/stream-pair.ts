import { Stream, type StreamOptions } from '../stream.js';
import { type MemoryPairOptions, memoryDuplexPair } from './pair.js';

/** Options of `createStreamPair`. */
export interface StreamPairOptions extends StreamOptions, MemoryPairOptions {}

/** Two connected in-memory `Stream`s (no file descriptor: `fileno()` is -1). */
export function createStreamPair(options: StreamPairOptions = {}): [Stream, Stream] {
  const [a, b] = memoryDuplexPair(options);
  return [new Stream(a, options), new Stream(b, options)];
}
