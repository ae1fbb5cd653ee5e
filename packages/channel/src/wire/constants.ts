// The wire format's numbers (version 2). Browser-safe: this directory imports nothing from
// Node, so a page can frame and deframe sluice messages (`@sluice/channel/wire`).

/** Version byte at the start of every frame. A reader rejects any other value. */
export const WIRE_VERSION = 2;
/** Bytes in the fixed part of a frame header: version u8, flags u8, payload length u32 BE. */
export const HEADER_SIZE = 6;
/** Bytes of the total-size field (u64 BE) that follows the header when `FLAG_SIZED` is set. */
export const TOTAL_SIZE_BYTES = 8;
/** Largest frame header: the fixed part and the total-size field. */
export const MAX_HEADER_SIZE: number = HEADER_SIZE + TOTAL_SIZE_BYTES;
/** Largest payload one frame can announce (the u32 length field). */
export const MAX_FRAME_PAYLOAD = 0xffff_ffff;

/** Flag: the last frame of a message. Messages larger than one frame continue until it. */
export const FLAG_FINAL = 0x01;
/** Flag: the message is a batch of length-prefixed messages (the batching layer). */
export const FLAG_BATCH = 0x02;
/** Flag: the message is compressed; bits 4–5 name the algorithm (the compression layer). */
export const FLAG_COMPRESSED = 0x04;
/** Flag: the frame's payload is one AEAD record (ciphertext and 16-byte tag). */
export const FLAG_ENCRYPTED = 0x08;
/** Bits 4–5: compression algorithm, 0 deflate (zlib format), 1 brotli, 2 zstd; 3 is reserved. */
export const ALGORITHM_MASK = 0x30;
/** Shift of the algorithm bits. */
export const ALGORITHM_SHIFT = 4;
/**
 * Flag: a u64 big-endian total size follows the header. Set on the first frame of every
 * message of more than one frame (and only there): the size of the whole message payload, so
 * a reader can check it against its cap and read the message into one buffer, in place.
 */
export const FLAG_SIZED = 0x40;
/**
 * Flag: a control frame (handshake, alert, rekey, authenticated close), not a message. Its
 * payload (after decryption) is a type byte and a body; always one final frame.
 */
export const FLAG_CONTROL = 0x80;
/** Flag bits that describe a message (all frames of one message carry the same ones). */
export const MESSAGE_FLAGS: number = FLAG_BATCH | FLAG_COMPRESSED | FLAG_ENCRYPTED | ALGORITHM_MASK;

/** Control type: a peer's hello (its wire options and a tie-break for the roles). */
export const CONTROL_HELLO = 1;
/** Control type: one Noise handshake message. */
export const CONTROL_HANDSHAKE = 2;
/** Control type: the sender failed and is closing; a reason byte and a UTF-8 text follow. */
export const CONTROL_ALERT = 3;
/** Control type: the sender's key changes after this record (Noise `REKEY()`, nonce reset). */
export const CONTROL_REKEY = 4;
/** Control type: the authenticated end of stream; nothing follows it. */
export const CONTROL_CLOSE = 5;
/** Largest control frame payload accepted (a Noise message is at most 65,535 bytes). */
export const MAX_CONTROL_PAYLOAD: number = 65_535 + 64;

/** Default largest message a channel sends or accepts (64 MiB); may be set beyond 4 GiB. */
export const DEFAULT_MAX_MESSAGE_SIZE: number = 64 * 1024 * 1024;
/** Default largest payload per frame when a message is chunked (256 KiB). */
export const DEFAULT_FRAME_SIZE: number = 256 * 1024;
