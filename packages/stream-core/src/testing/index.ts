/**
 * `@sluice/stream-core/testing`: test doubles other packages need too (in-memory stream
 * pairs, chunk-splitting sources, partial-write and slow sinks).
 *
 * @example
 * ```ts
 * import { createStreamPair, chunkedSource } from '@sluice/stream-core/testing';
 * const [a, b] = createStreamPair();
 * a.write('hello');
 * ```
 * @packageDocumentation
 */
export { chunkedSource, seededRandom, splitBytes, splitPoints } from './chunked-source.js';
export { type MemoryPairOptions, memoryDuplexPair, PairSide } from './pair.js';
export { partialWriteSink, SinkDuplex, type SlowSinkOptions, slowSink } from './sinks.js';
export { type SocketPairOptions, unixSocketPair } from './socket-pair.js';
export { createStreamPair, type StreamPairOptions } from './stream-pair.js';
