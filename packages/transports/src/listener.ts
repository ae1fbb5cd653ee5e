// What every server side hands out: accepted connections as stream-core Streams.
import type { NodeBackedStream } from '@sluice/stream-core';

/** A listening endpoint of any transport. */
export interface StreamListener extends AsyncIterable<NodeBackedStream>, AsyncDisposable {
  /** A URL a client can pass to `connect()` to reach this listener (e.g. `tcp://127.0.0.1:4000`). */
  readonly url: string;
  /** Resolves with the next accepted connection; rejects once the listener is closed. */
  accept(): Promise<NodeBackedStream>;
  /** Stops accepting; connections already accepted stay open. Idempotent. */
  close(): Promise<void>;
}
