/**
 * The typed messages of a remote terminal session, as bytes: what a browser (or a remote
 * `sluice connect -t`) and a server exchange inside each channel message. Browser-safe: plain
 * `Uint8Array` and `DataView`; the only import is stream-core's error class, which a bundler
 * takes alone (`sideEffects: false`).
 *
 * Every message is one type byte and a body:
 *
 * | type | name   | direction | body                                                       |
 * | ---- | ------ | --------- | ---------------------------------------------------------- |
 * | 0x01 | input  | → server  | keystroke / paste bytes                                    |
 * | 0x02 | output | → client  | screen bytes, as the process wrote them (never re-decoded) |
 * | 0x03 | resize | both      | rows u16 BE, cols u16 BE (first message of a client)       |
 * | 0x04 | exit   | → client  | exit code i32 BE, then an optional UTF-8 reason            |
 * | 0x05 | pause  | → server  | empty: stop sending output, the screen is behind           |
 * | 0x06 | resume | → server  | empty: the screen caught up                                |
 * | 0x07 | ping   | both      | id u32 BE                                                  |
 * | 0x08 | pong   | both      | the ping's id u32 BE                                       |
 * | 0x09 | hello  | both      | UTF-8 JSON object: what each side is and supports          |
 * | 0x0a | notice | → client  | level u8 (0 info, 1 warning, 2 error), then UTF-8 text     |
 *
 * Types 0x10–0x1f are reserved for file transfer, 0x20–0x7f for later session types, and
 * 0x80–0xff for applications. A receiver decodes an unknown type as `{ type: 'unknown' }`
 * and may ignore it, so older peers keep working when newer ones add types.
 * @module
 */
import { ProtocolError } from '@sluice/stream-core';

/** The type byte of each message. */
export const TERMINAL_MESSAGE_TYPES: {
  readonly input: 0x01;
  readonly output: 0x02;
  readonly resize: 0x03;
  readonly exit: 0x04;
  readonly pause: 0x05;
  readonly resume: 0x06;
  readonly ping: 0x07;
  readonly pong: 0x08;
  readonly hello: 0x09;
  readonly notice: 0x0a;
} = {
  input: 0x01,
  output: 0x02,
  resize: 0x03,
  exit: 0x04,
  pause: 0x05,
  resume: 0x06,
  ping: 0x07,
  pong: 0x08,
  hello: 0x09,
  notice: 0x0a,
};

/** Severity of a `notice`, in wire order. */
export const NOTICE_LEVELS: readonly ['info', 'warning', 'error'] = ['info', 'warning', 'error'];
/** Severity of a `notice`. */
export type NoticeLevel = (typeof NOTICE_LEVELS)[number];

/** One message of a terminal session. */
export type TerminalMessage =
  | { type: 'input'; data: Uint8Array }
  | { type: 'output'; data: Uint8Array }
  | { type: 'resize'; rows: number; cols: number }
  | { type: 'exit'; code: number; reason?: string }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'ping'; id: number }
  | { type: 'pong'; id: number }
  | { type: 'hello'; info: Record<string, unknown> }
  | { type: 'notice'; level: NoticeLevel; text: string }
  /** A type this version does not know: skip it. */
  | { type: 'unknown'; code: number; body: Uint8Array };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function withType(code: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + body.length);
  out[0] = code;
  out.set(body, 1);
  return out;
}

function u32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new RangeError(`${what} must be an integer in 0..4294967295, got ${value}`);
  }
  return value;
}

function dimension(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 0xffff) {
    throw new RangeError(`${what} must be an integer in 1..65535, got ${value}`);
  }
  return value;
}

function fixed(code: number, bytes: number, fill: (view: DataView) => void): Uint8Array {
  const out = new Uint8Array(1 + bytes);
  out[0] = code;
  fill(new DataView(out.buffer, 1, bytes));
  return out;
}

/** The bytes of `message` (a new buffer; `input`/`output` data is copied behind the type byte). */
export function encodeTerminalMessage(message: TerminalMessage): Uint8Array {
  const t = TERMINAL_MESSAGE_TYPES;
  switch (message.type) {
    case 'input':
      return withType(t.input, message.data);
    case 'output':
      return withType(t.output, message.data);
    case 'resize': {
      const rows = dimension(message.rows, 'resize rows');
      const cols = dimension(message.cols, 'resize cols');
      return fixed(t.resize, 4, (v) => {
        v.setUint16(0, rows);
        v.setUint16(2, cols);
      });
    }
    case 'exit': {
      if (!Number.isInteger(message.code) || message.code < -(2 ** 31) || message.code >= 2 ** 31) {
        throw new RangeError(`exit code must be a 32-bit integer, got ${message.code}`);
      }
      const reason = encoder.encode(message.reason ?? '');
      const out = fixed(t.exit, 4 + reason.length, (v) => v.setInt32(0, message.code));
      out.set(reason, 5);
      return out;
    }
    case 'pause':
      return Uint8Array.of(t.pause);
    case 'resume':
      return Uint8Array.of(t.resume);
    case 'ping':
    case 'pong': {
      const id = u32(message.id, `${message.type} id`);
      return fixed(t[message.type], 4, (v) => v.setUint32(0, id));
    }
    case 'hello':
      if (
        typeof message.info !== 'object' ||
        message.info === null ||
        Array.isArray(message.info)
      ) {
        throw new TypeError('hello info must be a plain object');
      }
      return withType(t.hello, encoder.encode(JSON.stringify(message.info)));
    case 'notice': {
      const level = NOTICE_LEVELS.indexOf(message.level);
      if (level < 0) throw new TypeError(`unknown notice level: ${String(message.level)}`);
      const text = encoder.encode(message.text);
      const out = new Uint8Array(2 + text.length);
      out[0] = t.notice;
      out[1] = level;
      out.set(text, 2);
      return out;
    }
    case 'unknown': {
      if (!Number.isInteger(message.code) || message.code < 0x10 || message.code > 0xff) {
        throw new RangeError(`an extension type must be in 0x10..0xff, got ${message.code}`);
      }
      return withType(message.code, message.body);
    }
    default:
      throw new TypeError(
        `unknown terminal message type: ${String((message as { type: unknown }).type)}`,
      );
  }
}

