// The command-line surface: every command, option, help text and example, in one table that
// the parser (command-line.ts), the help (help.ts) and the completion scripts all read.
// Each command's `run` imports its module only when the command runs, so `sluice demux`
// never loads dockerode, ssh2 or ws.
import type { CommandSpec, OptionSpec, ParsedCommand, ProgramSpec } from './cli-spec.js';
import type { AttachFlags } from './commands/attach.js';
import type { ConnectFlags } from './commands/connect.js';
import type { DemuxFlags } from './commands/demux.js';
import type { ExecFlags } from './commands/exec.js';
import type { LogsFlags } from './commands/logs.js';
import type { MuxFlags } from './commands/mux.js';
import type { RunFlags } from './commands/run.js';
import type { ServeFlags } from './commands/serve.js';

const envOption: OptionSpec = {
  long: 'env',
  short: 'e',
  kind: 'list',
  value: 'KEY=VALUE',
  default: [],
  defaultLabel: 'none',
  description: 'set an environment variable (repeatable)',
};

const detachKeysOption: OptionSpec = {
  long: 'detach-keys',
  kind: 'string',
  value: 'keys',
  description: 'key sequence to detach (default: ctrl-p,ctrl-q)',
};

const interactiveOption: OptionSpec = {
  long: 'interactive',
  short: 'i',
  kind: 'boolean',
  description: 'keep stdin open and attach it',
};

const ttyOption: OptionSpec = {
  long: 'tty',
  short: 't',
  kind: 'boolean',
  description: 'allocate a pseudo-TTY',
};

const workdirOption: OptionSpec = {
  long: 'workdir',
  short: 'w',
  kind: 'string',
  value: 'dir',
  description: 'working directory inside the container',
};

const userOption: OptionSpec = {
  long: 'user',
  short: 'u',
  kind: 'string',
  value: 'user',
  description: 'user to run as (name|uid[:group|gid])',
};

const keyFileOption: OptionSpec = {
  long: 'key-file',
  kind: 'string',
  value: 'file',
  description:
    "encrypt with the pre-shared key in this file (made by 'sluice keygen'); both sides need it",
};

const compressOption: OptionSpec = {
  long: 'compress',
  kind: 'string',
  value: 'alg',
  choices: ['deflate', 'brotli', 'zstd'],
  description: 'compress each message',
};

/** The one operand of a command that names a container. */
const containerArgument = {
  name: 'CONTAINER',
  description: 'container name or ID',
  required: true,
} as const;

/** The parsed options as a command module's flags (the table above says what they hold). */
function flags<T>(parsed: ParsedCommand): T {
  return parsed.opts as T;
}

const run: CommandSpec = {
  name: 'run',
  description: 'Create a container from IMAGE, attach to it, start it and wait for it to exit',
  args: [
    { name: 'IMAGE', description: 'image to run', required: true },
    {
      name: 'COMMAND',
      description: 'command and arguments (everything after IMAGE)',
      required: false,
      variadic: true,
    },
  ],
  options: [
    interactiveOption,
    ttyOption,
    {
      long: 'detach',
      short: 'd',
      kind: 'boolean',
      description: 'run in the background and print the container ID',
    },
    { long: 'rm', kind: 'boolean', description: 'remove the container when it exits' },
    { long: 'name', kind: 'string', value: 'name', description: 'name the container' },
    detachKeysOption,
    envOption,
    workdirOption,
    userOption,
    {
      long: 'entrypoint',
      kind: 'string',
      value: 'cmd',
      description: "override the image's entrypoint",
    },
  ],
  optionsEndAtOperand: true,
  examples: [
    'sluice run -it --rm sluice-test/busybox sh',
    "sluice run --rm sluice-test/busybox sh -c 'ls -l /'",
    'sluice run -d --name web -e PORT=8080 my-image',
    "Exit code: the container's; 125 if it could not be created or started, 126/127 if COMMAND cannot run.",
  ],
  run: async (ctx, parsed) => {
    const [image, command] = parsed.args as [string, string[]];
    const { run } = await import('./commands/run.js');
    return run(ctx, image, command, flags<RunFlags>(parsed));
  },
};

const exec: CommandSpec = {
  name: 'exec',
  description: 'Run a command in a running container',
  args: [
    containerArgument,
    { name: 'COMMAND', description: 'command and arguments', required: true, variadic: true },
  ],
  options: [
    interactiveOption,
    ttyOption,
    {
      long: 'detach',
      short: 'd',
      kind: 'boolean',
      description: 'run the command in the background',
    },
    detachKeysOption,
    envOption,
    workdirOption,
    userOption,
  ],
  optionsEndAtOperand: true,
  examples: [
    'sluice exec -it web sh',
    "echo hi | sluice exec -i web sh -c 'cat > /tmp/x'",
    "Exit code: the command's; 1 after a detach; 126/127 if COMMAND cannot run.",
  ],
  run: async (ctx, parsed) => {
    const [container, command] = parsed.args as [string, string[]];
    const { exec } = await import('./commands/exec.js');
    return exec(ctx, container, command, flags<ExecFlags>(parsed));
  },
};

