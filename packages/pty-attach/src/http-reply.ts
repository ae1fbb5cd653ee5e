// An incremental parser of the engine's HTTP/1.1 replies to the requests this package sends
// itself (attach / exec-start upgrades and the container wait). Written here rather than
// taken from node:http because the session's socket must read through `onread` into memory
// the session chooses from its first byte (no buffer allocated per read, see SocketReads),
// and node:http only reads through 'data' events. Bounded everywhere: the head, the body in
// every transfer encoding, each chunk-size line; nothing is re-parsed when more arrives.
import { BufferOverflowError, ProtocolError } from '@sluice/stream-core';

/** Default cap of a reply head, in bytes. */
export const MAX_REPLY_HEAD: number = 64 * 1024;
/** Default cap of a reply body this package reads (an error message, a wait result), in bytes. */
export const MAX_REPLY_BODY: number = 1024 * 1024;
// A chunk-size line is hex digits plus extensions; longer than this is not a chunk size.
const MAX_CHUNK_LINE = 1024;

/** The status line and headers of a reply. */
export interface ReplyHead {
  status: number;
  /** Header names in lower case. */
  headers: Map<string, string>;
}

type State =
  | 'head'
  | 'length'
  | 'chunk-size'
  | 'chunk-data'
  | 'chunk-crlf'
  | 'trailer'
  | 'eof'
  | 'done';

/** Options of a `ReplyParser`. */
export interface ReplyParserOptions {
  /** Cap of the head, in bytes. Default `MAX_REPLY_HEAD`. */
  maxHead?: number;
  /** Cap of the body, in bytes. Default `MAX_REPLY_BODY`. */
  maxBody?: number;
}

/**
 * Feeds on the bytes of one reply. After the head, `head` is set; a 101 (or any reply when
 * only the head is wanted) leaves the bytes after it in `rest`. The body is collected up to
 * `maxBody`; past it, `push` throws `BufferOverflowError` (with what was kept in `body`).
 */
export class ReplyParser {
  head: ReplyHead | undefined;
  /** Bytes after the head of a 101 reply (they belong to the upgraded stream). */
  rest: Buffer = Buffer.alloc(0);
  readonly #maxHead: number;
  readonly #maxBody: number;
  #state: State = 'head';
  #headBuf: Buffer = Buffer.alloc(0);
  #headLength = 0;
  #line: Buffer[] = [];
  #lineLength = 0;
  #remaining = 0;
  #body: Buffer[] = [];
  #bodyLength = 0;
  #offset = 0;

  constructor(options: ReplyParserOptions = {}) {
    this.#maxHead = options.maxHead ?? MAX_REPLY_HEAD;
    this.#maxBody = options.maxBody ?? MAX_REPLY_BODY;
  }

  /** True once the whole body has arrived (or the head of a 101, which has none). */
  get done(): boolean {
    return this.#state === 'done';
  }

