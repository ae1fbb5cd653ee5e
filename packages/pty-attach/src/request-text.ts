// The bytes of a request this package sends itself: the whole head and the exact body in one
// write, with `Content-Length` always (0 for none), so nothing after the head can be taken
// for stdin (dockerode #777).

/** One request to the engine. */
export interface EngineRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path with its query, without the prefix. */
  path: string;
  /** JSON body; omitted means no body bytes at all (`Content-Length: 0`). */
  body?: unknown;
  /** Ask for the connection to be hijacked (`Connection: Upgrade`, `Upgrade: tcp`). */
  upgrade?: boolean;
}

/** The request's bytes, `prefix` before its path, `headers` added. */
export function requestText(
  request: EngineRequest,
  prefix: string,
  headers: Readonly<Record<string, string>>,
): string {
  const payload = request.body === undefined ? '' : JSON.stringify(request.body);
  const lines = [`${request.method} ${prefix}${request.path} HTTP/1.1`, 'Host: docker'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (request.upgrade) lines.push('Connection: Upgrade', 'Upgrade: tcp');
  if (payload) lines.push('Content-Type: application/json');
  lines.push(`Content-Length: ${Buffer.byteLength(payload)}`);
  return `${lines.join('\r\n')}\r\n\r\n${payload}`;
}
