// The command-line surface: every command, option, help text and example, in one place.
// Parsing is commander's (well kept, and it has what Docker-style parsing needs that
// node:util parseArgs lacks: options that stop at the first operand, so that
// `sluice run --rm img sh -c 'ls -l'` leaves `-c` to sh; generated help per command;
// choices and repeatable options). Each action imports its command's module only when the
// command runs, so `sluice demux` never loads dockerode, ssh2 or ws.
import { Argument, Command, Option } from 'commander';
import type { Context, GlobalOptions } from './context.js';
import type { CliIo } from './io.js';
import { version } from './version.js';

/** Set by the action that ran: the process's exit code. */
export interface ProgramState {
  /** The exit code of the command that ran (0 when only help was printed). */
  exitCode: number;
  /** The name of the command being parsed or run, for error hints and exit codes. */
  command: string;
}

const HELP_WIDTH = 100;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

function envOption(): Option {
  return new Option('-e, --env <KEY=VALUE>', 'set an environment variable (repeatable)')
    .argParser(collect)
    .default([], 'none');
}

function compressOption(): Option {
  return new Option('--compress <alg>', 'compress each message').choices([
    'deflate',
    'brotli',
    'zstd',
  ]);
}

function keyFileOption(): Option {
  return new Option(
    '--key-file <file>',
    "encrypt with the pre-shared key in this file (made by 'sluice keygen'); both sides need it",
  );
}

/** The commands, in help order. */
const COMMANDS: readonly string[] = [
  'run',
  'exec',
  'attach',
  'logs',
  'demux',
  'mux',
  'keygen',
  'serve',
  'connect',
  'completion',
];

/** Whether global option `arg` takes the next argument as its value (`-H url`, `-vc name`). */
function takesNext(arg: string): boolean {
  if (arg === '--host' || arg === '--context') return true;
  if (arg.startsWith('--')) return false;
  // A cluster of short flags: the first one with a value takes the rest, or the next arg.
  for (let i = 1; i < arg.length; i++) {
    if (arg[i] === 'H' || arg[i] === 'c') return i === arg.length - 1;
  }
  return false;
}

/**
 * The command `argv` runs, when the program can be built with that command alone: not for
 * help or completion (which list every command), nor for an unknown word (whose error
 * suggests the nearest command). Building one command instead of ten is some 2 ms of start-up.
 */
export function commandNamed(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return undefined;
    if (arg.startsWith('-')) {
      if (takesNext(arg)) i++;
      continue;
    }
    return COMMANDS.includes(arg) && arg !== 'completion' ? arg : undefined;
  }
  return undefined;
}

/**
 * Builds the `sluice` program writing to `io`; the action that runs records its exit code in
 * `state`. With `only` (from `commandNamed`), the other commands are left out.
 */
