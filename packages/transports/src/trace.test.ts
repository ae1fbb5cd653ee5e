// Errors that concern one connection are kept from crashing the process, but leave a trace
// under NODE_DEBUG=sluice (issue 12): a TLS listener meeting a client that speaks no TLS.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runTsToEnd } from './compliance/run-ts.js';

async function probe(nodeDebug: string | undefined): Promise<{ out: string; err: string }> {
  const saved = process.env.NODE_DEBUG;
  if (nodeDebug === undefined) delete process.env.NODE_DEBUG;
  else process.env.NODE_DEBUG = nodeDebug;
  try {
    const { code, out, err } = await runTsToEnd(
      fileURLToPath(new URL('./compliance/trace-probe.ts', import.meta.url)),
    );
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
