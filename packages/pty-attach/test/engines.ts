// The engines the real-engine suites run against, each reached the way a user reaches it:
// the Unix socket (resolveEngine with unix://), and — once their real parts are up — the
// second dockerd over TLS and the default engine over ssh://.
import { dockerEngine, type RealPart } from '@sluice/test-env';
import { type Engine, resolveEngine } from '../src/index.js';

/** One engine to run a suite against. */
export interface TestEngine {
  /** For test names. */
  name: string;
  engine: RealPart<Engine>;
}

async function unixEngine(): Promise<RealPart<Engine>> {
  const part = await dockerEngine();
  if (!part.available) return part;
  return {
    available: true,
    value: await resolveEngine({ host: 'unix:///var/run/docker.sock', env: {} }),
  };
}

/** Every engine the suites run against. */
export async function testEngines(): Promise<TestEngine[]> {
  return [{ name: 'unix socket', engine: await unixEngine() }];
}
