// Importing @sluice/transports loads neither ssh2 nor ws, nor node:tls and node:crypto: each
// is imported by the first function that needs it. Checked in a fresh Node process, where
// nothing else loaded them.
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runTs } from './compliance/run-ts.js';

it('loads neither ssh2, ws, node:tls nor node:crypto at import; ws on the first WebSocket connect', async () => {
  const child = runTs(fileURLToPath(new URL('./compliance/import-probe.ts', import.meta.url)));
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
  expect({ code, err }).toEqual({ code: 0, err: '' });
  const result = JSON.parse(out) as { afterImport: string[]; afterWebSocket: string[] };
  expect(result.afterImport).toEqual([]);
  expect(result.afterWebSocket).toContain('ws');
  expect(result.afterWebSocket).not.toContain('ssh2');
});
