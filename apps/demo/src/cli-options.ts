// `npm start` flags and environment variables → DemoOptions. A flag wins over its variable.
import { parseArgs } from 'node:util';
import type { DemoOptions } from './index.js';

/** The help text, which is also the README's table in short. */
export const USAGE = `Usage: npm start -- [options]   (or: node apps/demo/dist/server.js [options])

  --port, -p N         port (env PORT; default 8080; 0 picks a free one)
  --host ADDR          address to bind (env HOST; default 127.0.0.1)
  --image NAME         image of each session's container (env SLUICE_DEMO_IMAGE; default sluice-test/busybox)
  --command "CMD ..."  command in the container, split at spaces (env SLUICE_DEMO_COMMAND; default the image's)
  --mode MODE          auto | local | container (env SLUICE_DEMO_MODE; default auto)
  --shell PATH         shell of the local fallback (env SHELL; default /bin/sh)
  --max-sessions N     concurrent sessions (env SLUICE_DEMO_MAX_SESSIONS; default 4)
  --grace SECONDS      how long a session waits for its page to come back (env SLUICE_DEMO_GRACE; default 60)
  --allow-origin URL   another origin allowed to connect, repeatable (env SLUICE_DEMO_ALLOW_ORIGINS, comma-separated)
  --token TOKEN        access token instead of a random one (env SLUICE_DEMO_TOKEN; at least 16 characters)
  --no-compress        never deflate output
  --help, -h           this text
`;

/** The options of `args` and `env`, or `'help'`. Bad values are a TypeError/RangeError. */
export function parseDemoArgs(args: string[], env: NodeJS.ProcessEnv): DemoOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      image: { type: 'string' },
      command: { type: 'string' },
      mode: { type: 'string' },
      shell: { type: 'string' },
      'max-sessions': { type: 'string' },
      grace: { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      token: { type: 'string' },
      'no-compress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const number = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined || text === '') return undefined;
    const n = Number(text);
    if (!Number.isFinite(n)) throw new TypeError(`${name} must be a number, got '${text}'`);
    return n;
  };
  const options: DemoOptions = {};
  const port = number('--port', values.port ?? env.PORT);
  if (port !== undefined) options.port = port;
  const host = values.host ?? env.HOST;
  if (host) options.host = host;
  const image = values.image ?? env.SLUICE_DEMO_IMAGE;
  if (image) options.image = image;
  const command = values.command ?? env.SLUICE_DEMO_COMMAND;
  if (command?.trim()) options.command = command.trim().split(/\s+/);
  const mode = values.mode ?? env.SLUICE_DEMO_MODE;
  if (mode) options.mode = mode as DemoOptions['mode'];
  if (values.shell) options.shell = values.shell;
  const max = number('--max-sessions', values['max-sessions'] ?? env.SLUICE_DEMO_MAX_SESSIONS);
  if (max !== undefined) options.maxSessions = max;
  const grace = number('--grace', values.grace ?? env.SLUICE_DEMO_GRACE);
  if (grace !== undefined) options.graceMs = Math.round(grace * 1000);
  const origins =
    values['allow-origin'] ?? env.SLUICE_DEMO_ALLOW_ORIGINS?.split(',').filter(Boolean);
  if (origins?.length) options.allowOrigins = origins;
  const token = values.token ?? env.SLUICE_DEMO_TOKEN;
  if (token) options.token = token;
  if (values['no-compress']) options.compress = false;
  return options;
}