const attach: CommandSpec = {
  name: 'attach',
  description: "Attach this terminal to a running container's stdin, stdout and stderr",
  args: [containerArgument],
  options: [
    {
      long: 'no-stdin',
      kind: 'boolean',
      key: 'stdin',
      negates: true,
      default: true,
      description: 'do not attach stdin',
    },
    {
      long: 'sig-proxy',
      kind: 'boolean',
      inlineBoolean: true,
      default: true,
      description: 'forward signals to the container (non-TTY)',
    },
    detachKeysOption,
  ],
  examples: [
    'sluice attach web',
    'sluice attach --detach-keys ctrl-a,d web',
    'Exit code: the container\'s; 1 after a detach ("read escape sequence"), as docker attach.',
  ],
  run: async (ctx, parsed) => {
    const { attachCommand } = await import('./commands/attach.js');
    return attachCommand(ctx, parsed.args[0] as string, flags<AttachFlags>(parsed));
  },
};

const logs: CommandSpec = {
  name: 'logs',
  description: "Print a container's logs: its stdout to stdout, its stderr to stderr",
  args: [containerArgument],
  options: [
    {
      long: 'follow',
      short: 'f',
      kind: 'boolean',
      description: 'keep printing new output until the container stops',
    },
    {
      long: 'tail',
      short: 'n',
      kind: 'string',
      value: 'n',
      default: 'all',
      description: 'only the last n lines (or "all")',
    },
    {
      long: 'timestamps',
      short: 't',
      kind: 'boolean',
      description: 'prefix each line with its timestamp',
    },
    {
      long: 'since',
      kind: 'string',
      value: 'time',
      description: 'only logs since a timestamp (2026-12-01T10:00:00) or relative time (42m)',
    },
    {
      long: 'until',
      kind: 'string',
      value: 'time',
      description: 'only logs before a timestamp or relative time',
    },
  ],
  examples: [
    'sluice logs web',
    'sluice logs -f --tail 10 web 2>/dev/null',
    'sluice logs --since 10m -t web',
  ],
  run: async (ctx, parsed) => {
    const { logs } = await import('./commands/logs.js');
    return logs(ctx, parsed.args[0] as string, flags<LogsFlags>(parsed));
  },
};

const demux: CommandSpec = {
  name: 'demux',
  description: 'Split a captured multiplexed Docker stream (FILE, or stdin) into stdout and stderr',
  args: [{ name: 'FILE', description: 'the captured stream (default: stdin)', required: false }],
  options: [
    {
      long: 'stdout',
      kind: 'string',
      value: 'file',
      description: "write the stream's stdout here (default: stdout)",
    },
    {
      long: 'stderr',
      kind: 'string',
      value: 'file',
      description: "write the stream's stderr here (default: stderr)",
    },
  ],
  examples: [
    'sluice demux capture.bin',
    'sluice demux --stdout out.txt --stderr err.txt < capture.bin',
    'Exit code: 0; 1 on a truncated or malformed stream (after writing all that arrived) or a daemon error frame.',
  ],
  run: async (ctx, parsed) => {
    const { demuxCommand } = await import('./commands/demux.js');
    return demuxCommand(ctx, parsed.args[0] as string | undefined, flags<DemuxFlags>(parsed));
  },
};

const mux: CommandSpec = {
  name: 'mux',
  description: 'Frame bytes (FILE, or stdin) as one stream of a multiplexed Docker stream',
  args: [{ name: 'FILE', description: 'the bytes to frame (default: stdin)', required: false }],
  options: [
    {
      long: 'stream',
      kind: 'string',
      value: 'name',
      choices: ['stdout', 'stderr'],
      required: true,
      description: 'which stream the bytes are',
    },
  ],
  examples: [
    '(printf out | sluice mux --stream stdout; printf err | sluice mux --stream stderr) > capture.bin',
  ],
  run: async (ctx, parsed) => {
    const { muxCommand } = await import('./commands/mux.js');
    return muxCommand(ctx, parsed.args[0] as string | undefined, flags<MuxFlags>(parsed));
  },
};

const keygen: CommandSpec = {
  name: 'keygen',
  description: 'Write a new random key file for --key-file (mode 0600; never overwrites)',
  args: [{ name: 'FILE', description: 'where to write it (default: print it)', required: false }],
  options: [],
  examples: ['sluice keygen ~/.sluice/key', 'sluice keygen > key'],
  run: async (ctx, parsed) => {
    const { keygen } = await import('./commands/keygen.js');
    return keygen(ctx, parsed.args[0] as string | undefined);
  },
};

