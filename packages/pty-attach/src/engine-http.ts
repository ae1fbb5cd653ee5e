// Small facts about the engine's replies and address shared by the requests this package
// sends itself.
import type Docker from 'dockerode';
import { connectorOf } from './connector.js';

/** The engine's address as the Docker CLI writes it, for messages. */
export function engineAddress(docker: Docker): string {
  return connectorOf(docker).address;
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
