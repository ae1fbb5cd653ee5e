/**
 * `@sluice/docker-demux`: Docker's multiplexed stdout/stderr stream protocol — a zero-copy
 * incremental decoder, demux into two outputs with backpressure, the seed's `Demuxer`, the
 * encoder, and raw-vs-multiplexed detection.
 *
 * @example
 * ```ts
 * import { demux } from '@sluice/docker-demux';
 * const stream = await container.logs({ follow: true, stdout: true, stderr: true });
 * await demux(stream, { stdout: process.stdout, stderr: process.stderr, end: false });
 * ```
 * @packageDocumentation
 */

// The errors this package throws, so `import { DaemonError } from '@sluice/docker-demux'` works.
export {
  BufferOverflowError,
  ConnectionLostError,
  DaemonError,
  ProtocolError,
  StreamClosedError,
  StreamError,
} from '@sluice/stream-core';
export {
  DEFAULT_MAX_ERROR_SIZE,
  DEFAULT_MAX_FRAME_SIZE,
  DOCKER_HEADER_SIZE,
  HEADER_SIZE,
  MAX_FRAME_LENGTH,
  MULTIPLEXED_CONTENT_TYPE,
  type OutputStreamId,
  RAW_CONTENT_TYPE,
  STDERR,
  STDIN,
  STDOUT,
  SYSTEMERR,
} from './constants.js';
export {
  DockerFrameDecoder,
  type DockerFrameDecoderOptions,
  FrameDecoder,
  type FrameDecoderOptions,
  type FrameHandler,
} from './decoder.js';
export { type DemuxOptions, demux } from './demux.js';
export { DemuxStream, type DemuxStreamOptions } from './demux-stream.js';
export { Demuxer, type DemuxerOptions } from './demuxer.js';
export {
  CONTENT_TYPE_MIN_API_VERSION,
  type InspectLike,
  type StreamKind,
  streamKindFromContentType,
  streamKindFromInspect,
} from './detect.js';
export { DEFAULT_MUX_CHUNK_SIZE, encodeFrame, encodeHeader, mux } from './encoder.js';
export { type MuxChunk, MuxStream, type MuxStreamOptions } from './mux-stream.js';
