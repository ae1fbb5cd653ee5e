// The compliance suite's ByteStream checks over the seed's buffered stack: stream-core's
// `BufferedStream` (32 KiB blocks) on both ends of a real TCP connection, as RPyC's
// `BufferedStream(SocketStream)` is used (issue 12: the suite runs against any ByteStream).
import type { Socket } from 'node:net';
import { BufferedStream } from '@sluice/stream-core';
import { runComplianceSuite } from './compliance/index.js';
import { connectTcp, listenTcp } from './socket.js';

runComplianceSuite('BufferedStream over tcp', async () => {
  const listener = await listenTcp();
  const port = Number(new URL(listener.url).port);
  const [rawClient, rawServer] = await Promise.all([
    connectTcp('127.0.0.1', port),
    listener.accept(),
  ]);
  const client = new BufferedStream(rawClient, 32 * 1024);
  const server = new BufferedStream(rawServer, 32 * 1024);
  return {
    client,
    server,
    crashPeer: () => {
      (rawServer.underlying as Socket).resetAndDestroy();
    },
    cleanup: async () => {
      await Promise.allSettled([client.close(), server.close()]);
      await listener.close();
    },
  };
});
