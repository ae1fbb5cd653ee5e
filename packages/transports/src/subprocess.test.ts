import { ConnectError, ConnectionLostError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { runComplianceSuite } from './compliance/index.js';
import { createPipeStream } from './seed.js';

// `cat` echoes what it reads: the fixture has no server side, the peer is the child itself.
runComplianceSuite(
  'subprocess (cat)',
  async () => {
    const client = await createPipeStream(['cat']);
    return {
      client,
      crashPeer: () => {
        client.child.kill('SIGKILL');
      },
      cleanup: () => client.close(),
    };
  },
  {
    refusedConnect: () => createPipeStream(['/nonexistent/sluice-no-such-command']),
    // cat answers only what it is sent: sending nothing, it is a silent peer.
    silentPeer: () => createPipeStream(['cat'], { readTimeoutMs: 200 }),
  },
);

describe('createPipeStream', () => {
  it('surfaces the exit code, and stderr both live and in the error of a failed child', async () => {
    const stream = await createPipeStream([
      'sh',
      '-c',
      'read line; echo "got $line"; echo "something broke" >&2; exit 3',
    ]);
    const live: string[] = [];
    stream.stderr.on('data', (text: string) => live.push(text));
    await stream.writeAll('ping\n');
    expect((await stream.readExactly(9)).toString()).toBe('got ping\n');
    const failure = await stream.readExactly(1).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectionLostError);
    expect((failure as Error).message).toMatch(/exited with code 3; stderr: something broke/);
    expect(await stream.exited).toEqual({ code: 3, signal: null });
    expect(stream.exitCode).toBe(3);
    expect(live.join('')).toBe('something broke\n');
    await stream.close();
  });

  it('a child that exits 0 is a clean end of stream', async () => {
    const stream = await createPipeStream(['sh', '-c', 'printf done']);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('done');
    expect(await stream.exited).toEqual({ code: 0, signal: null });
    await stream.close();
  });

  it('a child that closes stdout but lives on ends the stream cleanly after the grace period', async () => {
    const stream = await createPipeStream(['sh', '-c', 'printf bye; exec >&-; sleep 30'], {
      exitGraceMs: 100,
    });
    const chunks: Uint8Array[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('bye');
    expect(stream.exitCode).toBeNull();
    await stream.close();
    expect((await stream.exited).signal).toBe('SIGTERM');
  });

  it('close() ends stdin and reaps a child that exits on end of input', async () => {
    const stream = await createPipeStream(['cat']);
    await stream.close();
    expect(await stream.exited).toEqual({ code: 0, signal: null });
    expect(stream.child.exitCode).toBe(0);
  });

  it('close() terminates and reaps a child that ignores end of input', async () => {
    const stream = await createPipeStream(['sleep', '60'], { exitGraceMs: 100 });
    await stream.close();
    expect(await stream.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(stream.child.signalCode).toBe('SIGTERM');
  });

  it('close() kills a child that ignores SIGTERM too', async () => {
    const stream = await createPipeStream(
      ['sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 0.1; done'],
      {
        exitGraceMs: 100,
      },
    );
    await stream.readExactly(6);
    await stream.close();
    expect((await stream.exited).signal).toBe('SIGKILL');
  });

  it('an empty command line is a TypeError, a missing program a ConnectError', async () => {
    await expect(createPipeStream([])).rejects.toBeInstanceOf(TypeError);
    await expect(createPipeStream(['/nonexistent/x'])).rejects.toBeInstanceOf(ConnectError);
    await expect(createPipeStream(['/nonexistent/x'])).rejects.toThrow(/cannot start/);
  });
});
