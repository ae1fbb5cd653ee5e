import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hkdf2, hkdf3, hmac } from './hkdf.js';

describe('HMAC-SHA256 and HKDF', () => {
  it('HMAC equals Node’s createHmac for short, block-sized and long keys', () => {
    for (const size of [0, 1, 32, 63, 64, 65, 200]) {
      const key = randomBytes(size);
      const a = randomBytes(17);
      const b = randomBytes(100);
      expect(hmac(key, a, b)).toEqual(createHmac('sha256', key).update(a).update(b).digest());
    }
  });

  it('HMAC matches RFC 4231 test case 2', () => {
    const out = hmac(Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?'));
    expect(out.toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('HKDF outputs are RFC 5869 HKDF with empty info (T1, T2, T3)', () => {
    const ck = randomBytes(32);
    const ikm = randomBytes(32);
    const rfc = Buffer.from(hkdfSync('sha256', ikm, ck, new Uint8Array(0), 96));
    const [a, b] = hkdf2(ck, ikm);
    const [x, y, z] = hkdf3(ck, ikm);
    expect(Buffer.concat([a, b])).toEqual(rfc.subarray(0, 64));
    expect(Buffer.concat([x, y, z])).toEqual(rfc);
  });
});
