// Deflated messages, inflated by the browser itself (DecompressionStream), when it can.

/** True when this browser can inflate zlib data natively; only then is deflate offered. */
export function canInflate(): boolean {
  return typeof DecompressionStream === 'function';
}

/** The inflated bytes of a zlib-format (RFC 1950) message. */
export async function inflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
