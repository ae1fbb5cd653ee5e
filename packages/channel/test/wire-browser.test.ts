// `@sluice/channel/wire` in a browser's terms: bundled by esbuild for the browser (no Node
// built-in may be reached), then run in a bare V8 context that has no `Buffer`, `process` or
// `require`, and made to talk to a Node `Channel` over a real TCP connection both ways.
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchingChannel, Channel } from '../src/index.js';
import type * as Wire from '../src/wire/index.js';
import { type Pair, tcpPair } from './pairs.js';

const entry = fileURLToPath(new URL('../src/wire/index.ts', import.meta.url));

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'sluiceWire',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

// The bundle evaluated where only the language's own globals exist (TextEncoder is a web
// API every page has; it is handed in for the test's own use).
async function loadInBareContext(): Promise<{ wire: typeof Wire; Bytes: typeof Uint8Array }> {
  const context = vm.createContext({ TextEncoder, TextDecoder });
  vm.runInContext(await bundle(), context);
  expect(vm.runInContext('typeof Buffer + typeof process + typeof require', context)).toBe(
    'undefinedundefinedundefined',
  );
  return {
    wire: vm.runInContext('sluiceWire', context) as typeof Wire,
    Bytes: vm.runInContext('Uint8Array', context) as typeof Uint8Array,
  };
}

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.dispose();
  pair = undefined;
});

// The bare context's Uint8Array is another realm's: copy into and out of it explicitly.
const toNode = (b: Uint8Array): Buffer => Buffer.from(Array.from(b));

describe('@sluice/channel/wire', () => {
  it('bundles for the browser without a Node built-in or Buffer', async () => {
    const text = await bundle();
    expect(text).not.toMatch(/\bnode:|\brequire\(/);
    expect(text).not.toMatch(/\bBuffer\b/);
  });

  it('decodes what a Node Channel sends over TCP, in any chunking, and the Channel reads what it encodes', async () => {
    const { wire, Bytes } = await loadInBareContext();
    pair = await tcpPair();
    const node = new Channel(pair.a, { frameSize: 64 * 1024 });
    const big = Buffer.alloc(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const sent = [Buffer.from('hello'), Buffer.alloc(0), big, Buffer.from('€ split')];
    for (const m of sent) await node.send(m);
    await node.flush();

    const decoder = new wire.FrameDecoder({ maxMessageSize: 1024 * 1024 });
    const got: Buffer[] = [];
    let flags = -1;
    while (got.length < sent.length) {
      const chunk = pair.b.read(4096);
      if (chunk === null) throw new Error('ended early');
      if (chunk.length === 0) {
        await pair.b.poll(5000);
        continue;
      }
      // Odd pieces, as a WebSocket or fetch body might hand them over.
      for (let at = 0; at < chunk.length; at += 777) {
        decoder.push(new Bytes(Array.from(chunk.subarray(at, at + 777))));
      }
      for (let m = decoder.shift(); m; m = decoder.shift()) {
        got.push(toNode(m.payload));
        flags = m.flags;
      }
    }
    expect(got).toEqual(sent);
    expect(flags).toBe(0);
    expect(decoder.midMessage).toBe(false);

    // And the other way: frames the bundle encodes, read by the Node Channel.
    const reply = new TextEncoder().encode('from the page');
    const chunked = new Bytes(200_000).map((_, i) => i & 0x7f);
    for (const m of [reply, chunked]) {
      for (const part of wire.encodeFrames(m, 0, { frameSize: 50_000 })) {
        await pair.b.writeAll(toNode(part));
      }
    }
    const rx = new Channel(pair.a);
    expect(Buffer.from(await rx.recv()).toString()).toBe('from the page');
    expect(Buffer.from(await rx.recv())).toEqual(Buffer.from(chunked));
  });

  it('unbatches what a Node BatchingChannel sends', async () => {
    const { wire, Bytes } = await loadInBareContext();
    pair = await tcpPair();
    const node = new BatchingChannel(pair.a, 3, 60);
    for (const m of ['one', 'two', 'three']) await node.send(m);
    await node.flush();
    const decoder = new wire.FrameDecoder();
    let got: string[] = [];
    while (got.length === 0) {
      await pair.b.poll(5000);
      const chunk = pair.b.read();
      if (chunk === null) throw new Error('ended early');
      decoder.push(new Bytes(Array.from(chunk)));
      const m = decoder.shift();
      if (m) {
        expect(m.flags & wire.FLAG_BATCH).toBe(wire.FLAG_BATCH);
        got = wire.decodeBatch(m.payload).map((p) => new TextDecoder().decode(p));
      }
    }
    expect(got).toEqual(['one', 'two', 'three']);
  });

  it('refuses a version-1 peer, an oversized announcement and truncation with typed errors', async () => {
    const { wire, Bytes } = await loadInBareContext();
    const errorOf = (hex: string, end = false, max = 1024): unknown => {
      const d = new wire.FrameDecoder({ maxMessageSize: max });
      d.push(new Bytes(Array.from(Buffer.from(hex, 'hex'))));
      if (end) d.end();
      try {
        d.shift();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(errorOf('010100000000')).toMatchObject({
      code: 'ERR_SLUICE_PROTOCOL',
      name: 'ProtocolError',
      offset: 0,
      message: expect.stringMatching(/wire version 1.*version 2/),
    });
    expect(errorOf('0201ffffffff')).toMatchObject({
      code: 'ERR_SLUICE_BUFFER_OVERFLOW',
      limit: 1024,
      size: 2 ** 32 - 1,
    });
    expect(errorOf('02010000000568', true)).toMatchObject({
      code: 'ERR_SLUICE_CONNECTION_LOST',
      offset: 7,
    });
  });
});
