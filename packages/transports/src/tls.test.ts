import {
  AuthenticationError,
  ConnectionLostError,
  type NodeBackedStream,
} from '@sluice/stream-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CertAndKey, makeCa, type TestCa } from './compliance/certs.js';
import { runComplianceSuite } from './compliance/index.js';
import { freePort, portOf } from './compliance/ports.js';
import { createSslStream } from './seed.js';
import { listenTcp } from './socket.js';
import { listenTls, type TlsConnectOptions, type TlsListenOptions, type TlsStream } from './tls.js';

let ca: TestCa;
let serverCert: CertAndKey;
let clientCert: CertAndKey;

beforeAll(async () => {
  ca = await makeCa();
  serverCert = await ca.issue({ dnsNames: ['localhost'], usage: 'server' });
  clientCert = await ca.issue({
    commonName: 'sluice client',
    dnsNames: [],
    ips: [],
    usage: 'client',
  });
});

function tlsSuite(label: string, mutual: boolean): void {
  const listenOptions = (): TlsListenOptions => ({
    key: serverCert.key,
    cert: serverCert.cert,
    ...(mutual ? { ca: ca.cert, requireClientCert: true } : {}),
  });
  const connectOptions = (): TlsConnectOptions => ({
    ca: ca.cert,
    servername: 'localhost',
    ...(mutual ? { key: clientCert.key, cert: clientCert.cert } : {}),
  });
  runComplianceSuite(
    label,
    async () => {
      const listener = await listenTls(listenOptions());
      const [client, server] = await Promise.all([
        createSslStream('127.0.0.1', portOf(listener), connectOptions()),
        listener.accept(),
      ]);
      return {
        client,
        server,
        crashPeer: () => {
          // A server-side TLS socket resets through the TCP socket it wraps.
          const tls = (server as TlsStream).socket;
          ((tls as unknown as { _parent?: typeof tls })._parent ?? tls).resetAndDestroy();
        },
        cleanup: async () => {
          await Promise.all([client.close(), server.close(), listener.close()]);
        },
      };
    },
    {
      refusedConnect: async () => createSslStream('127.0.0.1', await freePort(), connectOptions()),
      // A TCP peer that accepts and never speaks TLS: the handshake times out.
      timedOutConnect: async () => {
        const silent = await listenTcp();
        try {
          return await createSslStream('127.0.0.1', portOf(silent), {
            ...connectOptions(),
            timeoutMs: 200,
          });
        } finally {
          await silent.close();
        }
      },
      silentPeer: async () => {
        const listener = await listenTls(listenOptions());
        const client = await createSslStream('127.0.0.1', portOf(listener), {
          ...connectOptions(),
          readTimeoutMs: 200,
        });
        const server = await listener.accept();
        client.socket.once('close', () => {
          void server.close();
          void listener.close();
        });
        return client;
      },
    },
  );
}

tlsSuite('tls', false);
tlsSuite('mutual tls', true);

/** Connects and exchanges one byte each way; resolves with the client or rejects. */
async function exchange(
  listen: TlsListenOptions,
  connect: TlsConnectOptions,
): Promise<{ client: TlsStream; server: NodeBackedStream | undefined }> {
  const listener = await listenTls(listen);
  let server: NodeBackedStream | undefined;
  try {
    const accepted = listener.accept().then(
      (s) => {
        server = s;
        return s;
      },
      () => undefined,
    );
    const client = await createSslStream('127.0.0.1', portOf(listener), connect);
    try {
      // TLS 1.3 finishes the client's handshake before the server has judged the client's
      // certificate: a refusal shows on the first read.
      await client.writeAll('?');
      const reply = client.readExactly(1);
      const peer = await Promise.race([accepted, reply.then(() => undefined)]);
      if (peer) {
        await peer.readExactly(1);
        await peer.writeAll('!');
      }
      await reply;
      return { client, server };
    } catch (error) {
      await client.close();
      throw error;
    }
  } finally {
    await server?.close();
    await listener.close();
  }
}

