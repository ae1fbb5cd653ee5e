// The transport URLs sluice takes, parsed without any I/O: what `connect()` and `listen()`
// dispatch on, and what the fuzz tests drive. Every malformed URL is a `ConnectError` that
// names it; no other error escapes (a raw `URIError` from a bad %-escape included).
import { ConnectError } from '@sluice/stream-core';

/** A parsed transport URL: the scheme and what that transport needs from the URL. */
export type TransportUrl =
  | { scheme: 'tcp' | 'tls'; host: string; port: number | undefined }
  | { scheme: 'unix'; path: string }
  | { scheme: 'ws' | 'wss'; url: string; host: string; port: number | undefined; path: string }
  | { scheme: 'ssh'; host: string; port: number; username: string; target: SshTarget }
  | { scheme: 'exec'; argv: string[] };

/** The host and port an SSH tunnel leads to. */
export interface SshTarget {
  /** Host the SSH server connects to. */
  host: string;
  /** Its port. */
  port: number;
}

/** What `ssh://user@host[:port]/target-host:port` says. */
export interface SshUrl {
  /** The SSH server. */
  host: string;
  /** Its port (22 when the URL has none). */
  port: number;
  /** The user, `''` when the URL names none. */
  username: string;
  /** Where the tunnel leads. */
  target: SshTarget;
}

/** `decodeURIComponent`, with a malformed escape reported as a `ConnectError` naming `raw`. */
export function decodeUrlPart(text: string, raw: string): string {
  try {
    return decodeURIComponent(text);
  } catch (error) {
    throw new ConnectError(`malformed %-escape in ${JSON.stringify(raw)}`, { cause: error });
  }
}

function parse(raw: string): URL {
  try {
    return new URL(raw);
  } catch (error) {
    throw new ConnectError(`not a URL: ${JSON.stringify(raw)}`, { cause: error });
  }
}

/** A port from a URL: 1-65535, or 0 too where a listener may pick a free one. */
function portNumber(text: string, raw: string, allowZero = false): number {
  const port = Number(text);
  const low = allowZero ? 0 : 1;
  if (!/^\d+$/.test(text) || port < low || port > 65535) {
    throw new ConnectError(`port ${text} out of range (${low}-65535) in ${JSON.stringify(raw)}`);
  }
  return port;
}

function hostOf(url: URL, raw: string): string {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new ConnectError(`no host in ${JSON.stringify(raw)}`);
  return host;
}

/** The socket path of a unix: URL (`\0name` for `unix:@name`). */
export function unixPath(raw: string): string {
  if (!/^unix:/i.test(raw)) throw new ConnectError(`not a unix: URL: ${JSON.stringify(raw)}`);
  const rest = raw.slice('unix:'.length);
  if (rest.startsWith('@')) {
    if (rest.length === 1)
      throw new ConnectError(`no abstract socket name in ${JSON.stringify(raw)}`);
    return `\0${decodeUrlPart(rest.slice(1), raw)}`;
  }
  let encoded = rest;
  if (rest.startsWith('//')) {
    // unix:///path has an empty authority; a host there would name nothing a socket can use.
    const authority = rest.slice(2, rest.indexOf('/', 2) < 0 ? undefined : rest.indexOf('/', 2));
    if (authority !== '') {
      throw new ConnectError(
        `a unix: URL takes no host (${JSON.stringify(authority)} in ${JSON.stringify(raw)}): use unix:///absolute/path or unix:@name`,
      );
    }
    encoded = rest.slice(2);
  }
  const path = decodeUrlPart(encoded, raw);
  if (!path.startsWith('/')) {
    throw new ConnectError(`a unix: URL needs an absolute path or @name: ${JSON.stringify(raw)}`);
  }
  if (path.includes('\0')) {
    throw new ConnectError(`a unix socket path cannot contain NUL (%00): ${JSON.stringify(raw)}`);
  }
  return path;
}

/** Parses `ssh://user@host[:port]/target-host:port` (IPv6 in brackets). */
export function parseSshUrl(url: string): SshUrl {
  const parsed = parse(url);
  const target = /^\/(\[[^\]]+\]|[^/:]+):(\d+)\/?$/.exec(decodeUrlPart(parsed.pathname, url));
  if (parsed.protocol !== 'ssh:' || !parsed.hostname || !target?.[1] || !target[2]) {
    throw new ConnectError(`expected ssh://user@host[:port]/target-host:port, got ${url}`);
  }
  return {
    host: hostOf(parsed, url),
    port: parsed.port ? portNumber(parsed.port, url) : 22,
    username: decodeUrlPart(parsed.username, url),
    target: { host: target[1].replace(/^\[|\]$/g, ''), port: portNumber(target[2], url) },
  };
}

/** Splits a command line on blanks, honouring '…' and "…" quotes and backslash escapes. */
export function splitCommand(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      started = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (quote) throw new ConnectError(`unterminated ${quote} quote in command: ${line}`);
  if (started) args.push(current);
  return args;
}

/** The URL schemes `connect()` takes, for messages. */
export const CONNECT_SCHEMES: string =
  'tcp://, tls://, unix:///path, unix:@name, ws://, wss://, ssh://user@host/target:port, exec:command';

/**
 * Parses a transport URL. `portRequired`: tcp/tls URLs must name a port (as for connecting;
 * a listener may leave it out for a free one).
 */
export function parseTransportUrl(raw: string, portRequired = true): TransportUrl {
  if (typeof raw !== 'string') throw new TypeError(`a URL must be a string, got ${typeof raw}`);
  const scheme = raw.slice(0, raw.indexOf(':') + 1).toLowerCase();
  switch (scheme) {
    case 'tcp:':
    case 'tls:': {
      const url = parse(raw);
      if (url.port === '' && portRequired)
        throw new ConnectError(`no port in ${JSON.stringify(raw)}`);
      return {
        scheme: scheme === 'tcp:' ? 'tcp' : 'tls',
        host: hostOf(url, raw),
        port: url.port === '' ? undefined : portNumber(url.port, raw, !portRequired),
      };
    }
    case 'unix:':
      return { scheme: 'unix', path: unixPath(raw) };
    case 'ws:':
    case 'wss:': {
      const url = parse(raw);
      return {
        scheme: scheme === 'ws:' ? 'ws' : 'wss',
        url: raw,
        host: hostOf(url, raw),
        port: url.port === '' ? undefined : portNumber(url.port, raw, !portRequired),
        // As it appears in a request line: %-escapes stay encoded.
        path: url.pathname || '/',
      };
    }
    case 'ssh:':
      return { scheme: 'ssh', ...parseSshUrl(raw) };
    case 'exec:': {
      const argv = splitCommand(raw.slice('exec:'.length));
      if (argv.length === 0) throw new ConnectError(`no command in ${JSON.stringify(raw)}`);
      return { scheme: 'exec', argv };
    }
    default:
      throw new ConnectError(
        `cannot connect to ${JSON.stringify(raw)}: unsupported scheme (supported: ${CONNECT_SCHEMES})`,
      );
  }
}
