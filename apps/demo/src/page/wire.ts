// The page's side of the channel's wire format, through `@sluice/channel/wire` (browser-safe):
// whole messages out of WebSocket bytes (which arrive cut anywhere), and frames for the
// messages the page sends. The one page module that knows about frames.
import {
  ALGORITHM_MASK,
  encodeFrames,
  FLAG_BATCH,
  FLAG_COMPRESSED,
  FLAG_CONTROL,
  FLAG_ENCRYPTED,
  FrameDecoder,
} from '@sluice/channel/wire';

/** Largest message the page takes (a restored screen is the biggest), in bytes. */
const MAX_MESSAGE = 16 * 1024 * 1024;

/** One whole channel message as it came off the wire. */
export interface WireMessage {
  /** The payload, deflated (zlib format) when `compressed`. */
  payload: Uint8Array;
  /** The sender compressed it with deflate; inflate before use. */
  compressed: boolean;
}

/** Incremental reader: push received bytes, get the messages they complete. */
export class MessageReader {
  readonly #decoder = new FrameDecoder({ maxMessageSize: MAX_MESSAGE });

  /** The messages `chunk` completes; throws the wire's typed error on malformed input. */
  push(chunk: Uint8Array): WireMessage[] {
    this.#decoder.push(chunk);
    const out: WireMessage[] = [];
    for (let m = this.#decoder.shift(); m; m = this.#decoder.shift()) {
      // The server never batches, encrypts or sends control frames to the page, and only
      // ever deflates (algorithm 0): anything else is a server this page does not know.
      if (m.flags & (FLAG_BATCH | FLAG_ENCRYPTED | FLAG_CONTROL)) {
        throw new TypeError(`unexpected channel message flags 0x${m.flags.toString(16)}`);
      }
      const compressed = (m.flags & FLAG_COMPRESSED) !== 0;
      if (compressed && (m.flags & ALGORITHM_MASK) !== 0) {
        throw new TypeError('the server compressed with an algorithm other than deflate');
      }
      out.push({ payload: m.payload, compressed });
    }
    return out;
  }
}

/** One message as uncompressed frames, joined into one WebSocket message. */
export function encodeMessage(payload: Uint8Array): Uint8Array {
  const parts = encodeFrames(payload, 0);
  if (parts.length === 1) return parts[0] as Uint8Array;
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
