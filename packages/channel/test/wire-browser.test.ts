// `@sluice/channel/wire` in a browser: bundled by esbuild for the browser (a Node built-in
// cannot be resolved there, and the bundle's inputs are listed), then run in a real headless
// Chromium page, driven over the DevTools protocol (Node's own WebSocket client), and made to
// talk to a Node `Channel` over a real TCP connection both ways. A bare V8 context (no
// `Buffer`, `process` or `require`) shows that the page's errors and Node's are one family.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { BufferOverflowError, ConnectionLostError, ProtocolError } from '@sluice/stream-core';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BatchingChannel, Channel } from '../src/index.js';
import type * as Wire from '../src/wire/index.js';
import { encodeFrames } from '../src/wire/index.js';
import { type Pair, tcpPair } from './pairs.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const entry = fileURLToPath(new URL('../src/wire/index.ts', import.meta.url));

// What the bundle is made of, as paths from the repository root.
let inputs: string[] = [];

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'sluiceWire',
    // The workspace packages' sources, as vitest resolves them (no build needed).
    conditions: ['@sluice/source'],
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  inputs = Object.keys(result.metafile.inputs).map((p) => relative(root, join(process.cwd(), p)));
  return result.outputFiles[0]!.text;
}

// --- a real Chromium, driven over the DevTools protocol ------------------------------

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
  .filter((p): p is string => Boolean(p))
  .find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
if (!CHROMIUM && process.env.CI !== 'true') {
  console.warn('wire-browser: no Chromium (scripts/engines/chromium.sh installs it): skipping');
}

interface Page {
  /** The value of `expression` (awaited) in the page; throws what the page threw. */
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

async function launchPage(executable: string): Promise<Page> {
  const profile = await mkdtemp(join(tmpdir(), 'sluice-wire-chromium-'));
  const args = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'];
  args.push('--disable-background-networking', '--disable-component-update', '--disable-sync');
  args.push('--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank');
  const child: ChildProcess = spawn(executable, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    await rm(profile, { recursive: true, force: true });
  };
  try {
    // Chromium prints its DevTools endpoint on stderr once it listens.
    const endpoint = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const found = /DevTools listening on (ws:\/\/\S+)/.exec(text);
        if (found) resolve(found[1]!);
      });
      child.once('exit', (code) => reject(new Error(`chromium exited (${code}): ${text}`)));
    });
    const targets = (await (await fetch(`http://${new URL(endpoint).host}/json/list`)).json()) as {
      type: string;
      webSocketDebuggerUrl: string;
    }[];
    const target = targets.find((t) => t.type === 'page');
    if (!target) throw new Error('chromium has no page');
    const socket = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error('DevTools connection failed'));
    });
    const replies = new Map<number, (reply: Record<string, unknown>) => void>();
    socket.onmessage = (event) => {
      const reply = JSON.parse(String(event.data)) as { id?: number } & Record<string, unknown>;
      if (reply.id !== undefined) replies.get(reply.id)?.(reply);
      replies.delete(reply.id!);
    };
    let id = 0;
    return {
      evaluate: <T>(expression: string): Promise<T> =>
        new Promise<T>((resolve, reject) => {
          id += 1;
          replies.set(id, (reply) => {
            const result = reply.result as {
              result?: { value?: unknown };
              exceptionDetails?: { text: string; exception?: { description?: string } };
            };
            const thrown = result?.exceptionDetails;
            if (reply.error || thrown) {
              reject(new Error(thrown?.exception?.description ?? JSON.stringify(reply.error)));
            } else resolve(result.result?.value as T);
          });
          const params = { expression, awaitPromise: true, returnByValue: true };
          socket.send(JSON.stringify({ id, method: 'Runtime.evaluate', params }));
        }),
      close: async () => {
        socket.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

// Bytes cross the DevTools protocol as base64; these turn them back in the page.
const PAGE_HELPERS = `
  globalThis.fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  globalThis.toBase64 = (b) => {
    let s = '';
    for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
    return btoa(s);
  };
`;
const base64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

// What arrives on the pair's `b` side, until `count` bytes came.
async function receive(pair: Pair, count: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  while (got < count) {
    const chunk = pair.b.read(64 * 1024);
    if (chunk === null) throw new Error(`ended after ${got} of ${count} bytes`);
    if (chunk.length === 0) {
      await pair.b.poll(5000);
      continue;
    }
    parts.push(Buffer.from(chunk));
    got += chunk.length;
  }
  return Buffer.concat(parts);
}

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.dispose();
  pair = undefined;
});

