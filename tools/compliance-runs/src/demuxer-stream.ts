// A docker-demux `Demuxer` as a whole ByteStream, through stream-core's own adapter for
// seed-shaped streams (`fromMinimalStream`): reads are the Demuxer's (payloads of the frames,
// waiting on its readiness as `select` would), writes go to the stream under it, as the
// Demuxer's own write side does.
import { Demuxer } from '@sluice/docker-demux';
import { type ByteStream, fromMinimalStream, type Stream } from '@sluice/stream-core';

/** Resolves once `demuxer.read()` would not return an empty result. */
function readable(demuxer: Demuxer): Promise<void> {
  return new Promise((resolve) => {
    if (demuxer.readyToRead()) return resolve();
    const off = demuxer.onReadiness(() => {
      if (!demuxer.readyToRead()) return;
      off();
      resolve();
    });
  });
}

/** A `Stream` whose reads are what a `Demuxer` over `multiplexed` returns. */
export function demuxerStream(multiplexed: ByteStream): Stream {
  const demuxer = new Demuxer(multiplexed);
  return fromMinimalStream({
    async read(n) {
      for (;;) {
        const bytes = demuxer.read(n);
        if (bytes === null || bytes.length > 0) return bytes;
        await readable(demuxer);
      }
    },
    write: (data) => demuxer.stream.writeAll(data),
    close: () => demuxer.close(),
    get closed() {
      return demuxer.stream.closed;
    },
  });
}
