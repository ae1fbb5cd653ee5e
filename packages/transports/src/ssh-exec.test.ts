// connectSshExec against the real OpenSSH sshd of scripts/engines/sshd.sh: a remote `cat`
// round-trips bytes both ways with half-close; a failing command is a typed ConnectError with
// its exit status and stderr; the host key is verified as for tunnels.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthenticationError,
  ConnectError,
  ConnectionLostError,
  type NodeBackedStream,
} from '@sluice/stream-core';
import { sshServer } from '@sluice/test-env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSshExec, SshCommandError, type SshExecOptions } from './ssh-exec.js';

const sshd = await sshServer();

async function readAll(stream: NodeBackedStream): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
}

async function failureOf(stream: NodeBackedStream): Promise<unknown> {
  return readAll(stream).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe.skipIf(!sshd.available)('connectSshExec through a real sshd', () => {
  const server = sshd.available ? sshd.value : (undefined as never);
  const login = (command: string): SshExecOptions => ({
    host: server.host,
    port: server.port,
    username: server.username,
    privateKey: server.privateKey,
    knownHosts: server.knownHostsPath,
    command,
  });
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-ssh-exec-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs cat: what we write comes back, and our end of data ends it cleanly', async () => {
    await using stream = await connectSshExec(login('cat'));
    const data = Buffer.alloc(3 * 1024 * 1024).map((_, i) => (i * 7) % 251);
    const [, echoed] = await Promise.all([
      stream.writeAll(data).then(() => stream.closeWrite()),
      readAll(stream),
    ]);
    expect(Buffer.compare(echoed, data)).toBe(0);
    expect(stream.exitStatus).toEqual({ code: 0, signal: undefined });
  });

  it('keeps stderr out of the stream and ends cleanly on exit 0', async () => {
    await using stream = await connectSshExec(login("printf out; printf 'warn' >&2"));
    expect((await readAll(stream)).toString()).toBe('out');
    expect(stream.stderrText).toBe('warn');
  });

  it('a command that fails before any output is a ConnectError with its status and stderr', async () => {
    await using stream = await connectSshExec(login("echo 'no such engine' >&2; exit 3"));
    const error = await failureOf(stream);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toBeInstanceOf(SshCommandError);
    const failed = error as SshCommandError;
    expect(failed.exitStatus).toEqual({ code: 3, signal: undefined });
    expect(failed.stderr).toContain('no such engine');
    expect(failed.message).toMatch(/exited with code 3.*no such engine/);
  });

  it('a missing program is a ConnectError naming the shell’s complaint (127)', async () => {
    await using stream = await connectSshExec(login('sluice-no-such-program-here'));
    const error = (await failureOf(stream)) as SshCommandError;
    expect(error).toBeInstanceOf(SshCommandError);
    expect(error.exitStatus.code).toBe(127);
    expect(error.stderr).toMatch(/not found/);
  });

  it('a command that fails after output is a ConnectionLostError', async () => {
    await using stream = await connectSshExec(login('printf partial; exit 4'));
    const error = await failureOf(stream);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error).not.toBeInstanceOf(ConnectError);
    expect(String(error)).toContain('code 4');
  });

  it('verifies the host key as tunnels do: an unknown host is refused', async () => {
    const empty = join(dir, 'known_hosts_empty');
    await writeFile(empty, '');
    await expect(connectSshExec({ ...login('cat'), knownHosts: empty })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });

  it('rejects an empty command with a TypeError', async () => {
    await expect(connectSshExec(login('  '))).rejects.toBeInstanceOf(TypeError);
  });
});
