// Issue 17 item 8: URLs a careless or hostile caller passes. Malformed %-escapes are a
// ConnectError (never a raw URIError), and a unix: URL with a host is refused rather than
// folded into a path where a socket would be created.
import { existsSync } from 'node:fs';
import { ConnectError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { connect, listen, unixPath } from './url.js';

describe('hostile URLs', () => {
  it('a malformed %-escape is a ConnectError naming the URL', async () => {
    for (const url of ['unix:%zz', 'unix:///tmp/%E0%A4%A.sock', 'unix:@%zz']) {
      const error = await connect(url).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(ConnectError);
      expect(String(error)).toContain('%-escape');
    }
    const ssh = await connect('ssh://%zz@127.0.0.1/db:5432').catch((e: unknown) => e);
    expect(ssh).toBeInstanceOf(ConnectError);
    expect(String(ssh)).toContain('%zz');
    await expect(listen('unix:%zz')).rejects.toBeInstanceOf(ConnectError);
  });

  it('a unix: URL with a host is refused, and no socket is created where it would point', async () => {
    const name = `sluice-authority-${process.pid}-${Date.now()}.sock`;
    // Read as a path, "unix://tmp/<name>" is "//tmp/<name>": the file /tmp/<name>.
    const error = await listen(`unix://tmp/${name}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect(String(error)).toMatch(/takes no host.*unix:\/\/\/absolute\/path or unix:@name/);
    expect(existsSync(`/tmp/${name}`)).toBe(false);
    await expect(connect(`unix://host/tmp/${name}`)).rejects.toBeInstanceOf(ConnectError);
    expect(() => unixPath('unix://localhost/run/x.sock')).toThrow(ConnectError);
    // The two accepted forms.
    expect(unixPath('unix:///run/x.sock')).toBe('/run/x.sock');
    expect(unixPath('unix:@name')).toBe('\0name');
  });

  it('ports out of range are a ConnectError, not a RangeError from deep inside Node', async () => {
    await expect(connect('tcp://127.0.0.1:0')).rejects.toBeInstanceOf(ConnectError);
    await expect(connect('ssh://u@127.0.0.1/db:70000')).rejects.toBeInstanceOf(ConnectError);
    await expect(connect('ws://127.0.0.1:99999/')).rejects.toBeInstanceOf(ConnectError);
  });
});
