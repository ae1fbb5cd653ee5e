// Issue 12, the test kit: the transport compliance suite against stream-core's
// `BufferedStream`, on both sides of a `Stream` pair in memory.
import type { Duplex } from 'node:stream';
import { BufferedStream, type NodeBackedStream, type Stream } from '@sluice/stream-core';
import { defineComplianceSuite } from '@sluice/transports/compliance';
import { describe, it } from 'vitest';
import { memoryFixture, volume } from './fixtures.js';

// The suite's fixture asks for a NodeBackedStream although its checks use only the ByteStream
// contract; this says where the BufferedStream's bytes go, nothing more.
class NodeBackedBufferedStream extends BufferedStream implements NodeBackedStream {
  readonly underlying: Duplex;
  constructor(stream: Stream) {
    super(stream);
    this.underlying = stream.underlying;
  }
}

// Known failure, kept visible: "echo" writes 20 bytes and waits for the peer's answer without
// calling the contract's `flush?.()`, and a BufferedStream holds a small write back until it
// is flushed (as RPyC's does; the contract allows it). The suite should flush what the peer
// must see before it waits (transports/src/testing/compliance.ts). `it.fails` turns red once
// that is fixed: then this wrapper goes.
const knownFailures = new Set(['echo']);
const runner = {
  describe,
  it: (name: string, body: () => Promise<void>) =>
    knownFailures.has(name)
      ? it.fails(`${name} (known failure: the suite waits for a reply without flush)`, body, 5_000)
      : it(name, body),
  skip: it.skip,
};

defineComplianceSuite(
  runner,
  'BufferedStream over the memory pair',
  async () => memoryFixture((s) => new NodeBackedBufferedStream(s)),
  volume,
);
