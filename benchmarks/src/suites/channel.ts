// channel: framed messages over one real TCP loopback connection per side, vs the peers a
// user would otherwise pick (it-length-prefixed, length-prefixed-stream) and vs the raw
// socket moving the same bytes with no framing (the limit). Compression is measured without
// a transport: the channel's codec (what a channel does per message: compression layer,
// framing, deframing, decompression) against calling zlib directly on the same messages;
// compressed channels over TCP are compared with zlib + it-length-prefixed over TCP.
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { connect, createServer, type Socket } from 'node:net';
import type { Duplex, Transform } from 'node:stream';
import zlib from 'node:zlib';
import {
  BatchingChannel,
  Channel,
  type CodecOptions,
  CompressedChannel,
  MessageCodec,
} from '@sluice/channel';
import { type ByteStream, MAX_BUFFER_SIZE } from '@sluice/stream-core';
import { listenTcp, SocketStream } from '@sluice/transports';
import * as lp from 'it-length-prefixed';
import type { BenchCase, BenchSuite } from '../harness.js';

// length-prefixed-stream ships no types: the two factories it exports.
const lps = createRequire(import.meta.url)('length-prefixed-stream') as {
  encode(): Transform;
  decode(options?: { limit?: number }): Transform;
};

const MAX = 64 * 1024 * 1024;

async function tcpPair(): Promise<[Socket, Socket]> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  const [peer] = await accepted;
  server.close();
  client.setNoDelay(true);
  peer.setNoDelay(true);
  return [client, peer];
}

async function writeAllTo(w: Duplex, messages: readonly Uint8Array[]): Promise<void> {
  for (const m of messages) if (!w.write(m)) await once(w, 'drain');
}

/** Writes as the channel does: corked until the end of each tick, 'drain' awaited past 1 MiB. */
async function writeCorked(w: Duplex, messages: readonly Uint8Array[]): Promise<void> {
  const corkForTick = (): void => {
    w.cork();
    process.nextTick(() => w.uncork());
  };
  corkForTick();
  for (const m of messages) {
    if (!w.write(m) && w.writableLength > MAX_BUFFER_SIZE) {
      await once(w, 'drain');
      corkForTick();
    }
  }
}

/** A way of moving messages one way and of echoing them (round trip). */
interface Contender {
  setup(): Promise<void>;
  oneWay(messages: readonly Uint8Array[]): Promise<void>;
  roundTrip(message: Uint8Array, times: number): Promise<void>;
  teardown(): void;
}

// sluice as its users run it: channels over the TCP streams of @sluice/transports (which read
// through `onread`, so a channel reads large messages straight into their buffers).
function sluice(make: (s: ByteStream) => Channel): Contender {
  let streams: SocketStream[] = [];
  let tx: Channel;
  let rx: Channel;
  return {
    async setup() {
      const listener = await listenTcp({ host: '127.0.0.1' });
      const port = Number(new URL(listener.url).port);
      const [client, server] = await Promise.all([
        SocketStream.connect('127.0.0.1', port),
        listener.accept(),
      ]);
      await listener.close();
      streams = [client, server as SocketStream];
      tx = make(client);
      rx = make(server);
    },
    async oneWay(messages) {
      const receiving = (async () => {
        for (let i = 0; i < messages.length; i++) await rx.recv();
      })();
      for (const m of messages) await tx.send(m);
      await tx.flush();
      await receiving;
    },
    async roundTrip(message, times) {
      const echo = (async () => {
        for (let i = 0; i < times; i++) {
          await rx.send(await rx.recv());
          await rx.flush();
        }
      })();
      for (let i = 0; i < times; i++) {
        await tx.send(message);
        await tx.flush();
        await tx.recv();
      }
      await echo;
    },
    teardown() {
      for (const s of streams) s.socket.destroy();
    },
  };
}

/** Optional per-message work a peer user would add themselves (e.g. zlib around each message). */
interface Codec {
  encode(m: Uint8Array): Uint8Array;
  decode(m: Uint8Array): Uint8Array;
}
const identity: Codec = { encode: (m) => m, decode: (m) => m };

