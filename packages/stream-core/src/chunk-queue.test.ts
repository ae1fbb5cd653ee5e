import { describe, expect, it } from 'vitest';
import { ChunkQueue } from './chunk-queue.js';

describe('ChunkQueue', () => {
  it('takes from one chunk as a view (no copy) and across chunks as exactly the bytes asked', () => {
    const first = Buffer.from('abcdef');
    const queue = new ChunkQueue();
    queue.push(first);
    queue.push(Buffer.from('gh'));
    queue.push(Buffer.alloc(0));
    expect(queue.length).toBe(8);
    const view = queue.take(2);
    expect(view.toString()).toBe('ab');
    expect(view.buffer).toBe(first.buffer); // a view into the pushed chunk
    expect(queue.take(5).toString()).toBe('cdefg');
    expect(queue.length).toBe(1);
    expect(queue.take(100).toString()).toBe('h');
    expect(queue.take(1)).toHaveLength(0);
    expect(queue.length).toBe(0);
  });

  it('takeChunk() hands out the front chunk whole, or its first max bytes', () => {
    const queue = new ChunkQueue();
    queue.push(Buffer.from('12345'));
    queue.push(Buffer.from('678'));
    expect(queue.takeChunk(2).toString()).toBe('12');
    expect(queue.takeChunk().toString()).toBe('345');
    expect(queue.takeChunk().toString()).toBe('678');
    expect(queue.takeChunk()).toHaveLength(0);
  });

  it('keeps order over many pushes and takes (compaction)', () => {
    const queue = new ChunkQueue();
    let expected = '';
    let got = '';
    for (let i = 0; i < 5000; i++) {
      const piece = `${i};`;
      expected += piece;
      queue.push(Buffer.from(piece));
      if (i % 3 === 0) got += queue.take(7).toString();
    }
    while (queue.length > 0) got += queue.takeChunk().toString();
    expect(got).toBe(expected);
  });
});
