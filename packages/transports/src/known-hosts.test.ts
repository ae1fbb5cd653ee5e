import { createHash, createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkFingerprint,
  checkKnownHosts,
  hostKeyFingerprint,
  hostKeyType,
  preferredHostKeyAlgorithms,
} from './known-hosts.js';

/** An SSH ed25519 public key blob: string "ssh-ed25519", string key. */
function ed25519Blob(): Buffer {
  const der = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
  const raw = der.subarray(der.length - 32);
  const type = Buffer.from('ssh-ed25519');
  const lengths = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([lengths(type), lengths(raw)]);
}

const line = (patterns: string, key: Buffer, marker = ''): string =>
  `${marker ? `${marker} ` : ''}${patterns} ssh-ed25519 ${key.toString('base64')} comment`;

describe('known_hosts checks', () => {
  const key = ed25519Blob();
  const other = ed25519Blob();

  it('names the key type and prints the fingerprint as ssh-keygen does', () => {
    expect(hostKeyType(key)).toBe('ssh-ed25519');
    const digest = createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
    expect(hostKeyFingerprint(key)).toBe(`SHA256:${digest}`);
  });

  it('trusts a listed key, under [host]:port for ports other than 22', () => {
    expect(checkKnownHosts(line('example.test', key), 'example.test', 22, key)).toEqual({
      ok: true,
    });
    expect(checkKnownHosts(line('[10.0.0.1]:2222', key), '10.0.0.1', 2222, key)).toEqual({
      ok: true,
    });
    // The port matters: a port-22 entry does not vouch for port 2222.
    expect(checkKnownHosts(line('10.0.0.1', key), '10.0.0.1', 2222, key)).toMatchObject({
      ok: false,
      reason: 'unknown',
    });
  });

  it('reports an unlisted host as unknown and a different key as a mismatch', () => {
    const text = `# comment\n\n${line('a.test', other)}\n`;
    expect(checkKnownHosts(text, 'b.test', 22, key)).toMatchObject({
      ok: false,
      reason: 'unknown',
    });
    const mismatch = checkKnownHosts(text, 'a.test', 22, key);
    expect(mismatch).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(mismatch.ok === false && mismatch.message).toContain(hostKeyFingerprint(key));
  });

  it('treats a host known only by keys of another type as unknown, not as a mismatch', () => {
    const rsaBlob = Buffer.concat([
      Buffer.from([0, 0, 0, 7]),
      Buffer.from('ssh-rsa'),
      randomBytes(64),
    ]);
    const text = `a.test ssh-rsa ${rsaBlob.toString('base64')}`;
    const verdict = checkKnownHosts(text, 'a.test', 22, key);
    expect(verdict).toMatchObject({ ok: false, reason: 'unknown' });
    expect(verdict.ok === false && verdict.message).toContain('only ssh-rsa keys');
  });

  it('offers the host key algorithms known_hosts has keys for first', () => {
    const rsaBlob = Buffer.concat([
      Buffer.from([0, 0, 0, 7]),
      Buffer.from('ssh-rsa'),
      randomBytes(64),
    ]);
    const text = `a.test ssh-rsa ${rsaBlob.toString('base64')}\n${line('b.test', key)}`;
    expect(preferredHostKeyAlgorithms(text, 'a.test', 22)?.slice(0, 4)).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
      'ssh-ed25519',
    ]);
    expect(preferredHostKeyAlgorithms(text, 'b.test', 22)?.[0]).toBe('ssh-ed25519');
    expect(preferredHostKeyAlgorithms(text, 'c.test', 22)).toBeUndefined();
  });

  it('accepts the key when any of several entries for the host lists it', () => {
    const text = [line('a.test', other), line('a.test,b.test', key)].join('\n');
    expect(checkKnownHosts(text, 'a.test', 22, key)).toEqual({ ok: true });
  });

  it('matches wildcards and honours negation', () => {
    const text = line('*.example.test,!bad.example.test', key);
    expect(checkKnownHosts(text, 'good.example.test', 22, key)).toEqual({ ok: true });
    expect(checkKnownHosts(text, 'bad.example.test', 22, key)).toMatchObject({ reason: 'unknown' });
    expect(checkKnownHosts(line('host?.test', key), 'host1.test', 22, key)).toEqual({ ok: true });
    expect(checkKnownHosts(line('host?.test', key), 'host12.test', 22, key)).toMatchObject({
      ok: false,
    });
  });

  it('matches hashed host names (ssh-keygen -H)', () => {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[127.0.0.1]:2200').digest();
    const text = line(`|1|${salt.toString('base64')}|${hash.toString('base64')}`, key);
    expect(checkKnownHosts(text, '127.0.0.1', 2200, key)).toEqual({ ok: true });
    expect(checkKnownHosts(text, '127.0.0.1', 2201, key)).toMatchObject({ reason: 'unknown' });
  });

  it('refuses a key marked @revoked even when another line lists it', () => {
    const text = [line('a.test', key), line('*', key, '@revoked')].join('\n');
    expect(checkKnownHosts(text, 'a.test', 22, key)).toMatchObject({
      ok: false,
      reason: 'revoked',
    });
  });

  it('checks a pinned fingerprint with or without prefix and padding', () => {
    const fingerprint = hostKeyFingerprint(key);
    expect(checkFingerprint(fingerprint, 'h', 22, key)).toEqual({ ok: true });
    expect(checkFingerprint(fingerprint.slice('SHA256:'.length), 'h', 22, key)).toEqual({
      ok: true,
    });
    expect(checkFingerprint(`${fingerprint}=`, 'h', 22, key)).toEqual({ ok: true });
    expect(checkFingerprint(fingerprint, 'h', 22, other)).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
  });
});