/**
 * An `input` or `output` message whose data is `parts` joined, built with one copy (no
 * joined buffer first): for a server that gathers several reads into one message.
 */
export function encodeTerminalData(
  type: 'input' | 'output',
  parts: readonly Uint8Array[],
): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(1 + length);
  out[0] = TERMINAL_MESSAGE_TYPES[type];
  let at = 1;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function expectLength(bytes: Uint8Array, name: string, length: number): DataView {
  if (bytes.length !== 1 + length) {
    throw new ProtocolError(
      `a terminal ${name} message has ${length} body bytes, this one ${bytes.length - 1}`,
      { offset: 1 },
    );
  }
  return new DataView(bytes.buffer, bytes.byteOffset + 1, length);
}

function text(bytes: Uint8Array, name: string, offset: number): string {
  try {
    return decoder.decode(bytes.subarray(offset));
  } catch (cause) {
    throw new ProtocolError(`the text of a terminal ${name} message is not valid UTF-8`, {
      offset,
      cause,
    });
  }
}

/**
 * The message in `bytes` (one whole channel message). `input`/`output` data is a view of
 * `bytes`, not a copy. Malformed bodies of known types are a `ProtocolError` with the offset.
 */
export function decodeTerminalMessage(bytes: Uint8Array): TerminalMessage {
  if (bytes.length === 0) {
    throw new ProtocolError('an empty terminal message has no type byte', { offset: 0 });
  }
  const t = TERMINAL_MESSAGE_TYPES;
  const code = bytes[0] as number;
  switch (code) {
    case t.input:
      return { type: 'input', data: bytes.subarray(1) };
    case t.output:
      return { type: 'output', data: bytes.subarray(1) };
    case t.resize: {
      const v = expectLength(bytes, 'resize', 4);
      const rows = v.getUint16(0);
      const cols = v.getUint16(2);
      if (rows === 0 || cols === 0) {
        throw new ProtocolError(`a terminal resize to ${rows}x${cols} has a zero side`, {
          offset: rows === 0 ? 1 : 3,
        });
      }
      return { type: 'resize', rows, cols };
    }
    case t.exit: {
      if (bytes.length < 5) {
        throw new ProtocolError(
          `a terminal exit message needs a 4-byte code, this one has ${bytes.length - 1} bytes`,
          { offset: 1 },
        );
      }
      const exitCode = new DataView(bytes.buffer, bytes.byteOffset + 1, 4).getInt32(0);
      const reason = text(bytes, 'exit', 5);
      return reason ? { type: 'exit', code: exitCode, reason } : { type: 'exit', code: exitCode };
    }
    case t.pause:
      expectLength(bytes, 'pause', 0);
      return { type: 'pause' };
    case t.resume:
      expectLength(bytes, 'resume', 0);
      return { type: 'resume' };
    case t.ping:
      return { type: 'ping', id: expectLength(bytes, 'ping', 4).getUint32(0) };
    case t.pong:
      return { type: 'pong', id: expectLength(bytes, 'pong', 4).getUint32(0) };
    case t.hello: {
      let info: unknown;
      try {
        info = JSON.parse(text(bytes, 'hello', 1));
      } catch (cause) {
        if (cause instanceof ProtocolError) throw cause;
        throw new ProtocolError('a terminal hello message is not JSON', { offset: 1, cause });
      }
      if (typeof info !== 'object' || info === null || Array.isArray(info)) {
        throw new ProtocolError('a terminal hello message is not a JSON object', { offset: 1 });
      }
      return { type: 'hello', info: info as Record<string, unknown> };
    }
    case t.notice: {
      const level = NOTICE_LEVELS[bytes[1] ?? 0xff];
      if (level === undefined) {
        throw new ProtocolError(`a terminal notice has an unknown level ${bytes[1]}`, {
          offset: 1,
        });
      }
      return { type: 'notice', level, text: text(bytes, 'notice', 2) };
    }
    default:
      return { type: 'unknown', code, body: bytes.subarray(1) };
  }
}
