// One hijacked connection per session: POST with `Upgrade: tcp`, expect 101; bytes that came
// with the 101 belong to the stream. Any other answer is the CLI's "unable to upgrade to tcp".
// A plain socket (unix, TCP) is read through `onread` (rawUpgrade); anything else (TLS, SSH,
// a caller's connection) through its 'data' events (upgradeOver).
import type Docker from 'dockerode';
import type { Connection } from './connection.js';
import { connectorOf } from './connector.js';
import { toDuplex } from './duplex.js';
import { rawUpgrade } from './raw-upgrade.js';
import { type EngineRequest, requestText } from './request-text.js';
import { upgradeOver } from './upgrade-over.js';

/** Options of one hijack. */
export interface HijackOptions {
  /** Bound of the wait for the 101, in ms; default the engine's timeout (none). */
  timeoutMs?: number | undefined;
}

/** Sends `request` with the upgrade headers and resolves with the hijacked connection. */
export async function hijack(
  docker: Docker,
  request: Omit<EngineRequest, 'upgrade' | 'method'>,
  options: HijackOptions = {},
): Promise<Connection> {
  const engine = connectorOf(docker);
  const text = requestText(
    { ...request, method: 'POST', upgrade: true },
    engine.prefix,
    engine.headers,
  );
  const timeoutMs = options.timeoutMs ?? engine.timeoutMs;
  if (engine.netTarget) {
    return rawUpgrade({ target: engine.netTarget, address: engine.address, text, timeoutMs });
  }
  const duplex = toDuplex(await engine.connect());
  return upgradeOver(duplex, text, engine.address, timeoutMs);
}
