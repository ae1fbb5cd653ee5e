import { PassThrough } from 'node:stream';
import { createStreamPair } from '@sluice/stream-core/testing';
import { describe, expect, it } from 'vitest';
import { Demuxer, DemuxStream, DockerFrameDecoder, demux, MuxStream } from './index.js';

// As a JavaScript caller writes them: misspelt options would otherwise do nothing.
const loose = (o: object): never => o as never;

describe('unknown options are refused by name', () => {
  it('every front door names the misspelt option', async () => {
    expect(() => new DockerFrameDecoder(() => {}, loose({ maxFrameSise: 1 }))).toThrow(
      /new DockerFrameDecoder\(\): unknown option 'maxFrameSise'/,
    );
    expect(() => new DemuxStream(loose({ raw: true }))).toThrow(/'raw'/);
    expect(() => new MuxStream(loose({ chunkSize: 10 }))).toThrow(/'chunkSize'/);
    const [a, b] = createStreamPair();
    expect(() => new Demuxer(a, loose({ maxErrorSise: 1 }))).toThrow(/'maxErrorSise'/);
    a.destroy();
    b.destroy();
    const out = new PassThrough();
    await expect(
      demux(new PassThrough(), loose({ stdout: out, stderr: out, ending: false })),
    ).rejects.toThrow(/demux\(\): unknown option 'ending'/);
  });

  it('known options still pass', () => {
    expect(() => new DemuxStream({ kind: 'raw', maxFrameSize: 1024 })).not.toThrow();
    expect(() => new MuxStream({ maxPayload: 100 })).not.toThrow();
  });
});
