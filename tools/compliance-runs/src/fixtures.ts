// Fixtures shared by the runs: a connected Stream pair in memory, and what a check may move.

import type { Stream } from '@sluice/stream-core';
import { createStreamPair } from '@sluice/stream-core/testing';
import type { ComplianceFixture, ComplianceOptions } from '@sluice/transports/compliance';

/**
 * Enough data to go through every buffer many times, small enough for seconds on a loaded
 * machine; the bound is well under it, so a writer that ignored backpressure would fail.
 */
export const volume: ComplianceOptions = {
  bytes: 16 * 1024 * 1024,
  maxInFlightBytes: 4 * 1024 * 1024,
};

/** Two `Stream`s over the in-memory pair; `crashPeer` destroys the server's Duplex. */
export function memoryFixture(
  wrap: (s: Stream) => ComplianceFixture['client'] = (s) => s,
): ComplianceFixture {
  const [client, server] = createStreamPair();
  return {
    client: wrap(client),
    server: wrap(server),
    crashPeer: () => {
      server.underlying.destroy();
    },
    cleanup: async () => {
      await Promise.allSettled([client.close(), server.close()]);
    },
  };
}
