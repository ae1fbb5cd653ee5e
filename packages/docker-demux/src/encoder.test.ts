import { BufferOverflowError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { frame } from '../test/helpers.js';
import { encodeFrame, encodeHeader, mux } from './encoder.js';
import { MuxStream } from './mux-stream.js';

describe('encoder', () => {
  it('writes the stdcopy header', () => {
    expect(encodeHeader(2, 0x01020304)).toEqual(Buffer.from([2, 0, 0, 0, 1, 2, 3, 4]));
    expect(encodeFrame(1, 'hi')).toEqual(frame(1, 'hi'));
  });

  it('splits payloads above the maximum', () => {
    expect(mux(2, 'abcdefg', 3)).toEqual(
      Buffer.concat([frame(2, 'abc'), frame(2, 'def'), frame(2, 'g')]),
    );
    expect(mux(1, '')).toEqual(Buffer.alloc(0));
  });

  it('refuses ids and lengths the protocol cannot carry', () => {
    expect(() => encodeHeader(4, 1)).toThrow(RangeError);
    expect(() => encodeHeader('1' as never, 1)).toThrow(TypeError);
    expect(() => encodeHeader(1, 2 ** 32)).toThrow(BufferOverflowError);
    expect(() => mux(1, 'x', 0)).toThrow(RangeError);
  });

  it('MuxStream frames what is written, splitting long writes', async () => {
    const stream = new MuxStream({ maxPayload: 4 });
    const out: Buffer[] = [];
    stream.on('data', (c: Buffer) => out.push(c));
    stream.writeFrame(1, 'hello');
    stream.write({ streamId: 2, payload: Buffer.from('oops') });
    stream.end();
    await new Promise((resolve) => stream.on('end', resolve));
    expect(Buffer.concat(out)).toEqual(
      Buffer.concat([frame(1, 'hell'), frame(1, 'o'), frame(2, 'oops')]),
    );
  });

  it('MuxStream fails on a bad stream id', async () => {
    const stream = new MuxStream();
    const failed = new Promise((resolve) => stream.on('error', resolve));
    stream.writeFrame(9, 'x');
    await expect(failed).resolves.toBeInstanceOf(RangeError);
  });
});
