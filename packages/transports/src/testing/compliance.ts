/**
 * `@sluice/transports/compliance`: the one compliance suite every transport of
 * `@sluice/transports` passes, for your own transports and endpoints too. It registers its
 * checks with the test runner you pass (vitest, node:test, …) and asserts with `node:assert`,
 * so it needs nothing but `@sluice/stream-core`.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { defineComplianceSuite } from '@sluice/transports/compliance';
 *
 * defineComplianceSuite({ describe, it, skip: it.skip }, 'my transport', async () => {
 *   const { client, server, close } = await myConnectedPair();
 *   return { client, server, crashPeer: () => server.underlying.destroy(), cleanup: close };
 * });
 * ```
 *
 * The checks (their names are what `options.skip` takes):
 * - `echo` — bytes written by one side arrive intact at the other, both ways.
 * - `64 MiB with backpressure` — 64 MiB client → server (server → client back to the client
 *   when `server` is omitted), SHA-256 equal on both sides, and the writer never runs more
 *   than `maxInFlightBytes` ahead of a deliberately slow reader.
 * - `half-close` — `client.closeWrite()`: the server reads to end of stream and can still
 *   answer; the client reads the answer, then end of stream.
 * - `peer crash` — after `crashPeer()`, the client's reads and writes fail with
 *   `ConnectionLostError` (not a clean end, not a raw Node error).
 * - `refused connect` — (only with `options.refusedConnect`) rejects with `ConnectError`.
 * - `timed-out connect` — (only with `options.timedOutConnect`) rejects with `TimeoutError`.
 * - `silent peer` — (only with `options.silentPeer`) the stream it resolves with (a peer that
 *   accepted and never answers, read-idle timeout configured short) fails a read with
 *   `TimeoutError`.
 * - `close() is idempotent` — two and concurrent `close()` calls resolve; `closed` is true;
 *   a later `write()` throws `StreamClosedError`; the peer sees end of stream.
 *
 * The checks use only the `ByteStream` contract, so any implementation can run them (a
 * layer that holds writes back, like `BufferedStream`, is flushed through its `flush()`
 * where the peer must see the bytes). `makePair` is called once per check; `cleanup` is always called, even when the check
 * fails. Omit `server` for an echoing peer that is not a stream of yours (a subprocess
 * running `cat`): the checks then expect what the client writes to come back to the client.
 * @packageDocumentation
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  type ByteStream,
  ConnectError,
  ConnectionLostError,
  StreamClosedError,
  TimeoutError,
} from '@sluice/stream-core';

/** One connected pair, made fresh for each check. */
export interface ComplianceFixture<S extends ByteStream = ByteStream> {
  /** The side that connected. */
  client: S;
  /** The side that accepted; omit when the peer just echoes (e.g. a `cat` subprocess). */
  server?: S;
  /** Makes the peer die abruptly (TCP reset, killed process, dropped socket). */
  crashPeer?: () => void | Promise<void>;
  /** Releases everything the fixture made. Called even when the check fails. */
  cleanup: () => Promise<void>;
}

/** What else to check, and how much data to move. */
export interface ComplianceOptions {
  /** Connects to a place that refuses; must reject with `ConnectError`. */
  refusedConnect?: () => Promise<unknown>;
  /** Connects to a place that never completes the connection; must reject with `TimeoutError`. */
  timedOutConnect?: () => Promise<unknown>;
  /** A stream to a peer that accepts and never answers, with a short read-idle timeout. */
  silentPeer?: () => Promise<ByteStream>;
  /** Names of checks to skip (shows as skipped in the run). */
  skip?: string[];
  /** Bytes moved by the backpressure check (default 64 MiB). */
  bytes?: number;
  /** How far the writer may run ahead of the slow reader (default 32 MiB: kernel buffers included). */
  maxInFlightBytes?: number;
}

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads until end of stream. */
async function readToEnd(stream: ByteStream): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
}

