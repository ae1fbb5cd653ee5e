import { describe, expect, it } from 'vitest';
import {
  decodeKeyFile,
  deriveKey,
  encodeKeyFile,
  generateKey,
  KEY_FILE_PREFIX,
} from './key-file.js';

describe('key files', () => {
  it('generateKey gives 32 fresh random bytes each time', () => {
    const a = generateKey();
    expect(a).toHaveLength(32);
    expect(Buffer.from(a).equals(Buffer.from(generateKey()))).toBe(false);
  });

  it('a key file is one line that decodes back to the key, with or without surrounding space', () => {
    const key = generateKey();
    const text = encodeKeyFile(key);
    expect(text).toMatch(new RegExp(`^${KEY_FILE_PREFIX} [A-Za-z0-9_-]{43}\\n$`));
    expect(Buffer.from(decodeKeyFile(text)).equals(Buffer.from(key))).toBe(true);
    expect(Buffer.from(decodeKeyFile(`\n  ${text.trim()}  \r\n`)).equals(Buffer.from(key))).toBe(
      true,
    );
  });

  it.each([
    ['another format', 'ssh-ed25519 AAAA', /not a sluice key file/],
    ['an empty file', '', /not a sluice key file/],
    ['a truncated key', `${KEY_FILE_PREFIX} AAAA`, /holds 3 bytes, a key is 32/],
    ['bad characters', `${KEY_FILE_PREFIX} ${'*'.repeat(43)}`, /not base64url/],
  ])('refuses %s with a TypeError that says what is wrong', (_name, text, message) => {
    expect(() => decodeKeyFile(text)).toThrow(TypeError);
    expect(() => decodeKeyFile(text)).toThrow(message);
  });

  it('encodeKeyFile refuses a key of the wrong size', () => {
    expect(() => encodeKeyFile(new Uint8Array(31))).toThrow(RangeError);
  });

  it('deriveKey is scrypt with the stated parameters: deterministic, salt- and passphrase-bound', async () => {
    const salt = new Uint8Array(16).fill(7);
    const params = { N: 2 ** 14 };
    const a = await deriveKey('correct horse', salt, params);
    expect(a).toHaveLength(32);
    expect(Buffer.from(await deriveKey('correct horse', salt, params)).equals(Buffer.from(a))).toBe(
      true,
    );
    expect(Buffer.from(await deriveKey('correct horsf', salt, params)).equals(Buffer.from(a))).toBe(
      false,
    );
    const { scryptSync } = await import('node:crypto');
    expect(
      Buffer.from(a).equals(scryptSync('correct horse', salt, 32, { N: 2 ** 14, r: 8, p: 1 })),
    ).toBe(true);
    await expect(deriveKey('x', new Uint8Array(8))).rejects.toThrow(RangeError);
    await expect(deriveKey('', salt)).rejects.toThrow(TypeError);
    await expect(deriveKey('x', salt, { N: 1000 })).rejects.toThrow(/power of two/);
  });
});
