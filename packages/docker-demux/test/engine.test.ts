// Against the real engine: a busybox container writes interleaved stdout and stderr lines and
// several MB of binary data (files we generated and put into it). Its attach stream (attached
// before start, hijacked, multiplexed since Tty=false) and its logs stream, followed or not,
// demux to exactly what it wrote, byte for byte.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { dockerEngine, removeTestContainers, TEST_IMAGE, TEST_LABEL } from '@sluice/test-env';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demux, streamKindFromContentType, streamKindFromInspect } from '../src/index.js';
import { Collector } from './helpers.js';
import { tarOf } from './tar.js';

const engine = await dockerEngine();

const LINES = 300;
const OUT_BIN = randomBytes(3 * 1024 * 1024);
const ERR_BIN = randomBytes(1024 * 1024 + 7);
const lines = (tag: string): string =>
  Array.from({ length: LINES }, (_, i) => `${tag} line ${i}\n`).join('');
const EXPECTED_STDOUT = Buffer.concat([
  Buffer.from(lines('out')),
  OUT_BIN,
  Buffer.from('out tail\n'),
]);
const EXPECTED_STDERR = Buffer.concat([
  Buffer.from(lines('err')),
  ERR_BIN,
  Buffer.from('err tail\n'),
]);
const SCRIPT = [
  `i=0; while [ $i -lt ${LINES} ]; do echo "out line $i"; echo "err line $i" >&2; i=$((i+1)); done`,
  'cat /data/out.bin; cat /data/err.bin >&2',
  'echo "out tail"; echo "err tail" >&2',
].join('; ');

/** docker-modem keeps the socket path, or a function that finds the default one. */
async function socketPathOf(docker: Docker): Promise<string> {
  const { socketPath } = docker.modem as unknown as {
    socketPath: string | (() => Promise<string>);
  };
  return typeof socketPath === 'function' ? await socketPath() : socketPath;
}

/** The upgrade done by hand: POST …/attach with no body, expecting 101. */
async function attach(
  docker: Docker,
  id: string,
): Promise<{ socket: Duplex; contentType: string | undefined }> {
  const socketPath = await socketPathOf(docker);
  return new Promise((resolve, reject) => {
    const request = http.request({
      socketPath,
      method: 'POST',
      path: `/containers/${id}/attach?stream=1&stdout=1&stderr=1`,
      headers: { Connection: 'Upgrade', Upgrade: 'tcp' },
    });
    request.on('upgrade', (response, socket, head) => {
      if (head.length > 0) socket.unshift(head);
      resolve({ socket, contentType: response.headers['content-type'] });
    });
    request.on('response', (response) => {
      response.resume();
      reject(new Error(`unable to upgrade to tcp, received ${response.statusCode}`));
    });
    request.on('error', reject);
    request.end();
  });
}

async function getLogs(docker: Docker, id: string): Promise<Readable> {
  const socketPath = await socketPathOf(docker);
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path: `/containers/${id}/logs?stdout=1&stderr=1` }, (response) => {
        if (response.statusCode === 200) resolve(response);
        else reject(new Error(`logs: HTTP ${response.statusCode}`));
      })
      .on('error', reject);
  });
}

async function demuxed(source: Readable): Promise<[Buffer, Buffer]> {
  const stdout = new Collector();
  const stderr = new Collector();
  await demux(source, { stdout, stderr });
  return [stdout.bytes(), stderr.bytes()];
}

function same(actual: Buffer, expected: Buffer): void {
  // Compare lengths first and the bytes as one boolean: a multi-MB diff helps nobody.
  expect(actual.length).toBe(expected.length);
  expect(actual.equals(expected)).toBe(true);
}

describe.skipIf(!engine.available)('against the real Docker engine', () => {
  const docker = engine.available ? engine.value : (undefined as never);
  let container: Docker.Container;
  let attached: [Buffer, Buffer];
  let kinds: [string | undefined, string | undefined];

  beforeAll(async () => {
    container = await docker.createContainer({
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', SCRIPT],
      Tty: false,
      AttachStdout: true,
      AttachStderr: true,
      Labels: { [TEST_LABEL]: 'docker-demux' },
      // The default json-file driver stores lines as JSON strings and cannot carry bytes that
      // are not UTF-8; the local driver keeps them exactly.
      HostConfig: { LogConfig: { Type: 'local', Config: {} } },
    });
    await container.putArchive(tarOf({ 'data/out.bin': OUT_BIN, 'data/err.bin': ERR_BIN }), {
      path: '/',
    });
    const { socket, contentType } = await attach(docker, container.id);
    kinds = [
      streamKindFromContentType(contentType),
      streamKindFromInspect(await container.inspect()),
    ];
    const output = demuxed(socket);
    await container.start();
    const [status] = await Promise.all([container.wait() as Promise<{ StatusCode: number }>]);
    expect(status.StatusCode).toBe(0);
    attached = await output;
  });

  afterAll(async () => {
    await container?.remove({ force: true }).catch(() => undefined);
    await removeTestContainers(docker, 'docker-demux');
  });

  it('detects a multiplexed stream (Content-Type on API ≥ 1.42, else Config.Tty)', () => {
    expect(kinds[0] ?? kinds[1]).toBe('multiplexed');
    expect(kinds[1]).toBe('multiplexed');
  });

  it('demuxes the attach stream byte for byte', () => {
    same(attached[0], EXPECTED_STDOUT);
    same(attached[1], EXPECTED_STDERR);
  });

  it('demuxes the logs stream byte for byte', async () => {
    const [stdout, stderr] = await demuxed(await getLogs(docker, container.id));
    same(stdout, EXPECTED_STDOUT);
    same(stderr, EXPECTED_STDERR);
  });

  it('demuxes the followed logs stream (dockerode) byte for byte', async () => {
    const stream = (await container.logs({
      follow: true,
      stdout: true,
      stderr: true,
    })) as unknown as Readable;
    const [stdout, stderr] = await demuxed(stream);
    same(stdout, EXPECTED_STDOUT);
    same(stderr, EXPECTED_STDERR);
  });
});
