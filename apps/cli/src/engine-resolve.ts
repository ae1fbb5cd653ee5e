// Interim engine resolution until pty-attach's resolveEngine() lands: dockerode (a dependency
// of pty-attach, loaded from there) with the host from --host or DOCKER_HOST. The swap to
// resolveEngine() is this file only.
import { createRequire } from 'node:module';
import type { GlobalOptions } from './context.js';
import type { Docker, EngineHandle } from './engine.js';
import { usageError } from './errors.js';

type DockerCtor = new (options?: Record<string, unknown>) => Docker;

/** The engine for `globals` (interim: unix:// and tcp:// hosts). */
export async function resolveEngine(globals: GlobalOptions): Promise<EngineHandle> {
  const require = createRequire(import.meta.resolve('@sluice/pty-attach'));
  const DockerClass = require('dockerode') as DockerCtor;
  const host = globals.host ?? process.env.DOCKER_HOST;
  if (host === undefined || host === '') {
    return {
      docker: new DockerClass({ socketPath: '/var/run/docker.sock' }),
      address: 'unix:///var/run/docker.sock',
    };
  }
  if (host.startsWith('unix://')) {
    return { docker: new DockerClass({ socketPath: host.slice('unix://'.length) }), address: host };
  }
  if (host.startsWith('tcp://')) {
    const url = new URL(host);
    return {
      docker: new DockerClass({ host: url.hostname, port: Number(url.port || 2375) }),
      address: host,
    };
  }
  throw usageError(`unsupported Docker host ${JSON.stringify(host)}`, 'run');
}