describe('tls verification', () => {
  it('accepts a server whose certificate names the host, and reports what was negotiated', async () => {
    const { client } = await exchange(
      { key: serverCert.key, cert: serverCert.cert, alpnProtocols: ['sluice/1', 'h2'] },
      { ca: ca.cert, servername: 'localhost', alpnProtocols: ['h2', 'sluice/1'] },
    );
    expect(client.authorized).toBe(true);
    expect(client.alpnProtocol).toBe('sluice/1');
    expect(client.peerCertificate.fingerprint256).toBe(serverCert.fingerprint256);
    await client.close();
  });

  it('verifies by default: a certificate for another hostname is rejected', async () => {
    const other = await ca.issue({ dnsNames: ['elsewhere.test'], ips: [], usage: 'server' });
    await expect(
      exchange({ key: other.key, cert: other.cert }, { ca: ca.cert, servername: 'localhost' }),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('an IP address is checked against the certificate too', async () => {
    const named = await ca.issue({ dnsNames: ['localhost'], ips: [], usage: 'server' });
    await expect(
      exchange({ key: named.key, cert: named.cert }, { ca: ca.cert }),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('a certificate from an unknown CA is rejected (and so is one without any CA given)', async () => {
    const stranger = await makeCa('stranger CA');
    await expect(
      exchange(
        { key: serverCert.key, cert: serverCert.cert },
        { ca: stranger.cert, servername: 'localhost' },
      ),
    ).rejects.toBeInstanceOf(AuthenticationError);
    await expect(
      exchange({ key: serverCert.key, cert: serverCert.cert }, { servername: 'localhost' }),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('a pinned fingerprint that matches is accepted; a mismatch is rejected', async () => {
    const listen = { key: serverCert.key, cert: serverCert.cert };
    const ok = await exchange(listen, {
      ca: ca.cert,
      servername: 'localhost',
      fingerprint256: serverCert.fingerprint256.toLowerCase().replace(/:/g, ''),
    });
    await ok.client.close();
    const wrong = await ca.issue({ usage: 'server' });
    await expect(
      exchange(listen, {
        ca: ca.cert,
        servername: 'localhost',
        fingerprint256: wrong.fingerprint256,
      }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    // Pinning also holds when chain verification is switched off.
    await expect(
      exchange(listen, { rejectUnauthorized: false, fingerprint256: wrong.fingerprint256 }),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });
});

describe('mutual tls', () => {
  const requiring = (): TlsListenOptions => ({
    key: serverCert.key,
    cert: serverCert.cert,
    ca: ca.cert,
    requireClientCert: true,
  });

  it('a client presenting a certificate from the CA is accepted, and the server sees who it is', async () => {
    const listener = await listenTls(requiring());
    const [client, server] = await Promise.all([
      createSslStream('127.0.0.1', portOf(listener), {
        ca: ca.cert,
        servername: 'localhost',
        key: clientCert.key,
        cert: clientCert.cert,
      }),
      listener.accept(),
    ]);
    expect((server as TlsStream).authorized).toBe(true);
    expect((server as TlsStream).peerCertificate.subject.CN).toBe('sluice client');
    await Promise.all([client.close(), server.close(), listener.close()]);
  });

  /** Connects to a listener requiring client certificates; says what each side saw. */
  async function refused(
    connect: TlsConnectOptions,
  ): Promise<{ clientError: unknown; accepted: boolean }> {
    const listener = await listenTls(requiring());
    let accepted = false;
    void listener.accept().then(
      () => {
        accepted = true;
      },
      () => {},
    );
    let clientError: unknown;
    try {
      const client = await createSslStream('127.0.0.1', portOf(listener), connect);
      // TLS 1.3: the client's handshake ends before the server judged its certificate.
      await client.writeAll('hello?');
      await client.readExactly(1).finally(() => client.close());
    } catch (error) {
      clientError = error;
    }
    await listener.close();
    return { clientError, accepted };
  }

  it('a client without a certificate is rejected with AuthenticationError, and never accepted', async () => {
    const { clientError, accepted } = await refused({ ca: ca.cert, servername: 'localhost' });
    expect(clientError).toBeInstanceOf(AuthenticationError);
    expect((clientError as Error).message).toContain('certificate required');
    expect(accepted).toBe(false);
  });

  it('a client signed by a foreign CA is refused and never accepted', async () => {
    const foreign = await makeCa('foreign CA');
    const impostor = await foreign.issue({ commonName: 'impostor', usage: 'client' });
    const { clientError, accepted } = await refused({
      ca: ca.cert,
      servername: 'localhost',
      key: impostor.key,
      cert: impostor.cert,
    });
    // Node's server drops an untrusted client without a TLS alert, so the client sees the
    // connection lost before any byte: it never gets to talk.
    expect(clientError).toBeInstanceOf(ConnectionLostError);
    expect(accepted).toBe(false);
  });
});