const serve: CommandSpec = {
  name: 'serve',
  description: 'Listen on URL and serve each connection through an (encrypted, compressed) channel',
  args: [
    {
      name: 'URL',
      description: 'tcp://host:port (port 0: any), tls://, unix:///path, unix:@name, ws://, wss://',
      required: true,
    },
  ],
  options: [
    keyFileOption,
    compressOption,
    { long: 'batch', kind: 'boolean', description: 'batch small messages' },
    {
      long: 'exec',
      kind: 'string',
      value: 'command',
      description: 'run COMMAND for each connection, its stdin/stdout on the channel',
    },
    {
      long: 'forward',
      kind: 'string',
      value: 'host:port',
      description: 'forward each connection to this TCP address',
    },
    { long: 'echo', kind: 'boolean', description: 'send back what arrives' },
    {
      long: 'cert',
      kind: 'string',
      value: 'file',
      description: 'certificate (PEM) for tls:// and wss://',
    },
    {
      long: 'key',
      kind: 'string',
      value: 'file',
      description: 'private key (PEM) for tls:// and wss://',
    },
  ],
  examples: [
    'sluice serve tcp://127.0.0.1:0 --echo',
    "sluice serve tcp://0.0.0.0:7000 --key-file k --exec 'sh -i'",
    'sluice serve unix:///tmp/db.sock --forward 127.0.0.1:5432',
    'sluice serve tls://0.0.0.0:7443 --cert cert.pem --key key.pem --exec cat',
    'The address it listens on is printed first ("listening on tcp://127.0.0.1:40123").',
  ],
  run: async (ctx, parsed) => {
    const { serve } = await import('./commands/serve.js');
    return serve(ctx, parsed.args[0] as string, flags<ServeFlags>(parsed));
  },
};

const connect: CommandSpec = {
  name: 'connect',
  description: 'Connect to a sluice serve at URL and pipe stdin and stdout through it, like netcat',
  args: [
    {
      name: 'URL',
      description:
        'tcp://, tls://, unix://, ws://, wss://, ssh://user@host[:port]/target-host:port',
      required: true,
    },
  ],
  options: [
    keyFileOption,
    compressOption,
    {
      long: 'ca',
      kind: 'string',
      value: 'file',
      description: 'trust this CA (PEM) for tls:// and wss://',
    },
    {
      long: 'identity',
      kind: 'string',
      value: 'file',
      description: 'SSH private key for ssh:// (default: the SSH agent)',
    },
    {
      long: 'known-hosts',
      kind: 'string',
      value: 'file',
      description: 'known_hosts for ssh:// (default: ~/.ssh/known_hosts)',
    },
  ],
  examples: [
    'sluice connect tcp://server:7000 --key-file k',
    'tar c dir | sluice connect unix:///tmp/s.sock > reply',
    'sluice connect ssh://me@bastion/10.0.0.5:7000 --identity ~/.ssh/id_ed25519',
    'At the end of stdin it half-closes, then prints what still arrives.',
  ],
  run: async (ctx, parsed) => {
    const { connectCommand } = await import('./commands/connect.js');
    return connectCommand(ctx, parsed.args[0] as string, flags<ConnectFlags>(parsed));
  },
};

const completion: CommandSpec = {
  name: 'completion',
  description: 'Print a shell completion script',
  args: [{ name: 'shell', description: 'bash or zsh', required: true, choices: ['bash', 'zsh'] }],
  options: [],
  examples: [
    'source <(sluice completion bash)',
    'sluice completion zsh > ~/.zfunc/_sluice  # a directory on $fpath',
  ],
  run: async (ctx, parsed) => {
    const { completion } = await import('./commands/completion.js');
    ctx.io.out(completion(PROGRAM, parsed.args[0] as 'bash' | 'zsh'));
    return 0;
  },
};

/** The `sluice` program. */
export const PROGRAM: ProgramSpec = {
  name: 'sluice',
  description: 'Move bytes between terminals, processes, sockets and Docker containers.',
  usage: '[global options] <command> [options]',
  globalOptions: [
    {
      long: 'host',
      short: 'H',
      kind: 'string',
      value: 'url',
      description: 'Docker engine to use: unix://, tcp://, ssh://user@host (default: DOCKER_HOST)',
    },
    {
      long: 'context',
      short: 'c',
      kind: 'string',
      value: 'name',
      description: 'Docker CLI context to use (default: DOCKER_CONTEXT, then the current one)',
    },
    {
      long: 'verbose',
      short: 'v',
      kind: 'boolean',
      description: 'on failure, print the stack trace and causes too',
    },
  ],
  commands: [run, exec, attach, logs, demux, mux, keygen, serve, connect, completion],
  examples: [
    'sluice run -it --rm sluice-test/busybox sh',
    'sluice logs -f web 2>errors.log',
    "sluice keygen k && sluice serve tcp://0.0.0.0:7000 --key-file k --exec 'sh -i'",
    'sluice connect tcp://server:7000 --key-file k',
    'sluice demux --stdout out.txt --stderr err.txt capture.bin',
    "Run 'sluice <command> --help' for a command's options.",
  ],
};