function itLengthPrefixed(codec: Codec = identity): Contender {
  let a: Socket;
  let b: Socket;
  let fromA: AsyncIterator<{ subarray(): Uint8Array }>;
  let fromB: AsyncIterator<{ subarray(): Uint8Array }>;
  const frame = (m: Uint8Array): Uint8Array =>
    lp.encode.single(codec.encode(m), { maxDataLength: MAX }).subarray();
  return {
    async setup() {
      [a, b] = await tcpPair();
      fromA = lp.decode(b, { maxDataLength: MAX })[Symbol.asyncIterator]();
      fromB = lp.decode(a, { maxDataLength: MAX })[Symbol.asyncIterator]();
    },
    async oneWay(messages) {
      const receiving = (async () => {
        for (let i = 0; i < messages.length; i++)
          codec.decode((await fromA.next()).value!.subarray());
      })();
      for (const m of messages) if (!a.write(frame(m))) await once(a, 'drain');
      await receiving;
    },
    async roundTrip(message, times) {
      const echo = (async () => {
        for (let i = 0; i < times; i++) b.write(frame((await fromA.next()).value!.subarray()));
      })();
      for (let i = 0; i < times; i++) {
        a.write(frame(message));
        (await fromB.next()).value!.subarray();
      }
      await echo;
    },
    teardown() {
      a.destroy();
      b.destroy();
    },
  };
}

function lengthPrefixedStream(): Contender {
  let sockets: Socket[] = [];
  let encA: Transform;
  let encB: Transform;
  let onA: (m: Buffer) => void = () => {};
  let onB: (m: Buffer) => void = () => {};
  return {
    async setup() {
      sockets = await tcpPair();
      const [a, b] = sockets as [Socket, Socket];
      encA = lps.encode();
      encB = lps.encode();
      encA.pipe(a);
      encB.pipe(b);
      b.pipe(lps.decode({ limit: MAX })).on('data', (m: Buffer) => onA(m));
      a.pipe(lps.decode({ limit: MAX })).on('data', (m: Buffer) => onB(m));
    },
    async oneWay(messages) {
      const receiving = new Promise<void>((resolve) => {
        let left = messages.length;
        onA = () => {
          if (--left === 0) resolve();
        };
      });
      await writeAllTo(encA, messages);
      await receiving;
    },
    async roundTrip(message, times) {
      onA = (m) => encB.write(m);
      for (let i = 0; i < times; i++) {
        const back = new Promise<void>((resolve) => {
          onB = () => resolve();
        });
        encA.write(message);
        await back;
      }
    },
    teardown() {
      for (const s of sockets) s.destroy();
    },
  };
}

// The limit: the same payload bytes through the same kind of socket, no framing at all.
// `corked: false` writes each message as a user of a raw socket does (write, and wait for
// 'drain' when `write()` says so). `corked: true` writes them as the channel itself does
// (corked for the tick: one writev; 'drain' awaited only past the 1 MiB write bound): the
// stricter limit, where only framing and handing out whole messages separate the two.
function rawSocket({ corked } = { corked: false }): Contender {
  let a: Socket;
  let b: Socket;
  let onB: (n: number) => void = () => {};
  let onA: (n: number) => void = () => {};
  return {
    async setup() {
      [a, b] = await tcpPair();
      b.on('data', (chunk: Buffer) => onB(chunk.length));
      a.on('data', (chunk: Buffer) => onA(chunk.length));
    },
    async oneWay(messages) {
      let total = 0;
      for (const m of messages) total += m.length;
      const receiving = new Promise<void>((resolve) => {
        onB = (n) => {
          total -= n;
          if (total === 0) resolve();
        };
      });
      if (corked) await writeCorked(a, messages);
      else await writeAllTo(a, messages);
      await receiving;
    },
    async roundTrip(message, times) {
      let echoed = 0;
      onB = (n) => {
        echoed += n;
        while (echoed >= message.length) {
          echoed -= message.length;
          b.write(message);
        }
      };
      for (let i = 0; i < times; i++) {
        let got = 0;
        await new Promise<void>((resolve) => {
          onA = (n) => {
            got += n;
            if (got >= message.length) resolve();
          };
          a.write(message);
        });
      }
    },
    teardown() {
      a.destroy();
      b.destroy();
    },
  };
}

