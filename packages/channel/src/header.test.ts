import { describe, expect, it } from 'vitest';
import { FLAG_BATCH, FLAG_COMPRESSED, FLAG_FINAL, HEADER_SIZE } from './constants.js';
import { encodeFrameHeader, encodeFrames } from './header.js';

const hex = (parts: Uint8Array[]): string => Buffer.concat(parts).toString('hex');

describe('encodeFrames', () => {
  it('frames "hello" as version, flags FINAL, u32 length, payload (the README example)', () => {
    expect(hex(encodeFrames(Buffer.from('hello'), 0))).toBe('02010000000568656c6c6f');
  });

  it('frames the empty message as a bare final header', () => {
    expect(hex(encodeFrames(new Uint8Array(0), 0))).toBe('020100000000');
  });

  it('chunks a large payload into frames continued until the final flag, the first announcing the total, without copying', () => {
    const payload = Buffer.alloc(50_000, 7);
    const parts = encodeFrames(payload, FLAG_COMPRESSED, 20_000);
    expect(parts).toHaveLength(6);
    const headers = [parts[0], parts[2], parts[4]].map((h) => Buffer.from(h!).toString('hex'));
    expect(headers).toEqual(['024400004e20000000000000c350', '020400004e20', '020500002710']);
    // Payload pieces are views of the input.
    expect(parts[1]!.buffer).toBe(payload.buffer);
  });

  it('keeps only message flags: a caller cannot smuggle FINAL, SIZED or CONTROL bits', () => {
    const [frame] = encodeFrames(Buffer.from('x'), 0xc0 | FLAG_FINAL | FLAG_BATCH);
    expect(frame![1]).toBe(FLAG_BATCH | FLAG_FINAL);
  });

  it('rejects lengths the u32 field cannot carry', () => {
    expect(() => encodeFrameHeader(0, 2 ** 32)).toThrow(RangeError);
    expect(encodeFrameHeader(0, 2 ** 32 - 1)).toHaveLength(HEADER_SIZE);
  });
});
