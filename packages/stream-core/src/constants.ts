// The seed's defaults that stream-core itself uses (RPyC streams). The batch and compression
// defaults are channel's (`@sluice/channel`), the package that uses them.

/** Default size of a stream buffer, and of `BufferedStream`'s coalescing buffer. */
export const DEFAULT_BUFFER_SIZE = 8192;
/** Default bound of a stream's read and write buffers (1 MiB). */
export const MAX_BUFFER_SIZE: number = 1024 * 1024;