  /** The body collected so far. */
  get body(): Buffer {
    if (this.#body.length > 1) this.#body = [Buffer.concat(this.#body)];
    return this.#body[0] ?? Buffer.alloc(0);
  }

  /** Takes the next bytes of the reply. */
  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length && this.#state !== 'done') {
      const before = pos;
      pos = this.#step(chunk, pos);
      this.#offset += pos - before;
    }
  }

  /** The connection ended: a body delimited by the close is complete, anything else truncated. */
  end(): void {
    if (this.#state === 'eof') this.#state = 'done';
    if (this.#state === 'done') return;
    throw new ProtocolError(
      this.#state === 'head'
        ? 'the engine closed the connection before replying'
        : 'the engine closed the connection in the middle of its reply',
      { offset: this.#offset },
    );
  }

  #step(chunk: Buffer, pos: number): number {
    switch (this.#state) {
      case 'head':
        return this.#readHead(chunk, pos);
      case 'length':
      case 'eof': {
        const n =
          this.#state === 'eof'
            ? chunk.length - pos
            : Math.min(this.#remaining, chunk.length - pos);
        this.#keep(chunk.subarray(pos, pos + n));
        this.#remaining -= n;
        if (this.#state === 'length' && this.#remaining === 0) this.#state = 'done';
        return pos + n;
      }
      case 'chunk-size':
      case 'chunk-crlf':
      case 'trailer': {
        const eol = chunk.indexOf(0x0a, pos);
        const end = eol < 0 ? chunk.length : eol + 1;
        this.#lineLength += end - pos;
        if (this.#lineLength > MAX_CHUNK_LINE) {
          throw new ProtocolError(`a chunk-size line longer than ${MAX_CHUNK_LINE} bytes`, {
            offset: this.#offset,
          });
        }
        this.#line.push(chunk.subarray(pos, end));
        if (eol >= 0) this.#lineDone();
        return end;
      }
      case 'chunk-data': {
        const n = Math.min(this.#remaining, chunk.length - pos);
        this.#keep(chunk.subarray(pos, pos + n));
        this.#remaining -= n;
        if (this.#remaining === 0) this.#state = 'chunk-crlf';
        return pos + n;
      }
      default:
        return chunk.length;
    }
  }

  #lineDone(): void {
    const line = Buffer.concat(this.#line)
      .toString('latin1')
      .replace(/\r?\n$/, '');
    this.#line = [];
    this.#lineLength = 0;
    if (this.#state === 'chunk-crlf') {
      if (line !== '')
        throw new ProtocolError('chunk data longer than its size', { offset: this.#offset });
      this.#state = 'chunk-size';
      return;
    }
    if (this.#state === 'trailer') {
      if (line === '') this.#state = 'done';
      return;
    }
    const hex = line.split(';', 1)[0]!.trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) {
      throw new ProtocolError(`not a chunk size: ${JSON.stringify(line.slice(0, 40))}`, {
        offset: this.#offset,
      });
    }
    const size = Number.parseInt(hex, 16);
    if (size === 0) this.#state = 'trailer';
    else {
      this.#remaining = size;
      this.#state = 'chunk-data';
    }
  }

  #keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const room = this.#maxBody - this.#bodyLength;
    if (bytes.length > room) {
      if (room > 0) this.#body.push(Buffer.from(bytes.subarray(0, room)));
      this.#bodyLength = this.#maxBody;
      throw new BufferOverflowError(
        `the engine's reply body is longer than ${this.#maxBody} bytes`,
        {
          limit: this.#maxBody,
        },
      );
    }
    // Copied: the caller's read buffer may be reused.
    this.#body.push(Buffer.from(bytes));
    this.#bodyLength += bytes.length;
  }

  #readHead(chunk: Buffer, pos: number): number {
    const part = chunk.subarray(pos);
    const had = this.#headLength;
    // One growing buffer, searched only where the end could be: no re-parse per chunk.
    const add = Math.min(part.length, this.#maxHead - had);
    if (had + add > this.#headBuf.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.#maxHead, Math.max(256, (had + add) * 2)));
      this.#headBuf.copy(grown, 0, 0, had);
      this.#headBuf = grown;
    }
    part.copy(this.#headBuf, had, 0, add);
    this.#headLength = had + add;
    const found = this.#headBuf
      .subarray(0, this.#headLength)
      .indexOf('\r\n\r\n', Math.max(0, had - 3));
    if (found < 0) {
      if (this.#headLength >= this.#maxHead) {
        throw new ProtocolError(`the engine's reply head is longer than ${this.#maxHead} bytes`, {
          offset: this.#offset + add,
        });
      }
      return chunk.length;
    }
    const take = found + 4 - had;
    const text = this.#headBuf.toString('latin1', 0, found);
    this.#headBuf = Buffer.alloc(0);
    this.#headLength = 0;
    this.head = parseHead(text);
    this.#startBody(this.head);
    if (this.head.status === 101) {
      this.rest = Buffer.from(part.subarray(take));
      return chunk.length;
    }
    return pos + take;
  }

  #startBody(head: ReplyHead): void {
    if (head.status === 101 || head.status === 204 || head.status === 304) {
      this.#state = 'done';
      return;
    }
    const encoding = head.headers.get('transfer-encoding');
    if (encoding !== undefined && /chunked/i.test(encoding)) {
      this.#state = 'chunk-size';
      return;
    }
    const length = head.headers.get('content-length');
    if (length !== undefined) {
      if (!/^\d{1,15}$/.test(length)) {
        throw new ProtocolError(`not a Content-Length: ${JSON.stringify(length.slice(0, 40))}`);
      }
      this.#remaining = Number(length);
      this.#state = this.#remaining === 0 ? 'done' : 'length';
      return;
    }
    this.#state = 'eof';
  }
}

function parseHead(text: string): ReplyHead {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
  if (!m) throw new ProtocolError(`not an HTTP reply: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { status: Number(m[1]), headers };
}
