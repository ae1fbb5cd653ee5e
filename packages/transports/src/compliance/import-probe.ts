// Run by lazy-load.test.ts in a fresh Node process: imports `@sluice/transports` and prints,
// as JSON, which of ssh2, ws, node:tls and node:crypto had been loaded then, and after a
// first WebSocket connect (the control that shows the probe does see a loaded module).
import { registerHooks } from 'node:module';

const loaded = new Set<string>();
registerHooks({
  load(url, context, next) {
    const name =
      /\/node_modules\/(ssh2|ws)\//.exec(url)?.[1] ?? /^node:(tls|crypto)$/.exec(url)?.[0];
    if (name) loaded.add(name);
    return next(url, context);
  },
});

const transports = await import('@sluice/transports');
const afterImport = [...loaded].sort();
await transports.connectWebSocket('ws://127.0.0.1:9/', { timeoutMs: 2000 }).catch(() => undefined);
const afterWebSocket = [...loaded].sort();
process.stdout.write(JSON.stringify({ afterImport, afterWebSocket }));
