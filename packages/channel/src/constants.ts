// Wire-format constants (from the browser-safe `wire/` entry) and the channel's defaults,
// the seed's among them (they live in the package that uses them).

export {
  ALGORITHM_MASK,
  ALGORITHM_SHIFT,
  CONTROL_ALERT,
  CONTROL_CLOSE,
  CONTROL_HANDSHAKE,
  CONTROL_HELLO,
  CONTROL_REKEY,
  DEFAULT_FRAME_SIZE,
  DEFAULT_MAX_MESSAGE_SIZE,
  FLAG_BATCH,
  FLAG_COMPRESSED,
  FLAG_CONTROL,
  FLAG_ENCRYPTED,
  FLAG_FINAL,
  FLAG_SIZED,
  HEADER_SIZE,
  MAX_CONTROL_PAYLOAD,
  MAX_FRAME_PAYLOAD,
  MAX_HEADER_SIZE,
  MESSAGE_FLAGS,
  TOTAL_SIZE_BYTES,
  WIRE_VERSION,
} from './wire/constants.js';

/** Default size below which messages are sent uncompressed. */
export const DEFAULT_COMPRESSION_THRESHOLD = 512;
/** Default largest message that joins a batch; larger ones flush the batch and go alone. */
export const DEFAULT_BATCH_MAX_MESSAGE: number = 64 * 1024;
/** The seed's default number of messages per batch. */
export const DEFAULT_BATCH_SIZE = 10;
/** The seed's default longest wait of a message for its batch, in seconds (0.1 s). */
export const DEFAULT_BATCH_TIMEOUT = 0.1;
/** The seed's default compression level. */
export const DEFAULT_COMPRESSION_LEVEL = 6;
