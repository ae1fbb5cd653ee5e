// SSH tunnels through the real OpenSSH sshd of scripts/engines/sshd.sh: the compliance suite,
// host-key verification (known_hosts, pinned fingerprints, unknown keys), authentication,
// and what closing or losing the tunnel does.
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthenticationError,
  ConnectError,
  ConnectionLostError,
  type NodeBackedStream,
  Stream,
} from '@sluice/stream-core';
import { sshServer } from '@sluice/test-env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runComplianceSuite } from './compliance/index.js';
import { hostKeyFingerprint } from './known-hosts.js';
import {
  connectSshTunnel,
  parseSshUrl,
  type SshTunnelOptions,
  TunneledSocketStream,
} from './ssh.js';

const sshd = await sshServer();
const decoder = new TextDecoder();

/** A loopback TCP server whose accepted sockets are handed out in order. */
async function tcpTarget(onSocket?: (socket: Socket) => void): Promise<{
  port: number;
  next: () => Promise<Socket>;
  close: () => Promise<void>;
}> {
  const sockets: Socket[] = [];
  const waiting: Array<(socket: Socket) => void> = [];
  const all = new Set<Socket>();
  // allowHalfOpen: a target that got our end of data can still answer, as a real one would.
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    all.add(socket);
    socket.on('error', () => undefined);
    onSocket?.(socket);
    const waiter = waiting.shift();
    if (waiter) waiter(socket);
    else sockets.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    next: () => {
      const socket = sockets.shift();
      return socket ? Promise.resolve(socket) : new Promise((resolve) => waiting.push(resolve));
    },
    close: async () => {
      for (const socket of all) socket.destroy();
      server.close();
    },
  };
}

async function readToEnd(stream: NodeBackedStream): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return decoder.decode(Buffer.concat(parts));
}

