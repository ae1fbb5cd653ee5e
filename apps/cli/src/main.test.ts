// The parser and the error printer, in-process: Docker-style option rules, exit codes of
// usage errors, one-line messages, and every command's help against its snapshot.
import { describe, expect, it } from 'vitest';
import { capture } from '../test/capture.js';
import { main } from './main.js';
import { buildProgram, commandNamed, type ProgramState } from './program.js';

type Parsed = { command: string; args: unknown[]; opts: Record<string, unknown> };

/** Parses `argv` with every action replaced by one that records what it got. */
async function parseWith(argv: string[], only: string | undefined): Promise<Parsed> {
  const c = capture();
  const state: ProgramState = { exitCode: 0, command: '' };
  const program = buildProgram(c.io, state, only);
  let seen: Parsed | undefined;
  for (const cmd of program.commands) {
    cmd.action(() => {
      seen = { command: cmd.name(), args: cmd.processedArgs, opts: cmd.opts() };
    });
  }
  await program.parseAsync(argv, { from: 'user' });
  if (!seen) throw new Error(`no command ran for ${argv.join(' ')}`);
  return seen;
}

/**
 * What the full program makes of `argv`, checked against the program main() builds for it
 * (only the command `commandNamed` finds): both must parse every command line alike.
 */
async function parse(argv: string[]): Promise<Parsed> {
  const full = await parseWith(argv, undefined);
  expect(await parseWith(argv, commandNamed(argv))).toEqual(full);
  return full;
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
  it('combines short flags, repeats -e, takes --opt=value and --opt value', async () => {
    const r = await parse([
      'run',
      '-it',
      '--rm',
      '-e',
      'A=1',
      '--env=B=2',
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
      env: ['A=1', 'B=2'],
      name: 'web',
      workdir: '/tmp',
    });
  });

  it('stops at IMAGE: everything after it belongs to the command', async () => {
    const r = await parse(['run', '--rm', 'img', 'sh', '-c', 'ls -l', '--rm']);
    expect(r.args).toEqual(['img', ['sh', '-c', 'ls -l', '--rm']]);
    const e = await parse(['exec', '-i', 'box', 'cat', '-n']);
    expect(e.args).toEqual(['box', ['cat', '-n']]);
    expect(e.opts.interactive).toBe(true);
  });

  it('takes -- as the end of options', async () => {
    const r = await parse(['demux', '--stdout', 'o', '--', '--looks-like-a-flag']);
    expect(r.args).toEqual(['--looks-like-a-flag']);
    expect(r.opts.stdout).toBe('o');
  });

  it('reads --sig-proxy=false and --no-stdin as the Docker CLI does', async () => {
    const r = await parse(['attach', '--sig-proxy=false', '--no-stdin', 'box']);
    expect(r.opts).toMatchObject({ sigProxy: false, stdin: false });
    expect((await parse(['attach', 'box'])).opts).toMatchObject({ sigProxy: true, stdin: true });
  });

  it('keeps global options before the command', async () => {
    const c = capture();
    const state: ProgramState = { exitCode: 0, command: '' };
    const program = buildProgram(c.io, state);
    const logs = program.commands.find((cmd) => cmd.name() === 'logs');
    logs?.action(() => {});
    await program.parseAsync(['-H', 'tcp://h:1', '--context=ctx', '-v', 'logs', 'box'], {
      from: 'user',
    });
    expect(program.opts()).toEqual({ host: 'tcp://h:1', context: 'ctx', verbose: true });
  });

  it('builds only the command a line runs, and every command for help and typos', async () => {
    expect(commandNamed(['run', '--rm', 'img'])).toBe('run');
    // The values of -H and -c are not commands, however they are written.
    expect(commandNamed(['-H', 'exec', '-c', 'logs', 'run', 'img'])).toBe('run');
    expect(commandNamed(['-vH', 'exec', 'run', 'img'])).toBe('run');
    expect(commandNamed(['-Hexec', 'run', 'img'])).toBe('run');
    expect(commandNamed(['-Hc', 'exec', 'img'])).toBe('exec');
    expect(commandNamed(['--host=unix:///s', '--context', 'demux', 'logs', 'x'])).toBe('logs');
    for (const argv of [[], ['--help'], ['help', 'run'], ['completion', 'bash'], ['rnu'], ['--']]) {
      expect(commandNamed(argv), argv.join(' ')).toBeUndefined();
    }
    for (const argv of [
      ['-vH', 'exec', 'run', 'img', 'true'],
      ['-Hc', 'exec', 'web', 'ls'],
      ['-c', 'run', 'logs', '-f', 'web'],
    ]) {
      await parse(argv);
    }
    // A typo still gets the nearest command suggested, and a command's help is whole.
    const typo = capture();
    expect(await main(['rnu'], typo.io)).toBe(1);
    const full = capture();
    const state: ProgramState = { exitCode: 0, command: '' };
    const program = buildProgram(full.io, state, 'run');
    expect(program.commands.map((cmd) => cmd.name())).toEqual(['run']);
    expect(await main(['run', '--help'], full.io)).toBe(0);
    expect(full.out()).toContain('Usage: sluice run [options] <IMAGE> [COMMAND...]');
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