describe('@sluice/channel/wire bundled for the browser', () => {
  it('has no Node built-in, Buffer or require, and takes its errors from stream-core/errors', async () => {
    const text = await bundle();
    expect(text).not.toMatch(/\bnode:|\brequire\(/);
    expect(text).not.toMatch(/\bBuffer\b/);
    const outside = inputs.filter((p) => !p.startsWith('packages/channel/src/wire/'));
    expect(outside).toEqual(['packages/stream-core/src/errors.ts']);
  });

  it('throws errors that are stream-core’s classes on Node too (one family across copies)', async () => {
    const context = vm.createContext({});
    vm.runInContext(await bundle(), context);
    expect(vm.runInContext('typeof Buffer + typeof process + typeof require', context)).toBe(
      'undefinedundefinedundefined',
    );
    const wire = vm.runInContext('sluiceWire', context) as typeof Wire;
    const Bytes = vm.runInContext('Uint8Array', context) as typeof Uint8Array;
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
    // The bundle's copy of the classes is not Node's, yet instanceof holds both ways.
    expect(wire.ProtocolError).not.toBe(ProtocolError);
    const version1 = errorOf('010100000000');
    expect(version1).toBeInstanceOf(ProtocolError);
    expect(version1).toBeInstanceOf(wire.ProtocolError);
    expect(new ProtocolError('x')).toBeInstanceOf(wire.ProtocolError);
    expect(version1).toMatchObject({ code: 'ERR_SLUICE_PROTOCOL', name: 'ProtocolError' });
    expect(errorOf('0201ffffffff')).toBeInstanceOf(BufferOverflowError);
    const cut = errorOf('02010000000568', true);
    expect(cut).toBeInstanceOf(ConnectionLostError);
    expect(cut).toMatchObject({ code: 'ERR_SLUICE_CONNECTION_LOST', offset: 7 });
  });
});

describe.skipIf(!CHROMIUM)('@sluice/channel/wire in a real Chromium page', () => {
  let page: Page;
  beforeAll(async () => {
    page = await launchPage(CHROMIUM!);
    await page.evaluate(`${await bundle()}; ${PAGE_HELPERS}; navigator.userAgent`);
  }, 60_000);
  afterAll(async () => {
    await page?.close();
  });

  it('runs in a browser: no Buffer, process or require in the page', async () => {
    const agent = await page.evaluate<string>('navigator.userAgent');
    expect(agent).toMatch(/HeadlessChrome|Chrome/);
    expect(await page.evaluate('typeof Buffer + typeof process + typeof require')).toBe(
      'undefinedundefinedundefined',
    );
  });

  it('decodes what a Node Channel sends over TCP, in any chunking, and the Channel reads what it encodes', async () => {
    pair = await tcpPair();
    const node = new Channel(pair.a, { frameSize: 64 * 1024 });
    const big = Buffer.alloc(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const sent = [Buffer.from('hello'), Buffer.alloc(0), big, Buffer.from('€ split')];
    for (const m of sent) await node.send(m);
    await node.flush();
    // As many bytes as the wire format frames them into (a chunked message has more headers).
    const framed = sent.flatMap((m) => encodeFrames(m, 0, { frameSize: 64 * 1024 }));
    const wire = await receive(
      pair,
      framed.reduce((n, part) => n + part.length, 0),
    );

    // Pushed in odd pieces, as a WebSocket or fetch body might hand them over.
    const decoded = await page.evaluate<{ payloads: string[]; flags: number[]; mid: boolean }>(`
      (() => {
        const bytes = fromBase64(${JSON.stringify(base64(wire))});
        const decoder = new sluiceWire.FrameDecoder({ maxMessageSize: 1024 * 1024 });
        const payloads = [];
        const flags = [];
        for (let at = 0; at < bytes.length; at += 777) {
          decoder.push(bytes.subarray(at, at + 777));
          for (let m = decoder.shift(); m; m = decoder.shift()) {
            payloads.push(toBase64(m.payload));
            flags.push(m.flags);
          }
        }
        return { payloads, flags, mid: decoder.midMessage };
      })()`);
    expect(decoded.payloads.map((p) => Buffer.from(p, 'base64'))).toEqual(sent);
    expect(decoded.flags).toEqual([0, 0, 0, 0]);
    expect(decoded.mid).toBe(false);

    // And the other way: frames the page encodes, read by the Node Channel.
    const parts = await page.evaluate<string[]>(`
      (() => {
        const reply = new TextEncoder().encode('from the page');
        const chunked = new Uint8Array(200000).map((_, i) => i & 0x7f);
        const out = [];
        for (const m of [reply, chunked]) {
          for (const part of sluiceWire.encodeFrames(m, 0, { frameSize: 50000 })) out.push(toBase64(part));
        }
        return out;
      })()`);
    for (const part of parts) await pair.b.writeAll(Buffer.from(part, 'base64'));
    const rx = new Channel(pair.a);
    expect(Buffer.from(await rx.recv()).toString()).toBe('from the page');
    const chunked = Buffer.alloc(200_000);
    for (let i = 0; i < chunked.length; i++) chunked[i] = i & 0x7f;
    expect(Buffer.from(await rx.recv())).toEqual(chunked);
  });

  it('unbatches what a Node BatchingChannel sends', async () => {
    pair = await tcpPair();
    const node = new BatchingChannel(pair.a, 3, 60);
    for (const m of ['one', 'two', 'three']) await node.send(m);
    await node.flush();
    const frame = await receive(pair, 6 + 3 * 4 + 'onetwothree'.length);
    const got = await page.evaluate<{ batch: boolean; messages: string[] }>(`
      (() => {
        const decoder = new sluiceWire.FrameDecoder();
        decoder.push(fromBase64(${JSON.stringify(base64(frame))}));
        const m = decoder.shift();
        return {
          batch: (m.flags & sluiceWire.FLAG_BATCH) === sluiceWire.FLAG_BATCH,
          messages: sluiceWire.decodeBatch(m.payload).map((p) => new TextDecoder().decode(p)),
        };
      })()`);
    expect(got).toEqual({ batch: true, messages: ['one', 'two', 'three'] });
  });

  it('refuses a version-1 peer, an oversized announcement and truncation with stream-core’s error classes', async () => {
    const errors = await page.evaluate<Record<string, unknown>[]>(`
      (() => {
        const hex = (s) => Uint8Array.from(s.match(/../g), (h) => parseInt(h, 16));
        const errorOf = (input, end) => {
          const d = new sluiceWire.FrameDecoder({ maxMessageSize: 1024 });
          d.push(hex(input));
          if (end) d.end();
          try {
            d.shift();
          } catch (e) {
            const classes = ['StreamError', 'ProtocolError', 'BufferOverflowError', 'ConnectionLostError'];
            return {
              is: classes.filter((name) => e instanceof sluiceWire[name]),
              name: e.name, code: e.code, message: e.message,
              offset: e.offset, limit: e.limit, size: e.size,
            };
          }
          return null;
        };
        return [errorOf('010100000000'), errorOf('0201ffffffff'), errorOf('02010000000568', true)];
      })()`);
    expect(errors[0]).toMatchObject({
      is: ['StreamError', 'ProtocolError'],
      code: 'ERR_SLUICE_PROTOCOL',
      name: 'ProtocolError',
      offset: 0,
      message: expect.stringMatching(/wire version 1.*version 2/),
    });
    expect(errors[1]).toMatchObject({
      is: ['StreamError', 'BufferOverflowError'],
      code: 'ERR_SLUICE_BUFFER_OVERFLOW',
      limit: 1024,
      size: 2 ** 32 - 1,
    });
    expect(errors[2]).toMatchObject({
      is: ['StreamError', 'ConnectionLostError'],
      code: 'ERR_SLUICE_CONNECTION_LOST',
      offset: 7,
    });
  });
});
