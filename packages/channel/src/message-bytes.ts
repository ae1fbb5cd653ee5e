// A message is bytes or text; text goes on the wire as UTF-8.

/** `message` as bytes: a Uint8Array as it is, a string as UTF-8. */
export function toBytes(message: Uint8Array | string): Uint8Array {
  if (typeof message === 'string') return Buffer.from(message, 'utf8');
  if (message instanceof Uint8Array) return message;
  throw new TypeError('a message must be a Uint8Array or a string');
}
