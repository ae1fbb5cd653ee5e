// Small facts about the engine's replies and address shared by the requests this package
// sends itself.
import { connectorOf } from './connector.js';
import type { DockerOrEngine } from './engine.js';

/** The engine's address as the Docker CLI writes it, for messages. */
export function engineAddress(target: DockerOrEngine): string {
  return connectorOf(target).address;
}

/** The engine's `{"message": …}` text, or the body as it came. */
export function engineMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: show it as it came.
  }
  return body.trim();
}
