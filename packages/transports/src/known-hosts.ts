// SSH host-key checks: OpenSSH known_hosts entries (plain, wildcard, negated and hashed host
// patterns, `[host]:port` for other ports, @revoked) and pinned SHA256 fingerprints.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The verdict on a host key. */
export type HostKeyVerdict =
  | { ok: true }
  | { ok: false; reason: 'unknown' | 'mismatch' | 'revoked'; message: string };

/** One parsed known_hosts line. */
interface KnownHostsEntry {
  marker: '' | '@revoked' | '@cert-authority';
  patterns: string;
  key: Buffer;
}

/** SHA256 fingerprint of a public key blob, as OpenSSH prints it (`SHA256:…`, no padding). */
export function hostKeyFingerprint(key: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (e.g. `ssh-ed25519`). */
export function hostKeyType(key: Uint8Array): string {
  if (key.length < 4) return 'unknown';
  const length = Buffer.from(key.buffer, key.byteOffset, key.byteLength).readUInt32BE(0);
  return Buffer.from(key.subarray(4, 4 + Math.min(length, 64))).toString('latin1');
}

function parse(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostsEntry['marker'] = '';
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields.shift() as KnownHostsEntry['marker'];
    }
    const [patterns, , keyBase64] = fields;
    if (!patterns || !keyBase64) continue;
    entries.push({ marker, patterns, key: Buffer.from(keyBase64, 'base64') });
  }
  return entries;
}

/**
 * OpenSSH's `*` and `?` wildcards, case-insensitive. Matched by walking both strings with one
 * backtrack point (the last `*`), in O(pattern × name) at worst: a regular expression of many
 * `*` backtracks exponentially, so a known_hosts line could hang the connect.
 */
function globMatch(glob: string, text: string): boolean {
  const pattern = glob.toLowerCase();
  const name = text.toLowerCase();
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      resume = n;
    } else if (c !== undefined && (c === '?' || c === name[n])) {
      p++;
      n++;
    } else if (star >= 0) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

function hashedMatches(pattern: string, name: string): boolean {
  // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
  const [, kind, salt, hash] = pattern.split('|');
  if (kind !== '1' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Whether a comma-separated pattern list names `name` (a negated match wins). */
function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|')) return hashedMatches(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    if (globMatch(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** The name a known_hosts file uses for host:port (`[host]:port` unless the port is 22). */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Checks `key` (the raw public key blob the server presented) against known_hosts text. */
export function checkKnownHosts(
  text: string,
  host: string,
  port: number,
  key: Uint8Array,
): HostKeyVerdict {
  const name = knownHostsName(host, port);
  const presented = Buffer.from(key);
  const fingerprint = hostKeyFingerprint(presented);
  const type = hostKeyType(presented);
  let knownOther = false;
  let trusted = false;
  const otherTypes = new Set<string>();
  for (const entry of parse(text)) {
    if (entry.marker === '@cert-authority' || !patternsMatch(entry.patterns, name)) continue;
    const same = entry.key.equals(presented);
    if (entry.marker === '@revoked') {
      if (same) {
        return {
          ok: false,
          reason: 'revoked',
          message: `the ${type} host key ${fingerprint} of ${name} is marked @revoked`,
        };
      }
      continue;
    }
    if (same) trusted = true;
    else if (hostKeyType(entry.key) === type) knownOther = true;
    // A key of another type is not a contradiction (as in OpenSSH): the host has several.
    else otherTypes.add(hostKeyType(entry.key));
  }
  if (trusted) return { ok: true };
  if (knownOther) {
    return {
      ok: false,
      reason: 'mismatch',
      message: `HOST KEY MISMATCH for ${name}: it presented ${type} ${fingerprint}, which is not the key known_hosts has for it (someone may be intercepting the connection, or the host key changed)`,
    };
  }
  return {
    ok: false,
    reason: 'unknown',
    message: `unknown host key for ${name}: ${type} ${fingerprint} is not in known_hosts${
      otherTypes.size > 0 ? ` (it lists only ${[...otherTypes].join(', ')} keys for this host)` : ''
    } (pass acceptUnknownHostKey: true to trust it)`,
  };
}

/** ssh2's host key algorithms, in its default order. */
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Host key algorithms to offer, those known_hosts has keys for first (as OpenSSH does), so a
 * server with several host keys presents the one we can check. Undefined when none is known.
 */
export function preferredHostKeyAlgorithms(
  text: string,
  host: string,
  port: number,
): string[] | undefined {
  const name = knownHostsName(host, port);
  const preferred: string[] = [];
  for (const entry of parse(text)) {
    if (entry.marker !== '' || !patternsMatch(entry.patterns, name)) continue;
    const type = hostKeyType(entry.key);
    const algorithms = type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
    for (const algorithm of algorithms) {
      if (HOST_KEY_ALGORITHMS.includes(algorithm) && !preferred.includes(algorithm))
        preferred.push(algorithm);
    }
  }
  if (preferred.length === 0) return undefined;
  return [...preferred, ...HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))];
}

/** Checks `key` against a pinned fingerprint (`SHA256:…`, with or without the prefix or padding). */
export function checkFingerprint(
  pinned: string,
  host: string,
  port: number,
  key: Uint8Array,
): HostKeyVerdict {
  const presented = hostKeyFingerprint(key);
  const want = `SHA256:${pinned.replace(/^sha256:/i, '').replace(/=+$/, '')}`;
  if (want === presented) return { ok: true };
  return {
    ok: false,
    reason: 'mismatch',
    message: `host key fingerprint mismatch for ${knownHostsName(host, port)}: it presented ${presented}, expected ${want}`,
  };
}
