// A dockerode instance the caller made is read as docker-modem reads it: its socket path
// (docker-modem's default is a function), host and port, https with its certificates, ssh,
// its API version and path prefix, its headers and its timeout — which bounds this package's
// own requests too.
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { connectorOf, joinPrefix, netTargetOf } from './connector.js';

describe('connectorOf(a caller’s dockerode)', () => {
  it('the default socket (a function in docker-modem) is a plain socket to read with onread', async () => {
    const c = connectorOf(new Docker({ socketPath: '/run/test-engine.sock' }));
    expect(c.address).toBe('unix:///run/test-engine.sock');
    expect(await netTargetOf(c)).toEqual({ path: '/run/test-engine.sock' });
    const byDefault = connectorOf(new Docker());
    expect((await netTargetOf(byDefault)) ?? {}).toHaveProperty('path');
    expect(byDefault.reuse).toBe(false);
  });

  it('https with a version, a path prefix, headers and a timeout', async () => {
    const c = connectorOf(
      new Docker({
        host: 'engine.example',
        port: 2376,
        protocol: 'https',
        version: 'v1.41',
        ca: 'CA',
        cert: 'CERT',
        key: 'KEY',
        timeout: 5000,
        headers: { 'X-Test': '1' },
        pathPrefix: '/prefix/',
      } as Docker.DockerOptions),
    );
    expect(c.address).toBe('tcp://engine.example:2376');
    // TLS: no plain socket.
    expect(await netTargetOf(c)).toBeUndefined();
    expect(c.prefix).toBe('/prefix/v1.41');
    expect(c.timeoutMs).toBe(5000);
    expect(c.headers).toEqual({ 'X-Test': '1' });
  });

  it('ssh is reached by dial-stdio and its connections kept for the next call', () => {
    const c = connectorOf(
      new Docker({
        host: 'box',
        port: 2222,
        protocol: 'ssh',
        username: 'me',
      } as Docker.DockerOptions),
    );
    expect(c.address).toBe('ssh://me@box:2222');
    expect(c.reuse).toBe(true);
  });

  it('joins prefixes as the CLI does', () => {
    expect(joinPrefix(undefined, undefined)).toBe('');
    expect(joinPrefix('/', 'v1.41')).toBe('/v1.41');
    expect(joinPrefix('api/', '/v1.43')).toBe('/api/v1.43');
  });
});
