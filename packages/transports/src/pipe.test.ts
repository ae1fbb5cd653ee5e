import { PassThrough } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ConnectionLostError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { runComplianceSuite } from './compliance/index.js';
import { runTs } from './compliance/run-ts.js';
import { PipeStream } from './pipe.js';

runComplianceSuite(
  'pipe pair',
  async () => {
    const [client, server] = PipeStream.createPair();
    return {
      client,
      server,
      crashPeer: () => {
        server.underlying.destroy();
      },
      cleanup: async () => {
        await Promise.all([client.close(), server.close()]);
      },
    };
  },
  {
    silentPeer: async () => {
      const [client] = PipeStream.createPair({ readTimeoutMs: 200 });
      return client;
    },
  },
);

describe('PipeStream', () => {
  it('wraps any readable and writable; closing ends the output and releases the input', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const stream = new PipeStream(input, output);
    input.end('from the input');
    expect((await stream.readExactly(14)).toString()).toBe('from the input');
    await stream.writeAll('to the output');
    await stream.close();
    expect(output.read()?.toString()).toBe('to the output');
    expect(output.writableFinished).toBe(true);
    expect(input.destroyed).toBe(true);
  });

  it('a side whose peer closed reports ConnectionLostError on write, and still closes', async () => {
    const [a, b] = PipeStream.createPair();
    await a.close();
    // The write that finds the peer gone fails asynchronously; a later one reports it.
    let failure: unknown;
    for (let i = 0; i < 10 && failure === undefined; i++) {
      failure = await b.writeAll('anyone?').then(
        () => setImmediate(),
        (error: unknown) => error,
      );
    }
    expect(failure).toBeInstanceOf(ConnectionLostError);
    await b.close();
    expect(b.closed).toBe(true);
  });

  it('fromStdio speaks over stdin/stdout and, once closed, leaves the console working and lets the process exit', async () => {
    const child = runTs(fileURLToPath(new URL('./compliance/stdio-echo.ts', import.meta.url)));
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      err += text;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin.write('hello');
    // stdin stays open: the child must still exit on its own.
    expect(await exited).toBe(0);
    expect(out).toBe('hello|console.log still works\n|stdout still works\n');
    expect(err).toBe('stderr still works\n');
    child.stdin.destroy();
  });
});
