// The Engine API calls a session makes, each one request of `EngineClient` with the words
// its failures are reported in ("inspect container abc: the engine answered 404: …").
import { ProtocolError } from '@sluice/stream-core';
import type Docker from 'dockerode';
import type { EngineClient } from './engine-client.js';
import type { TerminalSize } from './resize.js';

/** Bounds of one call. */
export interface CallOptions {
  /** Abandons the call. */
  signal?: AbortSignal | undefined;
  /** Bound of the answer, in ms; default the engine's timeout. */
  timeoutMs?: number | undefined;
}

const at = (id: string): string => encodeURIComponent(id);

/** `GET /containers/{id}/json`. */
export function inspectContainer(
  client: EngineClient,
  id: string,
  options: CallOptions = {},
): Promise<Docker.ContainerInspectInfo> {
  return client.json({
    method: 'GET',
    path: `/containers/${at(id)}/json`,
    what: `inspect container ${id}`,
    ...options,
  });
}

/** `POST /containers/create` (`name` and `platform` go in the query, as dockerode sends them). */
export async function createContainer(
  client: EngineClient,
  spec: Docker.ContainerCreateOptions,
  what: string,
  onSent?: () => void,
): Promise<string> {
  const { name, platform, ...body } = spec as Docker.ContainerCreateOptions & {
    platform?: string;
  };
  const query = new URLSearchParams();
  if (name !== undefined) query.set('name', name);
  if (platform !== undefined) query.set('platform', platform);
  const q = query.size > 0 ? `?${query}` : '';
  const created = await client.json<{ Id?: unknown }>({
    method: 'POST',
    path: `/containers/create${q}`,
    body,
    what,
    onSent,
  });
  return idOf(created, what);
}

/** `POST /containers/{id}/start`. */
export async function startContainer(client: EngineClient, id: string): Promise<void> {
  await client.send({
    method: 'POST',
    path: `/containers/${at(id)}/start`,
    what: `start container ${id}`,
  });
}

/** `POST /containers/{id}/resize`. */
export async function resizeContainer(
  client: EngineClient,
  id: string,
  size: TerminalSize,
): Promise<void> {
  await client.send({
    method: 'POST',
    path: `/containers/${at(id)}/resize?h=${size.rows}&w=${size.cols}`,
    what: `resize container ${id}`,
  });
}

/** `POST /containers/{id}/kill`. */
export async function killContainer(
  client: EngineClient,
  id: string,
  signal: string,
): Promise<void> {
  await client.send({
    method: 'POST',
    path: `/containers/${at(id)}/kill?signal=${encodeURIComponent(signal)}`,
    what: `signal container ${id}`,
  });
}

/** `DELETE /containers/{id}?force=true`. */
export async function removeContainer(client: EngineClient, id: string): Promise<void> {
  await client.send({
    method: 'DELETE',
    path: `/containers/${at(id)}?force=true`,
    what: `remove container ${id}`,
  });
}

/** `POST /containers/{id}/exec`: the exec's id. */
export async function createExec(
  client: EngineClient,
  container: string,
  spec: Docker.ExecCreateOptions,
): Promise<string> {
  const what = `exec in container ${container}`;
  const created = await client.json<{ Id?: unknown }>({
    method: 'POST',
    path: `/containers/${at(container)}/exec`,
    body: spec,
    what,
  });
  return idOf(created, what);
}

/** `GET /exec/{id}/json`. */
export function inspectExec(
  client: EngineClient,
  id: string,
  options: CallOptions = {},
): Promise<Docker.ExecInspectInfo> {
  return client.json({
    method: 'GET',
    path: `/exec/${at(id)}/json`,
    what: `inspect exec ${id}`,
    ...options,
  });
}

/** `POST /exec/{id}/resize`. */
export async function resizeExec(
  client: EngineClient,
  id: string,
  size: TerminalSize,
): Promise<void> {
  await client.send({
    method: 'POST',
    path: `/exec/${at(id)}/resize?h=${size.rows}&w=${size.cols}`,
    what: `resize exec ${id}`,
  });
}

function idOf(created: { Id?: unknown }, what: string): string {
  if (typeof created.Id !== 'string' || created.Id === '') {
    throw new ProtocolError(`${what}: the engine's reply has no Id`);
  }
  return created.Id;
}
