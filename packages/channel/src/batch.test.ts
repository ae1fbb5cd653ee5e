import { ProtocolError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, MAX_BATCH_MESSAGES } from './batch.js';

describe('batch payload', () => {
  it('round-trips messages, including empty ones, in order', () => {
    const messages = [Buffer.from('hi'), Buffer.alloc(0), Buffer.from('yo')];
    const payload = encodeBatch(messages);
    expect(Buffer.from(payload).toString('hex')).toBe('0000000268690000000000000002796f');
    expect(decodeBatch(payload).map((m) => Buffer.from(m).toString())).toEqual(['hi', '', 'yo']);
  });

  it('rejects a truncated entry with a ProtocolError carrying the frame offset', () => {
    const payload = encodeBatch([Buffer.from('hello')]).subarray(0, 7);
    expect(() => decodeBatch(payload, 42)).toThrow(ProtocolError);
    try {
      decodeBatch(payload, 42);
    } catch (error) {
      expect((error as ProtocolError).offset).toBe(42);
    }
    expect(() => decodeBatch(new Uint8Array([0, 0]))).toThrow(/header truncated/);
  });

  it('caps the number of entries, so a few bytes cannot become millions of views', () => {
    const empties = new Uint8Array(4 * (MAX_BATCH_MESSAGES + 1));
    expect(() => decodeBatch(empties)).toThrow(/more than 65536 messages/);
  });
});