export function buildProgram(io: CliIo, state: ProgramState, only?: string): Command {
  const wants = (name: string): boolean => only === undefined || only === name;
  const program = new Command('sluice');
  const context = (): Context => ({ io, globals: program.opts<GlobalOptions>() });
  const done = (code: number): void => {
    state.exitCode = code;
  };
  const configure = (cmd: Command): Command =>
    cmd
      .configureOutput({
        writeOut: io.out,
        writeErr: io.err,
        outputError: () => {}, // main() prints errors, one line each
        getOutHelpWidth: () => HELP_WIDTH,
        getErrHelpWidth: () => HELP_WIDTH,
      })
      .exitOverride()
      .hook('preSubcommand', (_root, sub) => {
        state.command = sub.name();
      });

  configure(program)
    .description('Move bytes between terminals, processes, sockets and Docker containers.')
    .usage('[global options] <command> [options]')
    .version(`sluice ${version()}`, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print help (every command has its own)')
    .option(
      '-H, --host <url>',
      'Docker engine to use: unix://, tcp://, ssh://user@host (default: DOCKER_HOST)',
    )
    .option(
      '-c, --context <name>',
      'Docker CLI context to use (default: DOCKER_CONTEXT, then the current one)',
    )
    .option('-v, --verbose', 'on failure, print the stack trace and causes too')
    .helpCommand('help [command]', 'print help for a command')
    .enablePositionalOptions()
    .addHelpText(
      'after',
      examples([
        'sluice run -it --rm sluice-test/busybox sh',
        'sluice logs -f web 2>errors.log',
        "sluice keygen k && sluice serve tcp://0.0.0.0:7000 --key-file k --exec 'sh -i'",
        'sluice connect tcp://server:7000 --key-file k',
        'sluice demux --stdout out.txt --stderr err.txt capture.bin',
        "Run 'sluice <command> --help' for a command's options.",
      ]),
    );

  const sub = (name: string): Command => {
    const cmd = configure(program.command(name)).helpOption('-h, --help', 'print this help');
    return cmd;
  };

  if (wants('run'))
    sub('run')
      .description('Create a container from IMAGE, attach to it, start it and wait for it to exit')
      .argument('<IMAGE>', 'image to run')
      .argument('[COMMAND...]', 'command and arguments (everything after IMAGE)')
      .option('-i, --interactive', 'keep stdin open and attach it')
      .option('-t, --tty', 'allocate a pseudo-TTY')
      .option('-d, --detach', 'run in the background and print the container ID')
      .option('--rm', 'remove the container when it exits')
      .option('--name <name>', 'name the container')
      .option('--detach-keys <keys>', 'key sequence to detach (default: ctrl-p,ctrl-q)')
      .addOption(envOption())
      .option('-w, --workdir <dir>', 'working directory inside the container')
      .option('-u, --user <user>', 'user to run as (name|uid[:group|gid])')
      .option('--entrypoint <cmd>', "override the image's entrypoint")
      .passThroughOptions()
      .addHelpText(
        'after',
        examples([
          'sluice run -it --rm sluice-test/busybox sh',
          "sluice run --rm sluice-test/busybox sh -c 'ls -l /'",
          'sluice run -d --name web -e PORT=8080 my-image',
          "Exit code: the container's; 125 if it could not be created or started, 126/127 if COMMAND cannot run.",
        ]),
      )
      .action(async (image: string, command: string[], _opts, cmd: Command) => {
        const { run } = await import('./commands/run.js');
        done(await run(context(), image, command, cmd.opts()));
      });

  if (wants('exec'))
    sub('exec')
      .description('Run a command in a running container')
      .argument('<CONTAINER>', 'container name or ID')
      .argument('<COMMAND...>', 'command and arguments')
      .option('-i, --interactive', 'keep stdin open and attach it')
      .option('-t, --tty', 'allocate a pseudo-TTY')
      .option('-d, --detach', 'run the command in the background')
      .option('--detach-keys <keys>', 'key sequence to detach (default: ctrl-p,ctrl-q)')
      .addOption(envOption())
      .option('-w, --workdir <dir>', 'working directory inside the container')
      .option('-u, --user <user>', 'user to run as (name|uid[:group|gid])')
      .passThroughOptions()
      .addHelpText(
        'after',
        examples([
          'sluice exec -it web sh',
          "echo hi | sluice exec -i web sh -c 'cat > /tmp/x'",
          "Exit code: the command's; 1 after a detach; 126/127 if COMMAND cannot run.",
        ]),
      )
      .action(async (container: string, command: string[], _opts, cmd: Command) => {
        const { exec } = await import('./commands/exec.js');
        done(await exec(context(), container, command, cmd.opts()));
      });

  if (wants('attach'))
    sub('attach')
      .description("Attach this terminal to a running container's stdin, stdout and stderr")
      .argument('<CONTAINER>', 'container name or ID')
      .option('--no-stdin', 'do not attach stdin')
      .addOption(
        new Option('--sig-proxy [bool]', 'forward signals to the container (non-TTY)')
          .argParser((v) => v !== 'false')
          .default(true),
      )
      .option('--detach-keys <keys>', 'key sequence to detach (default: ctrl-p,ctrl-q)')
      .addHelpText(
        'after',
        examples([
          'sluice attach web',
          'sluice attach --detach-keys ctrl-a,d web',
          'Exit code: the container\'s; 1 after a detach ("read escape sequence"), as docker attach.',
        ]),
      )
      .action(async (container: string, _opts, cmd: Command) => {
        const { attachCommand } = await import('./commands/attach.js');
        done(await attachCommand(context(), container, cmd.opts()));
      });

  if (wants('logs'))
    sub('logs')
      .description("Print a container's logs: its stdout to stdout, its stderr to stderr")
      .argument('<CONTAINER>', 'container name or ID')
      .option('-f, --follow', 'keep printing new output until the container stops')
      .option('-n, --tail <n>', 'only the last n lines (or "all")', 'all')
      .option('-t, --timestamps', 'prefix each line with its timestamp')
      .option(
        '--since <time>',
        'only logs since a timestamp (2026-12-01T10:00:00) or relative time (42m)',
      )
      .option('--until <time>', 'only logs before a timestamp or relative time')
      .addHelpText(
        'after',
        examples([
          'sluice logs web',
          'sluice logs -f --tail 10 web 2>/dev/null',
          'sluice logs --since 10m -t web',
        ]),
      )
      .action(async (container: string, _opts, cmd: Command) => {
        const { logs } = await import('./commands/logs.js');
        done(await logs(context(), container, cmd.opts()));
      });

  if (wants('demux'))
    sub('demux')
      .description(
        'Split a captured multiplexed Docker stream (FILE, or stdin) into stdout and stderr',
      )
      .argument('[FILE]', 'the captured stream (default: stdin)')
      .option('--stdout <file>', "write the stream's stdout here (default: stdout)")
      .option('--stderr <file>', "write the stream's stderr here (default: stderr)")
      .addHelpText(
        'after',
        examples([
          'sluice demux capture.bin',
          'sluice demux --stdout out.txt --stderr err.txt < capture.bin',
          'Exit code: 0; 1 on a truncated or malformed stream (after writing all that arrived) or a daemon error frame.',
        ]),
      )
      .action(async (file: string | undefined, _opts, cmd: Command) => {
        const { demuxCommand } = await import('./commands/demux.js');
        done(await demuxCommand(context(), file, cmd.opts()));
      });

  if (wants('mux'))
    sub('mux')
      .description('Frame bytes (FILE, or stdin) as one stream of a multiplexed Docker stream')
      .argument('[FILE]', 'the bytes to frame (default: stdin)')
      .addOption(
        new Option('--stream <name>', 'which stream the bytes are')
          .choices(['stdout', 'stderr'])
          .makeOptionMandatory(),
      )
      .addHelpText(
        'after',
        examples([
          '(printf out | sluice mux --stream stdout; printf err | sluice mux --stream stderr) > capture.bin',
        ]),
      )
      .action(async (file: string | undefined, _opts, cmd: Command) => {
        const { muxCommand } = await import('./commands/mux.js');
        done(await muxCommand(context(), file, cmd.opts()));
      });

  if (wants('keygen'))
    sub('keygen')
      .description('Write a new random key file for --key-file (mode 0600; never overwrites)')
      .argument('[FILE]', 'where to write it (default: print it)')
      .addHelpText('after', examples(['sluice keygen ~/.sluice/key', 'sluice keygen > key']))
      .action(async (file: string | undefined) => {
        const { keygen } = await import('./commands/keygen.js');
        done(await keygen(context(), file));
      });

  if (wants('serve'))
    sub('serve')
      .description(
        'Listen on URL and serve each connection through an (encrypted, compressed) channel',
      )
      .argument(
        '<URL>',
        'tcp://host:port (port 0: any), tls://, unix:///path, unix:@name, ws://, wss://',
      )
      .addOption(keyFileOption())
      .addOption(compressOption())
      .option('--batch', 'batch small messages')
      .option(
        '--exec <command>',
        'run COMMAND for each connection, its stdin/stdout on the channel',
      )
      .option('--forward <host:port>', 'forward each connection to this TCP address')
      .option('--echo', 'send back what arrives')
      .option('--cert <file>', 'certificate (PEM) for tls:// and wss://')
      .option('--key <file>', 'private key (PEM) for tls:// and wss://')
      .addHelpText(
        'after',
        examples([
          'sluice serve tcp://127.0.0.1:0 --echo',
          "sluice serve tcp://0.0.0.0:7000 --key-file k --exec 'sh -i'",
          'sluice serve unix:///tmp/db.sock --forward 127.0.0.1:5432',
          'sluice serve tls://0.0.0.0:7443 --cert cert.pem --key key.pem --exec cat',
          'The address it listens on is printed first ("listening on tcp://127.0.0.1:40123").',
        ]),
      )
      .action(async (url: string, _opts, cmd: Command) => {
        const { serve } = await import('./commands/serve.js');
        done(await serve(context(), url, cmd.opts()));
      });

  if (wants('connect'))
    sub('connect')
      .description(
        'Connect to a sluice serve at URL and pipe stdin and stdout through it, like netcat',
      )
      .argument(
        '<URL>',
        'tcp://, tls://, unix://, ws://, wss://, ssh://user@host[:port]/target-host:port',
      )
      .addOption(keyFileOption())
      .addOption(compressOption())
      .option('--ca <file>', 'trust this CA (PEM) for tls:// and wss://')
      .option('--identity <file>', 'SSH private key for ssh:// (default: the SSH agent)')
      .option('--known-hosts <file>', 'known_hosts for ssh:// (default: ~/.ssh/known_hosts)')
      .addHelpText(
        'after',
        examples([
          'sluice connect tcp://server:7000 --key-file k',
          'tar c dir | sluice connect unix:///tmp/s.sock > reply',
          'sluice connect ssh://me@bastion/10.0.0.5:7000 --identity ~/.ssh/id_ed25519',
          'At the end of stdin it half-closes, then prints what still arrives.',
        ]),
      )
      .action(async (url: string, _opts, cmd: Command) => {
        const { connectCommand } = await import('./commands/connect.js');
        done(await connectCommand(context(), url, cmd.opts()));
      });

  if (wants('completion'))
    sub('completion')
      .description('Print a shell completion script')
      .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
      .addHelpText(
        'after',
        examples([
          'source <(sluice completion bash)',
          'sluice completion zsh > ~/.zfunc/_sluice  # a directory on $fpath',
        ]),
      )
      .action(async (shell: 'bash' | 'zsh') => {
        const { completion } = await import('./commands/completion.js');
        io.out(completion(program, shell));
        done(0);
      });

  return program;
}
