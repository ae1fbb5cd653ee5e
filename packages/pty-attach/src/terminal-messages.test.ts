// The terminal-session messages: every type round-trips, the bytes are the documented ones,
// malformed bodies are ProtocolErrors with offsets, unknown types pass for later versions.
import { ProtocolError } from '@sluice/stream-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeTerminalMessage,
  encodeTerminalData,
  encodeTerminalMessage,
  type TerminalMessage,
} from './terminal-messages.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('terminal messages', () => {
  it('encode to the documented bytes', () => {
    expect(hex(encodeTerminalMessage({ type: 'input', data: Uint8Array.of(0x6c, 0x73) }))).toBe(
      '016c73',
    );
    expect(hex(encodeTerminalMessage({ type: 'resize', rows: 24, cols: 80 }))).toBe('0300180050');
    expect(hex(encodeTerminalMessage({ type: 'exit', code: 5 }))).toBe('0400000005');
    expect(hex(encodeTerminalMessage({ type: 'exit', code: -1, reason: 'x' }))).toBe(
      '04ffffffff78',
    );
    expect(hex(encodeTerminalMessage({ type: 'pause' }))).toBe('05');
    expect(hex(encodeTerminalMessage({ type: 'resume' }))).toBe('06');
    expect(hex(encodeTerminalMessage({ type: 'ping', id: 258 }))).toBe('0700000102');
    expect(hex(encodeTerminalMessage({ type: 'notice', level: 'warning', text: 'hi' }))).toBe(
      '0a016869',
    );
  });

  const message: fc.Arbitrary<TerminalMessage> = fc.oneof(
    fc.uint8Array().map((data) => ({ type: 'input' as const, data })),
    fc.uint8Array().map((data) => ({ type: 'output' as const, data })),
    fc
      .record({
        rows: fc.integer({ min: 1, max: 65535 }),
        cols: fc.integer({ min: 1, max: 65535 }),
      })
      .map((s) => ({ type: 'resize' as const, ...s })),
    fc
      .integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })
      .map((code) => ({ type: 'exit' as const, code })),
    fc.constant({ type: 'pause' as const }),
    fc.constant({ type: 'resume' as const }),
    fc.nat({ max: 0xffff_ffff }).map((id) => ({ type: 'ping' as const, id })),
    fc.nat({ max: 0xffff_ffff }).map((id) => ({ type: 'pong' as const, id })),
    fc.dictionary(fc.string(), fc.jsonValue()).map((info) => ({ type: 'hello' as const, info })),
    fc
      .record({ level: fc.constantFrom('info', 'warning', 'error' as const), text: fc.string() })
      .map((n) => ({ type: 'notice' as const, ...n })),
    fc
      .record({ code: fc.integer({ min: 0x10, max: 0xff }), body: fc.uint8Array() })
      .map((u) => ({ type: 'unknown' as const, ...u })),
  );

  it('round-trip, every type, any content', () => {
    fc.assert(
      fc.property(message, (m) => {
        const decoded = decodeTerminalMessage(encodeTerminalMessage(m));
        expect(JSON.parse(JSON.stringify(decoded))).toEqual(JSON.parse(JSON.stringify(m)));
      }),
    );
  });

  it('decode output as a view of the message, bytes untouched (no text decoding)', () => {
    // A UTF-8 character cut in half stays cut: the screen joins it, not the protocol.
    const bytes = encodeTerminalMessage({ type: 'output', data: Uint8Array.of(0xe2, 0x82) });
    const decoded = decodeTerminalMessage(bytes);
    expect(decoded.type === 'output' && [...decoded.data]).toEqual([0xe2, 0x82]);
    expect(decoded.type === 'output' && decoded.data.buffer).toBe(bytes.buffer);
  });

  it('refuse malformed bodies with a ProtocolError that says where', () => {
    const bad: Array<[string, number[], number]> = [
      ['empty', [], 0],
      ['short resize', [0x03, 0, 24], 1],
      ['zero rows', [0x03, 0, 0, 0, 80], 1],
      ['zero cols', [0x03, 0, 24, 0, 0], 3],
      ['short exit', [0x04, 0, 0], 1],
      ['pause with a body', [0x05, 1], 1],
      ['long ping', [0x07, 0, 0, 0, 0, 0], 1],
      ['hello not JSON', [0x09, 0x7b], 1],
      ['hello an array', [0x09, 0x5b, 0x5d], 1],
      ['hello not UTF-8', [0x09, 0xff], 1],
      ['notice level', [0x0a, 9, 0x41], 1],
      ['notice not UTF-8', [0x0a, 0, 0xc3], 2],
    ];
    for (const [what, bytes, offset] of bad) {
      let error: unknown;
      try {
        decodeTerminalMessage(Uint8Array.from(bytes));
      } catch (e) {
        error = e;
      }
      expect(error, what).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).offset, what).toBe(offset);
    }
  });

  it('decode any bytes to a message or a ProtocolError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeTerminalMessage(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });

  it('refuse out-of-range fields when encoding, naming them', () => {
    expect(() => encodeTerminalMessage({ type: 'resize', rows: 0, cols: 80 })).toThrow(
      /resize rows/,
    );
    expect(() => encodeTerminalMessage({ type: 'resize', rows: 24, cols: 70000 })).toThrow(
      RangeError,
    );
    expect(() => encodeTerminalMessage({ type: 'exit', code: 1.5 })).toThrow(/exit code/);
    expect(() => encodeTerminalMessage({ type: 'ping', id: -1 })).toThrow(/ping id/);
    expect(() =>
      encodeTerminalMessage({ type: 'unknown', code: 0x02, body: new Uint8Array() }),
    ).toThrow(RangeError);
    expect(() => encodeTerminalMessage({ type: 'nope' } as never)).toThrow(TypeError);
  });

  it('join data parts into one output or input message', () => {
    const joined = encodeTerminalData('output', [Uint8Array.of(0xe2, 0x82), Uint8Array.of(0xac)]);
    expect(hex(joined)).toBe('02e282ac');
    expect(decodeTerminalMessage(encodeTerminalData('input', []))).toEqual({
      type: 'input',
      data: new Uint8Array(0),
    });
  });

  it('pass unknown types through, so later types (file transfer) do not break older peers', () => {
    const decoded = decodeTerminalMessage(Uint8Array.of(0x10, 1, 2, 3));
    expect(decoded).toMatchObject({ type: 'unknown', code: 0x10 });
    expect(decoded.type === 'unknown' && [...decoded.body]).toEqual([1, 2, 3]);
  });
});
