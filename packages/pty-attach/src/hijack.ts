// One hijacked connection per session: POST with `Upgrade: tcp`, expect 101; bytes that came
// with the 101 belong to the stream. Any other answer is the CLI's "unable to upgrade to tcp".

import { connectorOf } from './connector.js';
import type { DockerOrEngine } from './engine.js';
import { type EngineRequest, requestText } from './request-text.js';
import { type Hijacked, upgrade } from './upgrade.js';

/** Options of one hijack. */
export interface HijackOptions {
  /** Bound of the wait for the 101, in ms; default the engine's timeout (none). */
  timeoutMs?: number | undefined;
}

/** Sends `request` with the upgrade headers and resolves with the hijacked connection. */
export function hijack(
  target: DockerOrEngine,
  request: Omit<EngineRequest, 'upgrade' | 'method'>,
  options: HijackOptions = {},
): Promise<Hijacked> {
  const engine = connectorOf(target);
  const text = requestText(
    { ...request, method: 'POST', upgrade: true },
    engine.prefix,
    engine.headers,
  );
  return upgrade(engine, text, options.timeoutMs ?? engine.timeoutMs);
}
