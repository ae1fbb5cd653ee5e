// noise: the encrypted channel over real TCP loopback connections, vs the two Noise channels a
// user would otherwise pick (@chainsafe/libp2p-noise, @hyperswarm/secret-stream) and vs
// Node's AEAD called directly on the same messages over the same kind of socket (the limit:
// a length prefix, ChaCha20-Poly1305, nothing else). Three figures: handshakes per second
// (a fresh connection each), MiB/s of 64 KiB messages (also with sluice's AESGCM option,
// against an AES-256-GCM limit), and 64-byte messages per second with batching.
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { noise } from '@chainsafe/libp2p-noise';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { AbstractMessageStream, type SendResult } from '@libp2p/utils';
import {
  Channel,
  type ChannelOptions,
  generateKeyPair as generateStaticKeyPair,
} from '@sluice/channel';
import { Stream } from '@sluice/stream-core';
import { listenTcp, SocketStream } from '@sluice/transports';
import type { BenchCase, BenchSuite } from '../harness.js';

// Types of libp2p's that its packages do not re-export to us: what this file uses of them.
type Logger = ConstructorParameters<typeof AbstractMessageStream>[0]['log'];
type Uint8ArrayList = Parameters<AbstractMessageStream['sendData']>[0];
type ComponentLogger = { forComponent(name: string): Logger };

// ---------------------------------------------------------------- sockets

