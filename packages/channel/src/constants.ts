// Wire-format constants and the channel's defaults. The seed's constants live in stream-core;
// the ones this package uses are re-exported from its index.

/** Version byte at the start of every frame. A reader rejects any other value. */
export const WIRE_VERSION = 1;
/** Bytes in a frame header: version u8, flags u8, payload length u32 big-endian. */
export const HEADER_SIZE = 6;
/** Largest payload one frame can announce (the u32 length field). */
export const MAX_FRAME_PAYLOAD = 0xffff_ffff;

/** Flag: the last frame of a message. Messages larger than one frame continue until it. */
export const FLAG_FINAL = 0x01;
/** Flag: the message is a batch of length-prefixed messages (the batching layer). */
export const FLAG_BATCH = 0x02;
/** Flag: the message is compressed; bits 4–5 name the algorithm (the compression layer). */
export const FLAG_COMPRESSED = 0x04;
/**
 * Flag reserved for the encryption layer (a later release). Readers of this version reject
 * frames that carry it, since they cannot decrypt them.
 */
export const FLAG_ENCRYPTED = 0x08;
/** Bits 4–5: compression algorithm, 0 deflate (zlib format), 1 brotli, 2 zstd; 3 is reserved. */
export const ALGORITHM_MASK = 0x30;
/** Shift of the algorithm bits. */
export const ALGORITHM_SHIFT = 4;
/** Bits 6–7: reserved, must be zero. */
export const RESERVED_FLAGS = 0xc0;
/** Flag bits that describe the message (all frames of one message carry the same ones). */
export const MESSAGE_FLAGS: number = FLAG_BATCH | FLAG_COMPRESSED | FLAG_ENCRYPTED | ALGORITHM_MASK;

/** Default largest message a channel sends or accepts (64 MiB); may be set beyond 4 GiB. */
export const DEFAULT_MAX_MESSAGE_SIZE: number = 64 * 1024 * 1024;
/** Default largest payload per frame when a message is chunked (256 KiB). */
export const DEFAULT_FRAME_SIZE: number = 256 * 1024;
/** Default size below which messages are sent uncompressed. */
export const DEFAULT_COMPRESSION_THRESHOLD = 512;
/** Default largest message that joins a batch; larger ones flush the batch and go alone. */
export const DEFAULT_BATCH_MAX_MESSAGE: number = 64 * 1024;