function messagesOf(count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => Buffer.alloc(size, i & 0xff));
}

interface Trio {
  sluice: Contender;
  peer?: Contender;
  peerName?: string;
  limit?: Contender;
}

function oneWayCase(
  name: string,
  trio: Trio,
  messages: readonly Uint8Array[],
  goal: BenchCase['goal'],
): BenchCase {
  const bytes = messages.reduce((n, m) => n + m.length, 0);
  const small = messages[0]!.length < 1024;
  const all = [trio.sluice, trio.peer, trio.limit].filter((c) => c !== undefined);
  return {
    name,
    ...(small ? { units: messages.length } : { bytes }),
    sluice: () => trio.sluice.oneWay(messages),
    ...(trio.peer ? { peer: () => trio.peer!.oneWay(messages), peerName: trio.peerName } : {}),
    ...(trio.limit ? { limit: () => trio.limit!.oneWay(messages) } : {}),
    goal,
    setupEachRound: true,
    setup: async () => {
      for (const c of all) await c.setup();
    },
    teardown: () => {
      for (const c of all) c.teardown();
    },
  };
}

// Text-like records: compressible about 4:1, like JSON a program would send.
function textMessages(count: number, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let seed = 1;
  for (let i = 0; i < count; i++) {
    let s = '';
    while (s.length < size) {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      s += `{"id":${seed % 100_000},"name":"user${seed % 977}","active":${seed % 2 === 0},"score":${(seed % 10_000) / 100}}\n`;
    }
    out.push(Buffer.from(s.slice(0, size)));
  }
  return out;
}

// What the channel's compression does, done directly: compress and decompress each message.
function directZlib(
  compress: (m: Uint8Array) => Uint8Array,
  decompress: (m: Uint8Array) => Uint8Array,
): Contender {
  return {
    async setup() {},
    async oneWay(messages) {
      for (const m of messages) decompress(compress(m));
    },
    async roundTrip() {},
    teardown() {},
  };
}

// What a channel does per message, without the transport: encode (compression layer and
// framing), feed the frames to a frame decoder, decode (decompression). Awaits only when the
// codec answers with a promise (large messages go to the thread pool).
function channelCodec(compress: CodecOptions['compress']): Contender {
  const codec = new MessageCodec({ compress, maxMessageSize: MAX });
  const decoder = codec.frameDecoder();
  return {
    async setup() {},
    async oneWay(messages) {
      for (const m of messages) {
        const encoded = codec.encode(m);
        for (const part of Array.isArray(encoded) ? encoded : await encoded) decoder.push(part);
        const decoded = codec.decode(decoder.shift()!);
        if (!Array.isArray(decoded)) await decoded;
      }
    },
    async roundTrip() {},
    teardown() {},
  };
}

function roundTripCase(name: string, trio: Trio, message: Uint8Array, times: number): BenchCase {
  const all = [trio.sluice, trio.peer, trio.limit].filter((c) => c !== undefined);
  return {
    name,
    units: times,
    sluice: () => trio.sluice.roundTrip(message, times),
    ...(trio.peer
      ? { peer: () => trio.peer!.roundTrip(message, times), peerName: trio.peerName }
      : {}),
    ...(trio.limit ? { limit: () => trio.limit!.roundTrip(message, times) } : {}),
    setup: async () => {
      for (const c of all) await c.setup();
    },
    teardown: () => {
      for (const c of all) c.teardown();
    },
  };
}

const tiny = messagesOf(10_000, 64);
const text = textMessages(64, 64 * 1024);
const Z = zlib.constants;
const batching = (): Contender => sluice((s) => new BatchingChannel(s));
const plain = (): Contender => sluice((s) => new Channel(s));
const itlp = { peer: itLengthPrefixed(), peerName: 'it-length-prefixed' };
const lpsPeer = { peer: lengthPrefixedStream(), peerName: 'length-prefixed-stream' };

// zlib called directly, as a user would: one convenience call per message each way.
const deflate6 = (m: Uint8Array): Uint8Array => zlib.deflateSync(m, { level: 6 });
const inflate = (m: Uint8Array): Uint8Array => zlib.inflateSync(m, { maxOutputLength: MAX });
const zstd3 = (m: Uint8Array): Uint8Array =>
  zlib.zstdCompressSync(m, { params: { [Z.ZSTD_c_compressionLevel]: 3 } });