describe.skipIf(!sshd.available)('SSH tunnel through a real sshd', () => {
  const server = sshd.available ? sshd.value : (undefined as never);
  const base = (): Omit<SshTunnelOptions, 'target'> => ({
    host: server.host,
    port: server.port,
    username: server.username,
    privateKey: server.privateKey,
    knownHosts: server.knownHostsPath,
  });
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-ssh-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const knownHostsFile = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  runComplianceSuite(
    'ssh',
    async () => {
      const target = await tcpTarget();
      const [client, socket] = await Promise.all([
        TunneledSocketStream.connect({
          ...base(),
          target: { host: '127.0.0.1', port: target.port },
        }),
        target.next(),
      ]);
      const peer = new Stream(socket);
      return {
        client,
        server: peer,
        // The target dies with a reset; sshd can only pass that on as the channel's end.
        crashPeer: () => {
          socket.resetAndDestroy();
        },
        cleanup: async () => {
          await Promise.allSettled([client.close(), peer.close()]);
          await target.close();
        },
      };
    },
    {
      refusedConnect: async () => {
        const closed = await tcpTarget();
        await closed.close();
        return TunneledSocketStream.connect({
          ...base(),
          port: closed.port,
          target: { host: '127.0.0.1', port: 9 },
        });
      },
      timedOutConnect: async () => {
        // Accepts TCP and never sends an SSH banner.
        const silent = await tcpTarget();
        try {
          return await TunneledSocketStream.connect({
            ...base(),
            port: silent.port,
            readyTimeoutMs: 300,
            target: { host: '127.0.0.1', port: 9 },
          });
        } finally {
          await silent.close();
        }
      },
      silentPeer: async () => {
        const target = await tcpTarget();
        const stream = await TunneledSocketStream.connect({
          ...base(),
          readTimeoutMs: 300,
          target: { host: '127.0.0.1', port: target.port },
        });
        stream.underlying.once('close', () => void target.close());
        return stream;
      },
    },
  );

  describe('host key verification', () => {
    let target: Awaited<ReturnType<typeof tcpTarget>>;
    beforeAll(async () => {
      target = await tcpTarget((socket) => socket.pipe(socket));
    });
    afterAll(() => target.close());
    const to = (): SshTunnelOptions['target'] => ({ host: '127.0.0.1', port: target.port });

    async function echoes(stream: TunneledSocketStream): Promise<void> {
      try {
        await stream.writeAll('ping');
        expect(decoder.decode(await stream.readExactly(4))).toBe('ping');
      } finally {
        await stream.close();
      }
    }

    it('trusts the host key listed in known_hosts', async () => {
      await echoes(await TunneledSocketStream.connect({ ...base(), target: to() }));
    });

    it('prefers the key types known_hosts lists, and still verifies when the server has only another', async () => {
      const ecdsa = Buffer.concat([
        Buffer.from([0, 0, 0, 19]),
        Buffer.from('ecdsa-sha2-nistp256'),
        Buffer.alloc(40, 7),
      ]);
      const path = await knownHostsFile(
        'two-types',
        `[${server.host}]:${server.port} ecdsa-sha2-nistp256 ${ecdsa.toString('base64')}\n${server.knownHosts}`,
      );
      await echoes(
        await TunneledSocketStream.connect({ ...base(), knownHosts: path, target: to() }),
      );
    });

    it('rejects an unknown host key by default, naming its fingerprint', async () => {
      const empty = await knownHostsFile('empty', '');
      const error = await TunneledSocketStream.connect({
        ...base(),
        knownHosts: empty,
        target: to(),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(String(error)).toContain('unknown host key');
      expect(String(error)).toContain(server.fingerprint);
    });

    it('accepts an unknown host key only when told to', async () => {
      const empty = await knownHostsFile('empty2', '');
      await echoes(
        await TunneledSocketStream.connect({
          ...base(),
          knownHosts: empty,
          acceptUnknownHostKey: true,
          target: to(),
        }),
      );
    });

    it('rejects a host whose key differs from known_hosts, even with acceptUnknownHostKey', async () => {
      const otherKey = generateKeyPairSync('ed25519').publicKey.export({
        type: 'spki',
        format: 'der',
      });
      const raw = otherKey.subarray(otherKey.length - 32);
      const blob = Buffer.concat([
        Buffer.from([0, 0, 0, 11]),
        Buffer.from('ssh-ed25519'),
        Buffer.from([0, 0, 0, 32]),
        raw,
      ]);
      const path = await knownHostsFile(
        'other',
        `[${server.host}]:${server.port} ssh-ed25519 ${blob.toString('base64')}\n`,
      );
      const error = await TunneledSocketStream.connect({
        ...base(),
        knownHosts: path,
        acceptUnknownHostKey: true,
        target: to(),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(String(error)).toContain('MISMATCH');
    });

    it('checks a pinned fingerprint instead of known_hosts', async () => {
      await echoes(
        await TunneledSocketStream.connect({
          ...base(),
          knownHosts: undefined,
          hostFingerprint: server.fingerprint,
          target: to(),
        }),
      );
      const wrong = hostKeyFingerprint(Buffer.from('not the host key'));
      const error = await TunneledSocketStream.connect({
        ...base(),
        hostFingerprint: wrong,
        acceptUnknownHostKey: true,
        target: to(),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(String(error)).toContain('fingerprint mismatch');
    });

    it('rejects a client key the server does not authorize', async () => {
      const { privateKey } = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
        publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
      });
      await expect(
        TunneledSocketStream.connect({ ...base(), privateKey, target: to() }),
      ).rejects.toBeInstanceOf(AuthenticationError);
    });

    it('reports a target the server cannot reach as ConnectError', async () => {
      const closed = await tcpTarget();
      await closed.close();
      const error = await TunneledSocketStream.connect({
        ...base(),
        target: { host: '127.0.0.1', port: closed.port },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectError);
      expect(String(error)).toContain(`127.0.0.1:${closed.port}`);
    });

    it('opens a tunnel from an ssh:// URL', async () => {
      const url = `ssh://${server.username}@${server.host}:${server.port}/127.0.0.1:${target.port}`;
      await echoes(
        await connectSshTunnel(url, {
          privateKey: server.privateKey,
          knownHosts: server.knownHostsPath,
        }),
      );
    });
  });

  it('closing the stream closes the tunnel and the SSH connection', async () => {
    const target = await tcpTarget();
    try {
      const [stream, socket] = await Promise.all([
        TunneledSocketStream.connect({
          ...base(),
          target: { host: '127.0.0.1', port: target.port },
        }),
        target.next(),
      ]);
      const peer = new Stream(socket);
      const sshClosed = once(stream.client as NonNullable<typeof stream.client>, 'close');
      await stream.writeAll('bye');
      await stream.close();
      await sshClosed;
      expect(await readToEnd(peer)).toBe('bye');
      await peer.close();
    } finally {
      await target.close();
    }
  });

  it('a dropped SSH connection is a ConnectionLostError, not a clean end', async () => {
    // A TCP relay in front of sshd, so the test can cut the SSH connection itself.
    const relayed = new Set<Socket>();
    const relay = createServer((inbound) => {
      const outbound = tcpConnect(server.port, server.host);
      relayed.add(inbound).add(outbound);
      inbound.on('error', () => undefined).pipe(outbound);
      outbound.on('error', () => undefined).pipe(inbound);
    });
    relay.listen(0, '127.0.0.1');
    await once(relay, 'listening');
    const address = relay.address();
    const relayPort = typeof address === 'object' && address ? address.port : 0;
    const target = await tcpTarget((socket) => socket.pipe(socket));
    try {
      const stream = await TunneledSocketStream.connect({
        ...base(),
        port: relayPort,
        knownHosts: undefined,
        hostFingerprint: server.fingerprint,
        target: { host: '127.0.0.1', port: target.port },
      });
      await stream.writeAll('echo');
      expect(decoder.decode(await stream.readExactly(4))).toBe('echo');
      for (const socket of relayed) socket.resetAndDestroy();
      await expect(stream.readExactly(1)).rejects.toBeInstanceOf(ConnectionLostError);
      await stream.close();
    } finally {
      relay.close();
      await target.close();
    }
  });
});

describe('TunneledSocketStream over a tunnel made elsewhere', () => {
  it('wraps any Duplex that leads to the target (e.g. a proxied socket)', async () => {
    const target = await tcpTarget((socket) => socket.pipe(socket));
    try {
      const socket = tcpConnect(target.port, '127.0.0.1');
      await once(socket, 'connect');
      const stream = new TunneledSocketStream(socket);
      expect(stream.client).toBeUndefined();
      await stream.writeAll('through a proxy');
      expect(decoder.decode(await stream.readExactly(15))).toBe('through a proxy');
      await stream.close();
    } finally {
      await target.close();
    }
  });
});

describe('ssh:// URLs', () => {
  it('parses user, host, port and target (IPv6 in brackets)', () => {
    expect(parseSshUrl('ssh://alice@bastion.example:2222/db.internal:5432')).toEqual({
      host: 'bastion.example',
      port: 2222,
      username: 'alice',
      target: { host: 'db.internal', port: 5432 },
    });
    expect(parseSshUrl('ssh://bob@[::1]/[fd00::5]:80')).toEqual({
      host: '::1',
      port: 22,
      username: 'bob',
      target: { host: 'fd00::5', port: 80 },
    });
  });

  it('rejects URLs without a target or of another scheme with ConnectError', () => {
    expect(() => parseSshUrl('ssh://alice@host')).toThrow(ConnectError);
    expect(() => parseSshUrl('ssh://alice@host/target')).toThrow(ConnectError);
    expect(() => parseSshUrl('tcp://alice@host/t:1')).toThrow(ConnectError);
    expect(() => parseSshUrl('not a url')).toThrow(ConnectError);
  });

  it('gives up a connect when its signal aborts', async () => {
    const silent = await tcpTarget();
    try {
      const controller = new AbortController();
      const connecting = TunneledSocketStream.connect({
        host: '127.0.0.1',
        port: silent.port,
        username: 'nobody',
        acceptUnknownHostKey: true,
        target: { host: '127.0.0.1', port: 1 },
        signal: controller.signal,
      });
      controller.abort(new Error('user gave up'));
      await expect(connecting).rejects.toThrow('user gave up');
    } finally {
      await silent.close();
    }
  });

  it('needs a user name', async () => {
    await expect(connectSshTunnel('ssh://127.0.0.1:1/127.0.0.1:2')).rejects.toBeInstanceOf(
      ConnectError,
    );
  });

  it('fails a connect to nowhere with ConnectError, not a raw error', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const address = closed.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    closed.close();
    await expect(
      TunneledSocketStream.connect({
        host: '127.0.0.1',
        port,
        username: 'nobody',
        acceptUnknownHostKey: true,
        target: { host: '127.0.0.1', port: 1 },
      }),
    ).rejects.toBeInstanceOf(ConnectError);
  });
});
