import { describe, expect, it } from 'vitest';
import { main } from './index.js';

function capture(): {
  io: { out: (t: string) => void; err: (t: string) => void };
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, out, err };
}

describe('sluice command', () => {
  it('prints its version', async () => {
    const c = capture();
    expect(await main(['--version'], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/^sluice \d+\.\d+\.\d+\n$/);
  });

  it('rejects an unknown command with usage and exit code 125, like docker', async () => {
    const c = capture();
    expect(await main(['frobnicate'], c.io)).toBe(125);
    expect(c.err.join('')).toContain("unknown command 'frobnicate'");
    expect(c.err.join('')).toContain('usage: sluice');
  });
});
