// Run by testing/compliance.test.ts in a fresh Node process: the published compliance suite,
// imported by package name as a third party would, registered with node:test instead of
// vitest, over this package's own TCP streams.
import { describe, it } from 'node:test';
import { connectTcp, listenTcp } from '@sluice/transports';
import { defineComplianceSuite } from '@sluice/transports/compliance';

defineComplianceSuite(
  { describe, it, skip: (name, body) => it.skip(name, body) },
  'tcp via node:test',
  async () => {
    const listener = await listenTcp();
    const port = Number(new URL(listener.url).port);
    const [client, server] = await Promise.all([connectTcp('127.0.0.1', port), listener.accept()]);
    return {
      client,
      server,
      crashPeer: () => {
        (server.underlying as import('node:net').Socket).resetAndDestroy();
      },
      cleanup: async () => {
        await Promise.allSettled([client.close(), server.close()]);
        await listener.close();
      },
    };
  },
  { bytes: 4 * 1024 * 1024, maxInFlightBytes: 32 * 1024 * 1024 },
);
