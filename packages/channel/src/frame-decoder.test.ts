import { BufferOverflowError, ConnectionLostError, ProtocolError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, type RawMessage } from './frame-decoder.js';
import { encodeFrames } from './header.js';

function drain(decoder: FrameDecoder): RawMessage[] {
  const out: RawMessage[] = [];
  for (let m = decoder.shift(); m; m = decoder.shift()) out.push(m);
  return out;
}

function errorOf(bytes: Uint8Array, maxMessageSize?: number): unknown {
  const decoder = new FrameDecoder(maxMessageSize === undefined ? {} : { maxMessageSize });
  decoder.push(bytes);
  try {
    drain(decoder);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('FrameDecoder', () => {
  it('decodes messages split at every possible point', () => {
    const wire = Buffer.concat([
      ...encodeFrames(Buffer.from('hello'), 0),
      ...encodeFrames(Buffer.alloc(0), 0),
      ...encodeFrames(Buffer.alloc(100, 1), 0, 30),
    ]);
    for (let split = 0; split <= wire.length; split++) {
      const decoder = new FrameDecoder();
      decoder.push(wire.subarray(0, split));
      decoder.push(wire.subarray(split));
      const got = drain(decoder).map((m) => Buffer.from(m.payload));
      expect(got).toEqual([Buffer.from('hello'), Buffer.alloc(0), Buffer.alloc(100, 1)]);
      expect(decoder.midMessage).toBe(false);
    }
  });

  it('hands a single-frame payload out as a view of the input (no copy)', () => {
    const wire = Buffer.concat(encodeFrames(Buffer.alloc(70_000, 3), 0));
    const decoder = new FrameDecoder();
    decoder.push(wire);
    expect(decoder.shift()!.payload.buffer).toBe(wire.buffer);
  });

  it('rejects a frame announcing 2^32-1 bytes from its header alone, before allocating', () => {
    const header = Buffer.from('0201ffffffff', 'hex');
    const before = process.memoryUsage().arrayBuffers;
    const error = errorOf(header);
    expect(error).toBeInstanceOf(BufferOverflowError);
    expect(error).toMatchObject({ limit: 64 * 1024 * 1024, size: 2 ** 32 - 1 });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1024 * 1024);
  });

  it('counts continuation frames against the cap before taking their payload', () => {
    const wire = Buffer.concat(encodeFrames(Buffer.alloc(100), 0, 40));
    expect(errorOf(wire, 99)).toBeInstanceOf(BufferOverflowError);
    expect(errorOf(wire, 100)).toBeUndefined();
  });

  it.each([
    ['an unknown version', '0301000000', 0, /version 3/],
    ['a version-1 peer, naming both versions', '0101000000', 0, /wire version 1.*version 2/],
    ['the encryption flag without a key', '0209000000', 1, /flags 0x09.*no key/],
    ['algorithm bits without compression', '0211000000', 1, /algorithm/],
    ['the reserved algorithm', '0235000000', 1, /algorithm/],
    ['a chunked message without its total size', '0200000000', 1, /total size/],
    ['an empty non-final frame', '02400000000000000000000000', 2, /empty frame/],
    ['a control frame that is not final', '0280000000', 1, /control frame/],
  ])('rejects %s with a ProtocolError and its offset', (_name, hexBytes, at, message) => {
    const prefix = Buffer.concat(encodeFrames(Buffer.from('ok'), 0));
    const decoder = new FrameDecoder();
    decoder.push(Buffer.concat([prefix, Buffer.from(`${hexBytes}00`, 'hex')]));
    expect(Buffer.from(decoder.shift()!.payload).toString()).toBe('ok');
    let error: unknown;
    try {
      decoder.shift();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).offset).toBe(prefix.length + at);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects continuation frames whose message flags change mid-message', () => {
    const wire = Buffer.from('024000000001' + '0000000000000002' + 'aa' + '020300000001bb', 'hex');
    expect(errorOf(wire)).toBeInstanceOf(ProtocolError);
  });

  it('reports input that ends inside a frame as a ConnectionLostError at end()', () => {
    const decoder = new FrameDecoder();
    decoder.push(Buffer.from('02010000000568656c', 'hex'));
    expect(decoder.shift()).toBeUndefined();
    decoder.end();
    expect(() => decoder.shift()).toThrow(ConnectionLostError);
    expect(() => decoder.shift()).toThrow(/ended inside a frame/);
  });
});
