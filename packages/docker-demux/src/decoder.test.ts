import { BufferOverflowError, DaemonError, ProtocolError } from '@sluice/stream-core';
import { describe, expect, it, vi } from 'vitest';
import { frame, splitAt } from '../test/helpers.js';
import { DockerFrameDecoder } from './decoder.js';

type Got = [number, string][];

function decode(chunks: Uint8Array[], partial = false): { got: Got; error: unknown } {
  const got: Got = [];
  const decoder = new DockerFrameDecoder((id, p) => got.push([id, p.toString('latin1')]), {
    partial,
  });
  try {
    for (const c of chunks) decoder.push(c);
    decoder.end();
  } catch (error) {
    return { got, error };
  }
  return { got, error: undefined };
}

// dockerpty's fixture: two stdout frames, "foo" and "d".
const FOO_D = Buffer.concat([frame(1, 'foo'), frame(1, 'd')]);

describe('DockerFrameDecoder: the seed Demuxer scenarios', () => {
  it('decodes the foo,d fixture in one chunk', () => {
    expect(decode([FOO_D]).got).toEqual([
      [1, 'foo'],
      [1, 'd'],
    ]);
  });

  it.each([
    ['4+4', 4],
    ['2+6', 2],
  ])('keeps a header split %s across chunks', (_name, cut) => {
    const { got, error } = decode(splitAt(FOO_D, [cut, 8]));
    expect(error).toBeUndefined();
    expect(got).toEqual([
      [1, 'foo'],
      [1, 'd'],
    ]);
  });

  it('joins a payload split across chunks, or hands it out in pieces with partial', () => {
    const chunks = splitAt(FOO_D, [9, 10]);
    expect(decode(chunks).got).toEqual([
      [1, 'foo'],
      [1, 'd'],
    ]);
    expect(decode(chunks, true).got).toEqual([
      [1, 'f'],
      [1, 'o'],
      [1, 'o'],
      [1, 'd'],
    ]);
  });

  it('skips a zero-length frame: it is not the end of the stream', () => {
    expect(decode([Buffer.concat([frame(1, ''), frame(1, 'hi')])]).got).toEqual([[1, 'hi']]);
    expect(decode(splitAt(Buffer.concat([frame(2, ''), frame(1, 'hi')]), [3, 8, 9])).got).toEqual([
      [1, 'hi'],
    ]);
  });
});

describe('DockerFrameDecoder: protocol rules', () => {
  it('passes ids 0, 1 and 2 through with their payloads', () => {
    const input = Buffer.concat([frame(0, 'in!'), frame(1, 'out'), frame(2, 'err')]);
    expect(decode([input]).got).toEqual([
      [0, 'in!'],
      [1, 'out'],
      [2, 'err'],
    ]);
  });

  it('hands out payloads as views of the chunk when a frame lies inside it', () => {
    const input = Buffer.concat([frame(1, 'abc'), frame(2, 'defg')]);
    const views: Buffer[] = [];
    new DockerFrameDecoder((_id, p) => views.push(p)).push(input);
    expect(views.map((v) => [v.buffer === input.buffer, v.byteOffset - input.byteOffset])).toEqual([
      [true, 8],
      [true, 19],
    ]);
  });

  it('raises DaemonError for stream id 3 after delivering what came before', () => {
    const input = Buffer.concat([
      frame(1, 'before'),
      frame(3, 'daemon error\n'),
      frame(1, 'after'),
    ]);
    for (const chunks of [[input], splitAt(input, [20, 25])]) {
      const { got, error } = decode(chunks);
      expect(got).toEqual([[1, 'before']]);
      expect(error).toBeInstanceOf(DaemonError);
      expect((error as Error).message).toBe('daemon error');
    }
  });

  it('rejects an unknown stream id with the byte offset of its header', () => {
    const { got, error } = decode([Buffer.concat([frame(1, 'ok'), frame(7, 'x')])]);
    expect(got).toEqual([[1, 'ok']]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ offset: 10, message: expect.stringContaining('stream id 7') });
  });

  it('rejects non-zero reserved bytes, also in a header split across chunks', () => {
    const input = Buffer.concat([frame(2, 'abc'), frame(1, 'x', [0, 9, 0])]);
    const { error } = decode(splitAt(input, [13]));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ offset: 11, message: expect.stringContaining('00 09 00') });
  });

  it('rejects a frame over maxFrameSize before allocating anything', () => {
    // The inputs are made before the spy: Buffer.concat allocates with allocUnsafe on some
    // Node versions (24.11), and only the decoder's allocations count here.
    const header = Buffer.from([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    const tooLarge = frame(1, 'hello');
    const small = new DockerFrameDecoder(() => {}, { maxFrameSize: 4 });
    const spy = vi.spyOn(Buffer, 'allocUnsafe');
    try {
      const { error } = decode([header]);
      expect(error).toBeInstanceOf(BufferOverflowError);
      expect(error).toMatchObject({ limit: 64 * 1024 * 1024, size: 0xffffffff });
      expect(() => small.push(tooLarge)).toThrow(BufferOverflowError);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('reports a truncated payload after delivering the bytes that arrived', () => {
    const input = frame(2, 'partial payload').subarray(0, 8 + 7);
    for (const partial of [false, true]) {
      const { got, error } = decode(splitAt(input, [10]), partial);
      expect(got.map(([, p]) => p).join('')).toBe('partial');
      expect(got.every(([id]) => id === 2)).toBe(true);
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as Error).message).toMatch(/^truncated frame: 8 more bytes expected/);
    }
  });

  it('reports a truncated header', () => {
    const { got, error } = decode([Buffer.concat([frame(1, 'ok'), Buffer.from([1, 0, 0])])]);
    expect(got).toEqual([[1, 'ok']]);
    expect((error as Error).message).toMatch(/^truncated frame: 5 more bytes expected/);
    expect(error).toMatchObject({ offset: 13 });
  });

  it('stays failed after an error', () => {
    const decoder = new DockerFrameDecoder(() => {});
    expect(() => decoder.push(frame(9, 'x'))).toThrow(ProtocolError);
    expect(() => decoder.push(frame(1, 'x'))).toThrow(/stream id 9/);
  });

  it('decodes 1,000,000 one-byte frames in one 9 MB chunk with constant stack depth', () => {
    const one = frame(1, 'A');
    const input = Buffer.alloc(one.length * 1_000_000);
    for (let at = 0; at < input.length; at += one.length) one.copy(input, at);
    let count = 0;
    let bytes = 0;
    const decoder = new DockerFrameDecoder((id, p) => {
      count++;
      if (id === 1 && p[0] === 0x41) bytes += p.length;
    });
    decoder.push(input);
    decoder.end();
    expect([count, bytes, decoder.bytesConsumed]).toEqual([1_000_000, 1_000_000, 9_000_000]);
  });
});