async function listen(): Promise<Server> {
  const server = createServer({ noDelay: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

async function tcpPair(server: Server): Promise<[Socket, Socket]> {
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(client, 'connect');
  const [peer] = await accepted;
  return [client, peer];
}

/** One way of running an encrypted connection: open one (handshake included), move messages. */
interface Contender {
  /** Opens a fresh connection and completes the handshake on both ends. */
  open(): Promise<void>;
  /** Sends every message from the client end; resolves once the server end has them all. */
  oneWay(messages: readonly Uint8Array[]): Promise<void>;
  /** Closes the connection opened last. */
  close(): void;
}

// ---------------------------------------------------------------- the limit

// A KeyObject, made once: the fastest way to call Node's AEAD (a Buffer key costs a key-type
// check per call that is longer than encrypting 64 bytes).
const KEY = createSecretKey(randomBytes(32));
const TAG = 16;

/** The AEADs the limit can run: sluice's ChaChaPoly (the default) and AESGCM. */
type Aead = 'chacha20-poly1305' | 'aes-256-gcm';
// Node's typings pick an overload per literal name; both AEADs take the same calls here.
type AeadName = 'chacha20-poly1305';

function seal(counter: number, plaintext: Uint8Array, aead: Aead): Buffer[] {
  const iv = Buffer.alloc(12);
  iv.writeUInt32LE(counter, 4);
  const c = createCipheriv(aead as AeadName, KEY, iv, { authTagLength: TAG });
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(plaintext.length + TAG);
  c.setAAD(header, { plaintextLength: plaintext.length });
  const body = c.update(plaintext);
  c.final();
  return [header, body, c.getAuthTag()];
}

function open(counter: number, header: Buffer, record: Buffer, aead: Aead): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32LE(counter, 4);
  const end = record.length - TAG;
  const d = createDecipheriv(aead as AeadName, KEY, iv, { authTagLength: TAG });
  d.setAAD(header, { plaintextLength: end });
  d.setAuthTag(record.subarray(end));
  const plain = d.update(record.subarray(0, end));
  d.final();
  return plain;
}

/** Cuts 4-byte-length-prefixed records out of chunks: views where a record lies in one chunk. */
class RecordCutter {
  #chunks: Buffer[] = [];
  #buffered = 0;
  readonly #onRecord: (header: Buffer, record: Buffer) => void;
  constructor(onRecord: (header: Buffer, record: Buffer) => void) {
    this.#onRecord = onRecord;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (this.#buffered < 4) return;
      let first = this.#chunks[0] as Buffer;
      if (first.length < 4) first = this.#join();
      const length = first.readUInt32BE(0);
      if (this.#buffered < 4 + length) return;
      if (first.length < 4 + length) first = this.#join();
      this.#onRecord(first.subarray(0, 4), first.subarray(4, 4 + length));
      const rest = first.subarray(4 + length);
      this.#buffered -= 4 + length;
      if (rest.length) this.#chunks[0] = rest;
      else this.#chunks.shift();
    }
  }

  #join(): Buffer {
    const all = Buffer.concat(this.#chunks, this.#buffered);
    this.#chunks = [all];
    return all;
  }
}

/**
 * Node's AEAD called directly: each message (or each batch of `batch` messages, joined with
 * 4-byte length prefixes) is one record (ChaCha20-Poly1305 unless `aead` says AES-256-GCM)
 * behind a 4-byte length that is also its associated data, written corked for the tick; the
 * receiver cuts records and opens each. No handshake, no rekey, no end of stream: the cost
 * of the cipher and the socket alone.
 */
function rawAead(batch = 1, aead: Aead = 'chacha20-poly1305'): Contender {
  let server: Server;
  let a: Socket;
  let b: Socket;
  let onRecord: (plain: Buffer) => void = () => {};
  let sent = 0;
  return {
    async open() {
      server ??= await listen();
      [a, b] = await tcpPair(server);
      sent = 0;
      const cutter = new RecordCutter((header, record) =>
        onRecord(open(counter++, header, record, aead)),
      );
      let counter = 0;
      b.on('data', (chunk: Buffer) => cutter.push(chunk));
    },
    async oneWay(messages) {
      let left = messages.length;
      const received = new Promise<void>((resolve) => {
        onRecord = (plain) => {
          if (batch > 1) {
            for (let at = 0; at < plain.length; at += 4 + plain.readUInt32BE(at)) left -= 1;
          } else left -= 1;
          if (left === 0) resolve();
        };
      });
      a.cork();
      for (let i = 0; i < messages.length; i += batch) {
        let plaintext: Uint8Array;
        if (batch === 1) plaintext = messages[i] as Uint8Array;
        else {
          const parts: Buffer[] = [];
          for (const m of messages.slice(i, i + batch)) {
            const prefix = Buffer.allocUnsafe(4);
            prefix.writeUInt32BE(m.length);
            parts.push(prefix, m as Buffer);
          }
          plaintext = Buffer.concat(parts);
        }
        let ok = true;
        for (const part of seal(sent++, plaintext, aead)) ok = a.write(part);
        if (!ok) {
          a.uncork();
          await once(a, 'drain');
          a.cork();
        }
      }
      a.uncork();
      await received;
    },
    close() {
      a.destroy();
      b.destroy();
    },
  };
}

// ---------------------------------------------------------------- @hyperswarm/secret-stream

// secret-stream ships no types: the parts used here.
interface SecretStream {
  opened: Promise<boolean>;
  write(data: Uint8Array): boolean;
  on(event: 'data', listener: (data: Buffer) => void): void;
  once(event: 'drain', listener: () => void): void;
  destroy(): void;
}
const SecretStreamClass = createRequire(import.meta.url)('@hyperswarm/secret-stream') as new (
  initiator: boolean,
  raw: Socket,
) => SecretStream;

function secretStream(): Contender {
  let server: Server;
  let a: SecretStream;
  let b: SecretStream;
  let onData: (data: Buffer) => void = () => {};
  return {
    async open() {
      server ??= await listen();
      const [client, peer] = await tcpPair(server);
      a = new SecretStreamClass(true, client);
      b = new SecretStreamClass(false, peer);
      b.on('data', (data) => onData(data));
      await Promise.all([a.opened, b.opened]);
    },
    async oneWay(messages) {
      let left = messages.length;
      const received = new Promise<void>((resolve) => {
        // Each write arrives as one message ('data' event) on the other end.
        onData = () => {
          if (--left === 0) resolve();
        };
      });
      for (const m of messages) {
        if (!a.write(m)) await new Promise<void>((resolve) => a.once('drain', resolve));
      }
      await received;
    },
    close() {
      a.destroy();
      b.destroy();
    },
  };
}

// ---------------------------------------------------------------- @chainsafe/libp2p-noise

// libp2p-noise encrypts a libp2p MessageStream. libp2p's TCP transport is what makes one from
// a socket; this is the few lines of it that matter: bytes in and out of a net.Socket, with
// its backpressure. Logging is switched off (a no-op logger), as in a production node.
const silent = Object.assign(() => {}, {
  error: () => {},
  trace: () => {},
  enabled: false,
  newScope: () => silent,
}) as unknown as Logger;
const logger = { forComponent: () => silent } as unknown as ComponentLogger;

class SocketMessageStream extends AbstractMessageStream {
  readonly #socket: Socket;
  constructor(socket: Socket, direction: 'inbound' | 'outbound') {
    super({ log: silent, direction });
    this.#socket = socket;
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('drain', () => this.safeDispatchEvent('drain'));
    socket.on('end', () => this.onRemoteCloseWrite());
    socket.on('close', () => this.onTransportClosed());
  }
  sendData(data: Uint8ArrayList): SendResult {
    let canSendMore = true;
    for (const part of data) canSendMore = this.#socket.write(part);
    return { sentBytes: data.byteLength, canSendMore };
  }
  sendReset(): void {
    this.#socket.destroy();
  }
  sendPause(): void {
    this.#socket.pause();
  }
  sendResume(): void {
    this.#socket.resume();
  }
  async close(): Promise<void> {
    this.#socket.end();
  }
}

type Encrypter = ReturnType<ReturnType<typeof noise>>;
type Secured = Awaited<ReturnType<Encrypter['secureOutbound']>>['connection'];

async function libp2pEncrypter(): Promise<Encrypter> {
  const privateKey = await generateKeyPair('Ed25519');
  return noise()({
    privateKey,
    peerId: peerIdFromPrivateKey(privateKey),
    logger,
    upgrader: { getStreamMuxers: () => new Map() },
  } as unknown as Parameters<ReturnType<typeof noise>>[0]);
}

function libp2pNoise(): Contender {
  let server: Server;
  let ends: [Encrypter, Encrypter];
  let sockets: Socket[] = [];
  let a: Secured;
  let onMessage: (bytes: number) => void = () => {};
  return {
    async open() {
      server ??= await listen();
      ends ??= [await libp2pEncrypter(), await libp2pEncrypter()];
      const [client, peer] = await tcpPair(server);
      sockets = [client, peer];
      const options = { skipStreamMuxerNegotiation: true };
      const [outbound, inbound] = await Promise.all([
        ends[0].secureOutbound(new SocketMessageStream(client, 'outbound'), options),
        ends[1].secureInbound(new SocketMessageStream(peer, 'inbound'), options),
      ]);
      a = outbound.connection;
      inbound.connection.addEventListener('message', (event) => onMessage(event.data.byteLength));
    },
    async oneWay(messages) {
      // libp2p-noise cuts messages into Noise messages of at most 65,519 plaintext bytes and
      // does not keep message boundaries: count bytes.
      let left = messages.reduce((n, m) => n + m.length, 0);
      const received = new Promise<void>((resolve) => {
        onMessage = (bytes) => {
          left -= bytes;
          if (left === 0) resolve();
        };
      });
      for (const m of messages) if (!a.send(m)) await a.onDrain();
      await received;
    },
    close() {
      for (const s of sockets) s.destroy();
    },
  };
}

// ---------------------------------------------------------------- sluice

// sluice as its users run it: channels over the TCP streams of @sluice/transports.
function sluice(options: ChannelOptions, serverOptions: ChannelOptions = options): Contender {
  let listener: Awaited<ReturnType<typeof listenTcp>>;
  let port: number;
  let streams: SocketStream[] = [];
  let tx: Channel;
  let rx: Channel;
  return {
    async open() {
      if (!listener) {
        listener = await listenTcp({ host: '127.0.0.1' });
        port = Number(new URL(listener.url).port);
      }
      const [client, server] = await Promise.all([
        SocketStream.connect('127.0.0.1', port),
        listener.accept(),
      ]);
      streams = [client, server as SocketStream];
      tx = new Channel(client, options);
      rx = new Channel(server, serverOptions);
      await Promise.all([tx.handshake(), rx.handshake()]);
    },
    async oneWay(messages) {
      const receiving = (async () => {
        for (let i = 0; i < messages.length; i++) await rx.recv();
      })();
      for (const m of messages) await tx.send(m);
      await tx.flush();
      await receiving;
    },
    close() {
      for (const s of streams) s.socket.destroy();
    },
  };
}

// sluice over the very sockets the peers get (the suite's own `tcpPair`, each wrapped in a
// plain stream-core `Stream`): the handshake alone, without @sluice/transports' connection
// set-up (its connect and accept, and the in-place reads each of its sockets is made with).
function sluiceOnSockets(options: ChannelOptions, serverOptions: ChannelOptions): Contender {
  let server: Server;
  let sockets: Socket[] = [];
  return {
    async open() {
      server ??= await listen();
      const [client, peer] = await tcpPair(server);
      sockets = [client, peer];
      const tx = new Channel(new Stream(client), options);
      const rx = new Channel(new Stream(peer), serverOptions);
      await Promise.all([tx.handshake(), rx.handshake()]);
    },
    async oneWay() {
      throw new Error('sluiceOnSockets measures handshakes only');
    },
    close() {
      for (const s of sockets) s.destroy();
    },
  };
}

// ---------------------------------------------------------------- cases

const PSK = randomBytes(32);
const psk: ChannelOptions = { encrypt: { key: PSK } };
// Identity mode: each end pins the other's public key.
function identity(): [ChannelOptions, ChannelOptions] {
  const a = generateStaticKeyPair();
  const b = generateStaticKeyPair();
  return [
    { encrypt: { staticKeyPair: a, allowedPeers: [b.publicKey] } },
    { encrypt: { staticKeyPair: b, allowedPeers: [a.publicKey] } },
  ];
}

/** Handshakes per second: a fresh TCP connection, the whole handshake, and its close. */
function handshakeCase(name: string, own: Contender, peer: Contender, peerName: string): BenchCase {
  const connectOnce = (c: Contender) => async () => {
    await c.open();
    c.close();
  };
  return { name, sluice: connectOnce(own), peer: connectOnce(peer), peerName, goal: { peer: 1 } };
}

/** Messages one way over one connection per side, fresh every round. */
function oneWayCase(
  name: string,
  sides: { own: Contender; peer?: Contender; peerName?: string; limit?: Contender },
  messages: readonly Uint8Array[],
  goal: BenchCase['goal'],
): BenchCase {
  const all = [sides.own, sides.peer, sides.limit].filter((c) => c !== undefined);
  const small = (messages[0] as Uint8Array).length < 1024;
  return {
    name,
    ...(small ? { units: messages.length } : { bytes: messages.reduce((n, m) => n + m.length, 0) }),
    sluice: () => sides.own.oneWay(messages),
    ...(sides.peer ? { peer: () => sides.peer!.oneWay(messages), peerName: sides.peerName } : {}),
    ...(sides.limit ? { limit: () => sides.limit!.oneWay(messages) } : {}),
    goal,
    setupEachRound: true,
    setup: async () => {
      for (const c of all) await c.open();
    },
    teardown: () => {
      for (const c of all) c.close();
    },
  };
}

const messagesOf = (count: number, size: number): Uint8Array[] =>
  Array.from({ length: count }, (_, i) => Buffer.alloc(size, i & 0xff));
const large = messagesOf(256, 64 * 1024);
const tiny = messagesOf(10_000, 64);
const batched: ChannelOptions = { ...psk, batch: true };
// AES-256-GCM instead of the default ChaCha20-Poly1305 (both sides choose it): for CPUs with
// AES instructions, where it runs faster.
const aesgcm: ChannelOptions = { encrypt: { key: PSK, cipher: 'AESGCM' } };

// BENCH_CASE=<substring> measures only the cases whose name contains it.
const only = process.env.BENCH_CASE;

export const suite: BenchSuite = {
  name: 'noise',
  cases: [
    handshakeCase(
      'handshake + connect, sluice NNpsk0',
      sluice(psk),
      libp2pNoise(),
      'libp2p-noise (XX)',
    ),
    handshakeCase(
      'handshake + connect, sluice NNpsk0',
      sluice(psk),
      secretStream(),
      'secret-stream (XX)',
    ),
    handshakeCase(
      'handshake + connect, sluice XX',
      sluice(...identity()),
      libp2pNoise(),
      'libp2p-noise (XX)',
    ),
    handshakeCase(
      'handshake + connect, sluice XX',
      sluice(...identity()),
      secretStream(),
      'secret-stream (XX)',
    ),
    handshakeCase(
      'handshake, same sockets as the peer, sluice NNpsk0',
      sluiceOnSockets(psk, psk),
      secretStream(),
      'secret-stream (XX)',
    ),
    handshakeCase(
      'handshake, same sockets as the peer, sluice XX',
      sluiceOnSockets(...identity()),
      secretStream(),
      'secret-stream (XX)',
    ),
    oneWayCase(
      '64 KiB one-way',
      { own: sluice(psk), peer: libp2pNoise(), peerName: 'libp2p-noise', limit: rawAead() },
      large,
      { peer: 1, limit: 0.85 },
    ),
    oneWayCase(
      '64 KiB one-way',
      { own: sluice(psk), peer: secretStream(), peerName: 'secret-stream' },
      large,
      { peer: 1 },
    ),
    oneWayCase(
      '64 KiB one-way, sluice AESGCM',
      {
        own: sluice(aesgcm),
        peer: secretStream(),
        peerName: 'secret-stream',
        limit: rawAead(1, 'aes-256-gcm'),
      },
      large,
      { peer: 1, limit: 0.85 },
    ),
    oneWayCase(
      '64 B one-way, batching (10)',
      { own: sluice(batched), peer: libp2pNoise(), peerName: 'libp2p-noise', limit: rawAead(10) },
      tiny,
      { peer: 1 },
    ),
    oneWayCase(
      '64 B one-way, batching (10)',
      { own: sluice(batched), peer: secretStream(), peerName: 'secret-stream' },
      tiny,
      { peer: 1 },
    ),
  ].filter((c) => only === undefined || c.name.includes(only)),
};