/** A pattern that does not repeat on chunk boundaries, so a lost or repeated chunk shows. */
function pattern(): Uint8Array {
  const bytes = new Uint8Array(MiB + 13);
  let x = 0x9e3779b9;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** Rejects with the first failure of `attempt`, called until it fails or `tries` run out. */
async function firstFailure(attempt: () => Promise<unknown>, tries: number): Promise<unknown> {
  for (let i = 0; i < tries; i++) {
    try {
      await attempt();
    } catch (error) {
      return error;
    }
  }
  return undefined;
}

/** The parts of a test runner the suite registers its checks with (vitest, node:test, …). */
export interface TestRunner {
  /** Groups the checks (vitest's or node:test's `describe`). */
  describe: (name: string, body: () => void) => unknown;
  /** Registers one check. */
  it: (name: string, body: () => Promise<void>) => unknown;
  /** Registers a check shown as skipped (for `options.skip`); left out, those are not registered. */
  skip?: (name: string, body: () => Promise<void>) => unknown;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

function isA(error: unknown, type: abstract new (...args: never[]) => unknown, what: string): void {
  assert.ok(error instanceof type, `${what}: expected a ${type.name}, got ${String(error)}`);
}

/**
 * Registers the compliance checks for one transport with `runner`: a transport of your own
 * (or a WebSocket endpoint) passes them, or is not done.
 */
export function defineComplianceSuite(
  runner: TestRunner,
  name: string,
  makePair: () => Promise<ComplianceFixture>,
  options: ComplianceOptions = {},
): void {
  const { describe, it } = runner;
  const skip = new Set(options.skip ?? []);
  const check = (title: string, body: () => Promise<void>): void => {
    if (!skip.has(title)) it(title, body);
    else runner.skip?.(title, body);
  };
  const withPair = async (body: (f: ComplianceFixture) => Promise<void>): Promise<void> => {
    const fixture = await makePair();
    try {
      await body(fixture);
    } finally {
      await fixture.cleanup();
    }
  };

  describe(`${name}: transport compliance`, () => {
    check('echo', () =>
      withPair(async ({ client, server }) => {
        const hello = encoder.encode('hello, sluice \u00e9\u{1f30a}');
        await client.writeAll(hello);
        await client.flush?.();
        if (server) {
          assert.deepEqual(Buffer.from(await server.readExactly(hello.length)), Buffer.from(hello));
          await server.writeAll('pong');
          await server.flush?.();
          assert.equal(decoder.decode(await client.readExactly(4)), 'pong');
        } else {
          assert.deepEqual(Buffer.from(await client.readExactly(hello.length)), Buffer.from(hello));
        }
      }),
    );

    check('64 MiB with backpressure', () =>
      withPair(async ({ client, server }) => {
        const total = options.bytes ?? 64 * MiB;
        const bound = options.maxInFlightBytes ?? 32 * MiB;
        const source = pattern();
        const reader = server ?? client;
        const sent = createHash('sha256');
        const got = createHash('sha256');
        let written = 0;
        let received = 0;
        let maxAhead = 0;

        const readAll = (async () => {
          let n = 0;
          for await (const chunk of reader) {
            got.update(chunk);
            received += chunk.length;
            // A slow reader: one chunk per event-loop turn, so a writer that ignores
            // backpressure would run far ahead.
            if (++n % 2 === 0) await nextTurn();
          }
        })();
        let offset = 0;
        while (written < total) {
          const size = Math.min(CHUNK, total - written);
          if (offset + size > source.length) offset = 0;
          const piece = source.subarray(offset, offset + size);
          offset += size;
          sent.update(piece);
          await client.writeAll(piece);
          written += size;
          maxAhead = Math.max(maxAhead, written - received);
        }
        await client.closeWrite();
        await readAll;
        assert.equal(received, total);
        assert.equal(got.digest('hex'), sent.digest('hex'));
        assert.ok(maxAhead <= bound, `the writer ran ${maxAhead} bytes ahead (bound ${bound})`);
      }),
    );

    check('half-close', () =>
      withPair(async ({ client, server }) => {
        await client.writeAll('request');
        await client.closeWrite();
        if (server) {
          assert.equal(decoder.decode(await readToEnd(server)), 'request');
          await server.writeAll('response');
          await server.flush?.();
          await server.close();
          assert.equal(decoder.decode(await readToEnd(client)), 'response');
        } else {
          assert.equal(decoder.decode(await readToEnd(client)), 'request');
        }
      }),
    );

    check('peer crash', () =>
      withPair(async ({ client, crashPeer }) => {
        if (!crashPeer)
          throw new Error(`${name}: the fixture has no crashPeer (or skip 'peer crash')`);
        await client.writeAll('before');
        await client.flush?.();
        await crashPeer();
        const readError = await client.readExactly(1 << 20).then(
          () => undefined,
          (error: unknown) => error,
        );
        isA(readError, ConnectionLostError, 'a read after the peer crashed');
        const chunk = new Uint8Array(CHUNK);
        const writeError = await firstFailure(async () => {
          await client.writeAll(chunk);
          await client.flush?.();
        }, 1024);
        isA(writeError, ConnectionLostError, 'a write after the peer crashed');
      }),
    );

    if (options.refusedConnect) {
      const refused = options.refusedConnect;
      check('refused connect', async () => {
        isA(await rejection(refused()), ConnectError, 'a refused connect');
      });
    }

    if (options.timedOutConnect) {
      const timedOut = options.timedOutConnect;
      check('timed-out connect', async () => {
        isA(await rejection(timedOut()), TimeoutError, 'a timed-out connect');
      });
    }

    if (options.silentPeer) {
      const silent = options.silentPeer;
      check('silent peer', async () => {
        const stream = await silent();
        try {
          isA(await rejection(stream.readExactly(1)), TimeoutError, 'a read from a silent peer');
        } finally {
          await stream.close();
        }
      });
    }

    check('close() is idempotent', () =>
      withPair(async ({ client, server }) => {
        await client.writeAll('last words');
        await Promise.all([client.close(), client.close()]);
        await client.close();
        assert.equal(client.closed, true);
        assert.throws(() => client.write('more'), StreamClosedError);
        if (server) assert.equal(decoder.decode(await readToEnd(server)), 'last words');
      }),
    );
  });
}
