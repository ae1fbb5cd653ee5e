// Issue 12, the test kit: the transport compliance suite against a docker-demux `Demuxer`,
// where it applies. The pair is a Docker attach in memory: the client is the container's
// side (its writes leave as stdout frames, its reads are raw stdin), the server reads through
// a Demuxer (payloads out of the frames) and writes raw, as `docker attach` does.
//
// A Demuxer is a read face: its writes pass to the stream under it unframed. So it is the
// server (the side the suite reads from in every data check) and these checks apply to it:
// - echo: framed client → demuxed server, and raw server → client;
// - 64 MiB with backpressure: demultiplexed at volume, the writer bounded by a slow reader;
// - half-close: the client's end of stream reaches the Demuxer after all payloads, and the
//   server can still answer;
// - close() is idempotent: the last payload before the client's close is demultiplexed.
// "peer crash" crashes the server and asserts on the client, so for it the roles swap: the
// Demuxer's side is the client and the container's side dies; the Demuxer's reads must end
// in ConnectionLostError, and its writes (to the stream under it) too. The other checks are
// not registered for that orientation (no `skip` runner is passed, so nothing shows as
// skipped under CI): half-close does not apply (the seed-shaped adapter closes both ways on
// `closeWrite()`), and the rest would test the framing Stream's reads, not the Demuxer's.

import { Stream } from '@sluice/stream-core';
import { memoryDuplexPair } from '@sluice/stream-core/testing';
import { defineComplianceSuite } from '@sluice/transports/compliance';
import { describe, it } from 'vitest';
import { demuxerStream } from './demuxer-stream.js';
import { volume } from './fixtures.js';
import { FramingDuplex } from './framing-duplex.js';

/** A Docker attach in memory: the container's framing side and the Demuxer's side. */
function attachPair() {
  const [containerEnd, clientEnd] = memoryDuplexPair();
  const container = new Stream(new FramingDuplex(containerEnd));
  const attached = new Stream(clientEnd);
  const demuxed = demuxerStream(attached);
  return {
    container,
    demuxed,
    cleanup: async () => {
      await Promise.allSettled([container.close(), demuxed.close(), attached.close()]);
    },
  };
}

defineComplianceSuite(
  { describe, it },
  'docker-demux Demuxer (reading a framed attach stream)',
  async () => {
    const { container, demuxed, cleanup } = attachPair();
    return { client: container, server: demuxed, cleanup };
  },
  { ...volume, skip: ['peer crash'] },
);

defineComplianceSuite(
  { describe, it },
  'docker-demux Demuxer (its container side crashes)',
  async () => {
    const { container, demuxed, cleanup } = attachPair();
    return {
      client: demuxed,
      crashPeer: () => {
        container.underlying.destroy();
      },
      cleanup,
    };
  },
  { skip: ['echo', '64 MiB with backpressure', 'half-close', 'close() is idempotent'] },
);
