// The channel layers `serve` and `connect` switch on from their flags: compression, batching
// and (with --key-file) encryption, where connect is the initiator and serve the responder.
import type { ChannelOptions } from '@sluice/channel';
import { readKeyFile } from './keys.js';

/** The flags both sides share. */
export interface ChannelFlags {
  /** `--key-file`. */
  keyFile?: string;
  /** `--compress`. */
  compress?: 'deflate' | 'brotli' | 'zstd';
  /** `--batch` (serve only). */
  batch?: boolean;
}

/** Channel options for `flags` on the `role` side. */
export async function channelOptions(
  flags: ChannelFlags,
  role: 'initiator' | 'responder',
): Promise<ChannelOptions> {
  const key = flags.keyFile === undefined ? undefined : await readKeyFile(flags.keyFile);
  return {
    ...(key === undefined ? {} : { encrypt: { key, role } }),
    ...(flags.compress === undefined ? {} : { compress: flags.compress }),
    ...(flags.batch ? { batch: true } : {}),
  };
}
