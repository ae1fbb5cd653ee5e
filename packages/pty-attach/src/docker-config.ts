// The Docker CLI's configuration as the CLI reads it: `$DOCKER_CONFIG` (default
// `~/.docker`), its `config.json` `currentContext`, and the context store:
// `contexts/meta/<sha256 of the name>/meta.json` with the endpoint, and
// `contexts/tls/<sha256>/docker/{ca,cert,key}.pem` with its TLS material.
// Its small files are read synchronously, as the Docker CLI reads them: the asynchronous read
// costs loading node:fs/promises and a thread-pool round trip, about 1 ms of the start-up of
// every session that names no engine.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConnectError, ProtocolError } from '@sluice/stream-core';

/** A context's Docker endpoint. */
export interface ContextEndpoint {
  /** The context's name. */
  name: string;
  /** Its `Host` (`unix://…`, `tcp://…`, `ssh://…`). */
  host: string;
  /** `SkipTLSVerify` of the endpoint. */
  skipTlsVerify: boolean;
  /** Directory holding `ca.pem`, `cert.pem`, `key.pem` for it, when the store has one. */
  tlsDir: string | undefined;
}

/** The CLI's config directory. */
export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConnectError(`cannot read ${what} ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ProtocolError(`${what} ${path} is not valid JSON`, { cause: error });
  }
}

/** `currentContext` of config.json, if set. */
export async function currentContext(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const path = join(dockerConfigDir(env), 'config.json');
  const config = readJson(path, 'the Docker CLI config') as
    | { currentContext?: unknown }
    | undefined;
  const name = config?.currentContext;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** The named context's Docker endpoint; a context the store does not have is an error. */
export async function readContext(name: string, env: NodeJS.ProcessEnv): Promise<ContextEndpoint> {
  const dir = dockerConfigDir(env);
  // node:crypto only here: most users name no context, and it costs start-up.
  const { createHash } = process.getBuiltinModule('node:crypto');
  const id = createHash('sha256').update(name).digest('hex');
  const path = join(dir, 'contexts', 'meta', id, 'meta.json');
  const meta = readJson(path, `the meta.json of Docker context "${name}"`) as
    | { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } }
    | undefined;
  if (meta === undefined) {
    throw new ConnectError(
      `Docker context "${name}" does not exist (no ${path}; see \`docker context ls\`)`,
    );
  }
  const host = meta.Endpoints?.docker?.Host;
  if (typeof host !== 'string' || host === '') {
    throw new ConnectError(`Docker context "${name}" has no Docker endpoint host (${path})`);
  }
  const tlsDir = join(dir, 'contexts', 'tls', id, 'docker');
  const hasTls = existsSync(join(tlsDir, 'ca.pem'));
  return {
    name,
    host,
    skipTlsVerify: meta.Endpoints?.docker?.SkipTLSVerify === true,
    tlsDir: hasTls ? tlsDir : undefined,
  };
}
