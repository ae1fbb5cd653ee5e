// The seed's defaults (RPyC streams and channels). Each package that uses one re-exports it.

/** Default size of a stream buffer, and of `BufferedStream`'s coalescing buffer. */
export const DEFAULT_BUFFER_SIZE = 8192;
/** Default bound of a stream's read and write buffers (1 MiB). */
export const MAX_BUFFER_SIZE: number = 1024 * 1024;
/** Default number of messages a batching channel puts in one frame. */
export const DEFAULT_BATCH_SIZE = 10;
/** Default longest wait of a batching channel before it sends a partial batch, in seconds. */
export const DEFAULT_BATCH_TIMEOUT = 0.1;
/** Default zlib compression level. */
export const DEFAULT_COMPRESSION_LEVEL = 6;
/** Default chunk size for large transfers. */
export const STREAM_CHUNK_SIZE = 64000;
