// Importing @sluice/transports loads neither ssh2 nor ws, nor node:tls and node:crypto: each
// is imported by the first function that needs it. Checked in a fresh Node process, where
// nothing else loaded them.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runTsToEnd } from './compliance/run-ts.js';

it('loads neither ssh2, ws, node:tls nor node:crypto at import; ws on the first WebSocket connect', async () => {
  const { code, out, err } = await runTsToEnd(
    fileURLToPath(new URL('./compliance/import-probe.ts', import.meta.url)),
  );
  expect({ code, err }).toEqual({ code: 0, err: '' });
  const result = JSON.parse(out) as { afterImport: string[]; afterWebSocket: string[] };
  expect(result.afterImport).toEqual([]);
  expect(result.afterWebSocket).toContain('ws');
  expect(result.afterWebSocket).not.toContain('ssh2');
});
