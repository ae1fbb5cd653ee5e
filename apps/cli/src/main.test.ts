// The parser and the error printer, in-process: Docker-style option rules, exit codes of
// usage errors, one-line messages, and every command's help against its snapshot.
import { describe, expect, it } from 'vitest';
import { capture } from '../test/capture.js';
import type { ParsedCommand } from './cli-spec.js';
import { readCommandLine } from './command-line.js';
import { COMMAND_NAMES, commandWord } from './command-names.js';
import { main } from './main.js';
import { PROGRAM } from './program.js';

type Parsed = ParsedCommand & { command: string; globals: Record<string, unknown> };

/** What the command line `argv` runs, with which operands and options (nothing is run). */
function parse(argv: string[]): Parsed {
  const line = readCommandLine(argv, PROGRAM);
  if (line.kind !== 'command') throw new Error(`${argv.join(' ')} runs no command: ${line.kind}`);
  return { command: line.command.name, globals: { ...line.globals }, ...line.parsed };
}

/** The one line and exit code main() gives for `argv`. */
async function failure(argv: string[]): Promise<{ code: number; err: string }> {
  const c = capture();
  const code = await main(argv, c.io);
  return { code, err: c.err() };
}

const COMMANDS = [
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

describe('sluice parsing (Docker-style rules)', () => {
  it('combines short flags, repeats -e, takes --opt=value and --opt value', () => {
    const r = parse([
      'run',
      '-it',
      '--rm',
      '-e',
      'A=1',
      '--env=B=2',
      '-eC=3',
      '--name',
      'web',
      '-w',
      '/tmp',
      'img',
    ]);
    expect(r.command).toBe('run');
    expect(r.args).toEqual(['img', []]);
    expect(r.opts).toMatchObject({
      interactive: true,
      tty: true,
      rm: true,
      env: ['A=1', 'B=2', 'C=3'],
      name: 'web',
      workdir: '/tmp',
    });
    // A cluster may end in an option that takes the next argument.
    expect(parse(['run', '-ite', 'A=1', 'img']).opts).toMatchObject({ tty: true, env: ['A=1'] });
    expect(parse(['run', 'img']).opts).toEqual({ env: [] });
  });

  it('stops at IMAGE: everything after it belongs to the command', () => {
    const r = parse(['run', '--rm', 'img', 'sh', '-c', 'ls -l', '--rm']);
    expect(r.args).toEqual(['img', ['sh', '-c', 'ls -l', '--rm']]);
    const e = parse(['exec', '-i', 'box', 'cat', '-n', '--help']);
    expect(e.args).toEqual(['box', ['cat', '-n', '--help']]);
    expect(e.opts.interactive).toBe(true);
  });

  it('takes options anywhere in the other commands, and -- as the end of options', () => {
    const r = parse(['demux', '--stdout', 'o', '--', '--looks-like-a-flag']);
    expect(r.args).toEqual(['--looks-like-a-flag']);
    expect(r.opts.stdout).toBe('o');
    expect(parse(['logs', 'box', '-f', '--tail', '3']).opts).toMatchObject({
      follow: true,
      tail: '3',
    });
    expect(parse(['run', '--', 'img', '-x']).args).toEqual(['img', ['-x']]);
  });

  it('reads --sig-proxy=false, --no-stdin and --rm=false as the Docker CLI does', async () => {
    const r = parse(['attach', '--sig-proxy=false', '--no-stdin', 'box']);
    expect(r.opts).toMatchObject({ sigProxy: false, stdin: false });
    expect(parse(['attach', 'box']).opts).toMatchObject({ sigProxy: true, stdin: true });
    expect(parse(['run', '--rm=false', 'img']).opts).toMatchObject({ rm: false });
    expect(parse(['run', '--rm=1', 'img']).opts).toMatchObject({ rm: true });
    expect(await failure(['attach', '--sig-proxy=maybe', 'box'])).toEqual({
      code: 125,
      err: `sluice: invalid value for --sig-proxy: "maybe" (true or false) (see 'sluice attach --help')\n`,
    });
  });

  it('keeps global options before the command, where their values are never the command', () => {
    expect(parse(['-H', 'tcp://h:1', '--context=ctx', '-v', 'logs', 'box']).globals).toEqual({
      host: 'tcp://h:1',
      context: 'ctx',
      verbose: true,
    });
    expect(parse(['-H', 'exec', '-c', 'logs', 'run', 'img'])).toMatchObject({
      command: 'run',
      globals: { host: 'exec', context: 'logs' },
    });
    expect(parse(['-vHexec', 'run', 'img']).globals).toEqual({ verbose: true, host: 'exec' });
    // After the command, -H is that command's (unknown) flag.
    expect(() => parse(['logs', '-H', 'x', 'box'])).toThrow('unknown flag: -H');
  });
});

describe('the command names the bin reads before the table', () => {
  it("are the table's, and pick the command a line runs", () => {
    expect(PROGRAM.commands.map((c) => c.name)).toEqual(COMMAND_NAMES);
    expect(commandWord(['-H', 'unix:///s', 'run', '--rm', 'img'])).toBe('run');
    expect(commandWord(['--help'])).toBe('other');
    expect(commandWord(['rnu'])).toBe('other');
  });
});

describe('sluice usage errors', () => {
  it('prints its version', async () => {
    const c = capture();
    expect(await main(['--version'], c.io)).toBe(0);
    expect(c.out()).toMatch(/^sluice \d+\.\d+\.\d+\n$/);
  });

  it('an unknown flag is one line and 125, as docker', async () => {
    const c = capture();
    expect(await main(['logs', '--frob', 'x'], c.io)).toBe(125);
    expect(c.err()).toBe("sluice: unknown flag: --frob (see 'sluice logs --help')\n");
  });

  it('an unknown command is one line and 1, as docker', async () => {
    const c = capture();
    expect(await main(['frobnicate'], c.io)).toBe(1);
    expect(c.err()).toBe("sluice: unknown command: frobnicate (see 'sluice --help')\n");
  });

  it('a missing operand, a bad choice and a bad value are one line and 125', async () => {
    for (const argv of [
      ['run'],
      ['mux', '--stream', 'stdin'],
      ['logs', '--tail', 'x', 'box'],
      ['serve', 'tcp://127.0.0.1:0'],
    ]) {
      const c = capture();
      expect(await main(argv, c.io), argv.join(' ')).toBe(125);
      expect(c.err().split('\n'), argv.join(' ')).toHaveLength(2);
      expect(c.err()).toMatch(new RegExp(`^sluice: .*see 'sluice ${argv[0]} --help'`));
    }
  });

  it('names the flag, the operand or the value that is wrong, and where to look', async () => {
    const cases: Array<[string[], number, string]> = [
      [['run', '--name'], 125, "option '--name <name>' argument missing (see 'sluice run --help')"],
      [['run', '-x', 'img'], 125, "unknown flag: -x (see 'sluice run --help')"],
      [['-H'], 125, "option '-H, --host <url>' argument missing (see 'sluice --help')"],
      [['--frob'], 125, "unknown flag: --frob (see 'sluice --help')"],
      [['exec', 'box'], 125, "missing required argument 'COMMAND' (see 'sluice exec --help')"],
      [
        ['mux', '--stream', 'stdin'],
        125,
        "option '--stream <name>' argument 'stdin' is invalid. Allowed choices are stdout, stderr (see 'sluice mux --help')",
      ],
      [['mux'], 125, "required option '--stream <name>' not specified (see 'sluice mux --help')"],
      [
        ['logs', 'box', 'extra'],
        125,
        "too many arguments for 'logs'. Expected 1 argument but got 2: box, extra (see 'sluice logs --help')",
      ],
      [
        ['completion', 'fish'],
        125,
        "command-argument value 'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh (see 'sluice completion --help')",
      ],
      [['help', 'frob'], 1, "unknown command: frob (see 'sluice --help')"],
    ];
    for (const [argv, code, line] of cases) {
      expect(await failure(argv), argv.join(' ')).toEqual({ code, err: `sluice: ${line}\n` });
    }
  });

  it('help wins over the rest of the line', async () => {
    for (const argv of [
      ['logs', '--frob', '--help'],
      ['run', '-h', '--name'],
      ['help', 'run'],
    ]) {
      const c = capture();
      expect(await main(argv, c.io), argv.join(' ')).toBe(0);
      expect(c.out()).toMatch(/^Usage: sluice (logs|run) \[options\]/);
    }
  });

  it('colours the prefix on a terminal, and not with NO_COLOR', async () => {
    const c = capture(true);
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      await main(['frobnicate'], c.io);
      expect(c.err()).toContain('\x1b[31msluice:\x1b[0m');
      process.env.NO_COLOR = '1';
      const plain = capture(true);
      await main(['frobnicate'], plain.io);
      expect(plain.err()).not.toContain('\x1b[');
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });
});

describe('sluice help', () => {
  it('sluice --help and no arguments print the overview', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out()).toMatchSnapshot();
    const bare = capture();
    expect(await main([], bare.io)).toBe(0);
    expect(bare.out()).toBe(c.out());
  });

  it.each(COMMANDS)('sluice %s --help, with examples', async (name) => {
    const c = capture();
    expect(await main([name, '--help'], c.io)).toBe(0);
    expect(c.out()).toContain('Examples:');
    expect(c.out()).toMatchSnapshot();
  });

  it('completion scripts name every command and its options', async () => {
    for (const shell of ['bash', 'zsh']) {
      const c = capture();
      expect(await main(['completion', shell], c.io)).toBe(0);
      for (const name of COMMANDS) expect(c.out()).toContain(name);
      expect(c.out()).toContain('--detach-keys');
      expect(c.out()).toContain('--key-file');
    }
  });
});

describe('Node version', () => {
  it('an older Node is one line that names both versions', async () => {
    const { requireNode } = await import('./node-version.js');
    expect(() => requireNode('20.20.2')).toThrow(
      'this needs Node 24.11.1 or newer; it is running on Node 20.20.2',
    );
    expect(() => requireNode('22.15.0')).toThrow(/needs Node 24\.11\.1/);
    expect(() => requireNode('24.10.0')).toThrow(/needs Node 24\.11\.1/);
    // 24.11.0 zero-fills Buffer.allocUnsafe (nodejs/node#60423).
    expect(() => requireNode('24.11.0')).toThrow(/needs Node 24\.11\.1/);
    expect(() => requireNode('24.11.1')).not.toThrow();
    expect(() => requireNode('24.12.0')).not.toThrow();
    expect(() => requireNode('25.0.0')).not.toThrow();
  });
});
