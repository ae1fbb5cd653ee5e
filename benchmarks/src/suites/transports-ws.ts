// 64 MiB through a WebSocket stream and an SSH tunnel stream, against the raw libraries
// underneath: ws with its own backpressure (send callback), and an ssh2 forwardOut channel
// written with drain. The peer for ws is ws's own createWebSocketStream. The SSH cases need
// the sshd of scripts/engines/sshd.sh and are left out (with a note) without it.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { NodeBackedStream } from '@sluice/stream-core';
import {
  connectWebSocket,
  listenWebSocket,
  type StreamListener,
  TunneledSocketStream,
} from '@sluice/transports';
import { Client, type ClientChannel } from 'ssh2';
import { createWebSocketStream, WebSocket, WebSocketServer } from 'ws';
import type { BenchCase, BenchSuite } from '../harness.js';
import { CHUNK, nodeSend, PAYLOAD, sluiceSend, TOTAL } from '../transfer.js';

/** Reads TOTAL bytes with sluice's non-blocking face, a chunk at a time, waiting on readiness. */
async function sluiceReceive(stream: NodeBackedStream): Promise<void> {
  let got = 0;
  while (got < TOTAL) {
    const chunk = stream.read(Math.min(CHUNK, TOTAL - got));
    if (chunk === null) throw new Error('stream ended early');
    if (chunk.length === 0) await stream.poll(60_000);
    else got += chunk.length;
  }
}

/** Resolves once `count` bytes came out of a Node readable (data events, flowing). */
function nodeReceive(readable: Duplex | Socket, count: number): Promise<void> {
  return new Promise((resolve) => {
    let got = 0;
    const onData = (chunk: Buffer): void => {
      got += chunk.length;
      if (got >= count) {
        readable.off('data', onData);
        resolve();
      }
    };
    readable.on('data', onData);
  });
}

function wsCase(): BenchCase {
  let listener: StreamListener;
  let client: NodeBackedStream;
  let server: NodeBackedStream;
  let rawServer: WebSocketServer;
  let rawClient: WebSocket;
  let rawPeer: WebSocket;
  let peerClient: Duplex;
  let peerServer: Duplex;
  let peerRawClient: WebSocket;
  let peerRawServer: WebSocket;

  const rawPair = async (): Promise<[WebSocket, WebSocket]> => {
    const address = rawServer.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const accepted = once(rawServer, 'connection') as Promise<[WebSocket]>;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
    await once(ws, 'open');
    const [peer] = await accepted;
    return [ws, peer];
  };

  return {
    name: 'ws://, 64 MiB one way',
    bytes: TOTAL,
    goal: { limit: 0.9 },
    setupEachRound: true,
    setup: async () => {
      listener = await listenWebSocket({ pingIntervalMs: 0 });
      [client, server] = await Promise.all([
        connectWebSocket(listener.url, { pingIntervalMs: 0 }),
        listener.accept(),
      ]);
      rawServer = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
      await once(rawServer, 'listening');
      [rawClient, rawPeer] = await rawPair();
      [peerRawClient, peerRawServer] = await rawPair();
      peerClient = createWebSocketStream(peerRawClient);
      peerServer = createWebSocketStream(peerRawServer);
    },
    sluice: async () => {
      await Promise.all([sluiceSend(client), sluiceReceive(server)]);
    },
    peerName: 'createWebSocketStream',
    peer: async () => {
      await Promise.all([nodeSend(peerClient), nodeReceive(peerServer, TOTAL)]);
    },
    // The limit: ws itself, one binary message per chunk, paced by its send callbacks.
    limit: async () => {
      const received = new Promise<void>((resolve) => {
        let got = 0;
        const onMessage = (data: Buffer): void => {
          got += data.length;
          if (got >= TOTAL) {
            rawPeer.off('message', onMessage);
            resolve();
          }
        };
        rawPeer.on('message', onMessage);
      });
      // At most 1 MiB handed to ws and not yet written to the socket, counted by send callbacks.
      let inFlight = 0;
      let wake: (() => void) | undefined;
      const sentOne = (): void => {
        inFlight -= CHUNK;
        wake?.();
      };
      for (let sent = 0; sent < TOTAL; sent += CHUNK) {
        while (inFlight >= 1024 * 1024) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
        inFlight += CHUNK;
        rawClient.send(PAYLOAD, { binary: true }, sentOne);
      }
      await received;
    },
    teardown: async () => {
      await Promise.allSettled([client.close(), server.close()]);
      await listener.close();
      for (const ws of [rawClient, rawPeer, peerRawClient, peerRawServer]) ws.terminate();
      rawServer.close();
    },
  };
}

