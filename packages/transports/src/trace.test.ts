// Errors that concern one connection are kept from crashing the process, but leave a trace
// under NODE_DEBUG=sluice (issue 12): a TLS listener meeting a client that speaks no TLS.
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runTs } from './compliance/run-ts.js';

async function probe(nodeDebug: string | undefined): Promise<{ out: string; err: string }> {
  const saved = process.env.NODE_DEBUG;
  if (nodeDebug === undefined) delete process.env.NODE_DEBUG;
  else process.env.NODE_DEBUG = nodeDebug;
  try {
    const child = runTs(fileURLToPath(new URL('./compliance/trace-probe.ts', import.meta.url)));
    child.stdin.end();
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code, err).toBe(0);
    return { out, err };
  } finally {
    if (saved === undefined) delete process.env.NODE_DEBUG;
    else process.env.NODE_DEBUG = saved;
  }
}

it('a failed TLS handshake is traced under NODE_DEBUG=sluice, and silent otherwise', async () => {
  const traced = await probe('sluice');
  expect(traced.out).toBe('done');
  expect(traced.err).toMatch(/SLUICE \d+: listener tls:\/\/127\.0\.0\.1:\d+: TLS client error: /);
  const quiet = await probe(undefined);
  expect(quiet.out).toBe('done');
  expect(quiet.err).toBe('');
});
