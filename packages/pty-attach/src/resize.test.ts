import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isUsableSize, resizeWithRetries } from './resize.js';

describe('resizeWithRetries', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries up to 10 times, sleeping (n+1)×10 ms, then gives up', async () => {
    const resize = vi.fn(() => Promise.reject(new Error('no tty yet')));
    const result = resizeWithRetries(resize, { rows: 20, cols: 70 });
    await vi.runAllTimersAsync();
    expect(await result).toBe(false);
    expect(resize).toHaveBeenCalledTimes(11);
  });

  it('stops at the first success', async () => {
    let calls = 0;
    const resize = vi.fn(() => (++calls < 3 ? Promise.reject(new Error('x')) : Promise.resolve()));
    const result = resizeWithRetries(resize, { rows: 20, cols: 70 });
    await vi.advanceTimersByTimeAsync(10 + 20);
    expect(await result).toBe(true);
    expect(resize).toHaveBeenCalledTimes(3);
  });

  it('never sends 0×0', () => {
    expect(isUsableSize({ rows: 0, cols: 0 })).toBe(false);
    expect(isUsableSize({ rows: 24, cols: 0 })).toBe(false);
    expect(isUsableSize({ rows: 24, cols: 80 })).toBe(true);
  });
});