interface SshEngine {
  port: number;
  username: string;
  privateKey: string;
  fingerprint: string;
  /** Paths, for the OpenSSH client. */
  keyPath: string;
  knownHostsPath: string;
}

function sshEngine(): SshEngine | undefined {
  const dir = new URL('../../../.cache/engines/sshd/', import.meta.url);
  try {
    const read = (name: string): string => readFileSync(new URL(name, dir), 'utf8').trim();
    return {
      port: Number(read('port')),
      username: read('user'),
      privateKey: `${read('client_key')}\n`,
      fingerprint: read('host_fingerprint'),
      keyPath: fileURLToPath(new URL('client_key', dir)),
      knownHostsPath: fileURLToPath(new URL('known_hosts', dir)),
    };
  } catch {
    return undefined;
  }
}

function sshCase(engine: SshEngine): BenchCase {
  let target: Server;
  const accepted: Socket[] = [];
  let tunnel: TunneledSocketStream;
  let tunnelPeer: Socket;
  let rawClient: Client;
  let rawChannel: ClientChannel;
  let rawPeer: Socket;
  let openssh: ChildProcess | undefined;
  let forwarded: Socket;
  let forwardedPeer: Socket;

  const nextSocket = async (): Promise<Socket> => {
    while (accepted.length === 0) await once(target, 'connection');
    return accepted.shift() as Socket;
  };

  return {
    name: 'ssh:// tunnel, 64 MiB one way',
    bytes: TOTAL,
    goal: { limit: 0.9 },
    setupEachRound: true,
    setup: async () => {
      target = createServer((socket) => accepted.push(socket));
      target.listen(0, '127.0.0.1');
      await once(target, 'listening');
      const address = target.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const options = {
        host: '127.0.0.1',
        port: engine.port,
        username: engine.username,
        privateKey: engine.privateKey,
        hostFingerprint: engine.fingerprint,
        target: { host: '127.0.0.1', port },
      };
      tunnel = await TunneledSocketStream.connect(options);
      tunnelPeer = await nextSocket();
      rawClient = new Client();
      rawClient.connect({ ...options, hostVerifier: () => true });
      await once(rawClient, 'ready');
      rawChannel = await new Promise((resolve, reject) =>
        rawClient.forwardOut('127.0.0.1', 0, '127.0.0.1', port, (error, channel) =>
          error ? reject(error) : resolve(channel),
        ),
      );
      rawPeer = await nextSocket();
      // The peer: what RPyC does, OpenSSH's own `ssh -L` to a local port, and a socket to it.
      const localPort = await freePort();
      openssh = spawn(
        'ssh',
        [
          '-N',
          '-o',
          'ExitOnForwardFailure=yes',
          '-o',
          'StrictHostKeyChecking=yes',
          '-o',
          `UserKnownHostsFile=${engine.knownHostsPath}`,
          '-o',
          'BatchMode=yes',
          '-i',
          engine.keyPath,
          '-p',
          String(engine.port),
          '-L',
          `127.0.0.1:${localPort}:127.0.0.1:${port}`,
          `${engine.username}@127.0.0.1`,
        ],
        { stdio: 'ignore' },
      );
      forwarded = await connectWhenUp(localPort, openssh);
      forwardedPeer = await nextSocket();
    },
    sluice: async () => {
      await Promise.all([sluiceSend(tunnel), nodeReceive(tunnelPeer, TOTAL)]);
    },
    peerName: 'ssh -L (OpenSSH)',
    peer: async () => {
      await Promise.all([nodeSend(forwarded), nodeReceive(forwardedPeer, TOTAL)]);
    },
    limit: async () => {
      await Promise.all([nodeSend(rawChannel), nodeReceive(rawPeer, TOTAL)]);
    },
    teardown: async () => {
      await tunnel.close();
      rawClient.end();
      for (const socket of [tunnelPeer, rawPeer, forwarded, forwardedPeer]) socket?.destroy();
      openssh?.kill();
      target.close();
    },
  };
}

/** A loopback port that was free a moment ago (racy, as RPyC's own way is). */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Connects to the ssh -L port once OpenSSH listens there (it says nothing when it is ready). */
async function connectWhenUp(port: number, child: ChildProcess): Promise<Socket> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`ssh -L exited with ${child.exitCode}`);
    const socket = tcpConnect(port, '127.0.0.1');
    const outcome = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    if (outcome) return socket;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('ssh -L did not open its port within 5 s');
}

const engine = sshEngine();
if (!engine)
  console.error('  (no sshd from scripts/engines/sshd.sh: the SSH tunnel case is left out)');

export const suite: BenchSuite = {
  name: 'transports-ws',
  cases: [wsCase(), ...(engine ? [sshCase(engine)] : [])],
};