const unzstd = (m: Uint8Array): Uint8Array => zlib.zstdDecompressSync(m, { maxOutputLength: MAX });

// BENCH_CASE=<substring> measures only the cases whose name contains it.
const only = process.env.BENCH_CASE;

export const suite: BenchSuite = {
  name: 'channel',
  cases: [
    oneWayCase(
      '64 B one-way, BatchingChannel(10)',
      { sluice: batching(), ...itlp, limit: rawSocket() },
      tiny,
      { peer: 2 },
    ),
    oneWayCase(
      '64 B one-way, BatchingChannel(10)',
      { sluice: batching(), peer: lengthPrefixedStream(), peerName: 'length-prefixed-stream' },
      tiny,
      { peer: 2 },
    ),
    oneWayCase(
      '64 B one-way, Channel (no batching)',
      { sluice: plain(), peer: itLengthPrefixed(), peerName: 'it-length-prefixed' },
      tiny,
      undefined,
    ),
    roundTripCase(
      '64 B round trip, Channel (no batching)',
      {
        sluice: plain(),
        peer: itLengthPrefixed(),
        peerName: 'it-length-prefixed',
        limit: rawSocket(),
      },
      tiny[0]!,
      1000,
    ),
    roundTripCase(
      '64 B round trip, Channel (no batching)',
      { sluice: plain(), ...lpsPeer },
      tiny[0]!,
      1000,
    ),
    oneWayCase(
      '64 KiB one-way',
      {
        sluice: plain(),
        peer: itLengthPrefixed(),
        peerName: 'it-length-prefixed',
        limit: rawSocket(),
      },
      messagesOf(256, 64 * 1024),
      { limit: 0.9 },
    ),
    oneWayCase(
      '64 KiB one-way',
      { sluice: plain(), peer: lengthPrefixedStream(), peerName: 'length-prefixed-stream' },
      messagesOf(256, 64 * 1024),
      undefined,
    ),
    oneWayCase(
      '64 KiB one-way, limit: raw socket with a corked writer',
      { sluice: plain(), limit: rawSocket({ corked: true }) },
      messagesOf(256, 64 * 1024),
      undefined,
    ),
    oneWayCase(
      '16 MiB one-way',
      {
        sluice: plain(),
        peer: itLengthPrefixed(),
        peerName: 'it-length-prefixed',
        limit: rawSocket(),
      },
      messagesOf(4, 16 * 1024 * 1024),
      { limit: 0.9 },
    ),
    oneWayCase(
      '16 MiB one-way',
      { sluice: plain(), peer: lengthPrefixedStream(), peerName: 'length-prefixed-stream' },
      messagesOf(4, 16 * 1024 * 1024),
      undefined,
    ),
    oneWayCase(
      '64 KiB JSON-like text, codec with deflate 6 (no transport)',
      {
        sluice: channelCodec({ algorithm: 'deflate', level: 6 }),
        limit: directZlib(deflate6, inflate),
      },
      text,
      { limit: 0.9 },
    ),
    oneWayCase(
      '64 KiB JSON-like text, codec with zstd 3 (no transport)',
      { sluice: channelCodec({ algorithm: 'zstd', level: 3 }), limit: directZlib(zstd3, unzstd) },
      text,
      { limit: 0.9 },
    ),
    oneWayCase(
      '64 KiB JSON-like text, CompressedChannel (deflate 6) over TCP',
      {
        sluice: sluice((s) => new CompressedChannel(s, 6)),
        peer: itLengthPrefixed({ encode: deflate6, decode: inflate }),
        peerName: 'zlib + it-length-prefixed',
      },
      text,
      undefined,
    ),
    oneWayCase(
      '64 KiB JSON-like text, Channel with zstd 3 over TCP',
      {
        sluice: sluice((s) => new Channel(s, { compress: { algorithm: 'zstd', level: 3 } })),
        peer: itLengthPrefixed({ encode: zstd3, decode: unzstd }),
        peerName: 'zstd + it-length-prefixed',
      },
      text,
      undefined,
    ),
  ].filter((c) => only === undefined || c.name.includes(only)),
};
