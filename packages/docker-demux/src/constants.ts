// Docker's multiplexed stream (moby's stdcopy): an 8-byte header `[id][0][0][0][length u32 BE]`
// before every payload. The ids are the engine's; 0 (stdin) is written to stdout, as stdcopy does.

/** Stream id 0: stdin. Docker never sends it on output, but stdcopy routes it to stdout, and so do we. */
export const STDIN = 0;
/** Stream id 1: the process's stdout. */
export const STDOUT = 1;
/** Stream id 2: the process's stderr. */
export const STDERR = 2;
/** Stream id 3: an error message from the daemon itself (e.g. "Error grabbing logs: …"). */
export const SYSTEMERR = 3;

/** A stream id that carries output: stdin (routed to stdout), stdout or stderr. */
export type OutputStreamId = typeof STDIN | typeof STDOUT | typeof STDERR;

/** Bytes in a frame header of Docker's multiplexed stream. */
export const DOCKER_HEADER_SIZE = 8;
/** @deprecated Use `DOCKER_HEADER_SIZE` (channel has a `HEADER_SIZE` of its own). */
export const HEADER_SIZE: 8 = DOCKER_HEADER_SIZE;

/** The largest frame payload accepted unless told otherwise: 64 MiB. */
export const DEFAULT_MAX_FRAME_SIZE: number = 64 * 1024 * 1024;

/** The longest daemon error message (stream id 3) kept unless told otherwise: 64 KiB. */
export const DEFAULT_MAX_ERROR_SIZE: number = 64 * 1024;

/** The largest payload the 32-bit length field can announce. */
export const MAX_FRAME_LENGTH = 0xffff_ffff;

/** Content-Type of an upgraded attach/exec reply carrying the multiplexed protocol (API ≥ 1.42). */
export const MULTIPLEXED_CONTENT_TYPE = 'application/vnd.docker.multiplexed-stream';
/** Content-Type of an upgraded attach/exec reply carrying raw TTY bytes (API ≥ 1.42). */
export const RAW_CONTENT_TYPE = 'application/vnd.docker.raw-stream';
