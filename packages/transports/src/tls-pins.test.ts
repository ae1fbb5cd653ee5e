// One pin check for tls:// and wss:// (issue 12): the same fingerprint spellings are accepted,
// several pins mean any of them, and a pin holds even with chain verification turned off.
import { AuthenticationError } from '@sluice/stream-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCa, type TestCa } from './compliance/certs.js';
import type { StreamListener } from './listener.js';
import { connectTls, listenTls } from './tls.js';
import { connectWebSocket, listenWebSocket } from './websocket.js';

let ca: TestCa;
let leaf: { cert: string; key: string; fingerprint256: string };
let tls: StreamListener;
let wss: StreamListener;

beforeAll(async () => {
  ca = await makeCa();
  leaf = await ca.issue({ dnsNames: ['localhost'], ips: ['127.0.0.1'] });
  tls = await listenTls({ key: leaf.key, cert: leaf.cert });
  wss = await listenWebSocket({ tls: { key: leaf.key, cert: leaf.cert } });
  // Accepted connections are closed at once: the checks are on the client side.
  for (const listener of [tls, wss]) {
    void (async () => {
      for await (const stream of listener) await stream.close();
    })();
  }
});
afterAll(async () => {
  await Promise.all([tls.close(), wss.close()]);
});

const connectors = {
  tls: (pin: string | string[], rejectUnauthorized = true) =>
    connectTls('127.0.0.1', Number(new URL(tls.url).port), {
      ca: ca.cert,
      fingerprint256: pin,
      rejectUnauthorized,
    }),
  wss: (pin: string | string[], rejectUnauthorized = true) =>
    connectWebSocket(wss.url, { ca: ca.cert, fingerprint256: pin, rejectUnauthorized }),
};

/** The same fingerprint, spelled the ways people paste it. */
function spellings(fingerprint: string): string[] {
  const bare = fingerprint.replaceAll(':', '');
  return [
    fingerprint,
    fingerprint.toLowerCase(),
    bare,
    `sha256:${bare.toLowerCase()}`,
    `SHA256:${fingerprint}`,
  ];
}

function otherPin(fingerprint: string): string {
  const last = fingerprint.at(-1) === '0' ? '1' : '0';
  return `${fingerprint.slice(0, -1)}${last}`;
}

for (const [name, connect] of Object.entries(connectors)) {
  describe(`${name}:// pins`, () => {
    it('accepts every spelling of the right fingerprint', async () => {
      for (const pin of spellings(leaf.fingerprint256)) {
        const stream = await connect(pin);
        await stream.close();
      }
    });

    it('takes several pins as any of them', async () => {
      const stream = await connect([otherPin(leaf.fingerprint256), leaf.fingerprint256]);
      await stream.close();
      await expect(connect([otherPin(leaf.fingerprint256)])).rejects.toBeInstanceOf(
        AuthenticationError,
      );
    });

    it('holds a pin even with rejectUnauthorized: false', async () => {
      const error = await connect(otherPin(leaf.fingerprint256), false).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(String(error)).toContain('pinned');
      const ok = await connect(leaf.fingerprint256, false);
      await ok.close();
    });
  });
}
