// What every write accepts: bytes or text, taken as a Buffer view without copying.

/** `data` as a Buffer: a view of a Uint8Array (no copy), or UTF-8 bytes of a string. */
export function toBuffer(data: Uint8Array | string): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('data must be a Uint8Array or a string');
}
