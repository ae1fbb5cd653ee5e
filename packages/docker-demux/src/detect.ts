// Raw or multiplexed? Engines from API 1.42 say so in the upgraded reply's Content-Type; older
// ones (like 20.10) do not, and the answer comes from whether a TTY was allocated.
import { MULTIPLEXED_CONTENT_TYPE, RAW_CONTENT_TYPE } from './constants.js';

/** How an attach, exec or logs stream is encoded. */
export type StreamKind = 'multiplexed' | 'raw';

/** The kind announced by a Content-Type header, or undefined if it names neither. */
export function streamKindFromContentType(
  contentType: string | readonly string[] | null | undefined,
): StreamKind | undefined {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  if (typeof value !== 'string') return undefined;
  const mediaType = value.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === MULTIPLEXED_CONTENT_TYPE) return 'multiplexed';
  if (mediaType === RAW_CONTENT_TYPE) return 'raw';
  return undefined;
}

/** The parts of container or exec inspect data that decide the kind. */
export interface InspectLike {
  /** Container inspect: `Config.Tty`. */
  Config?: { Tty?: boolean | null } | null;
  /** Exec inspect: `ProcessConfig.tty`. */
  ProcessConfig?: { tty?: boolean | null } | null;
}

/**
 * The kind from container inspect data (`Config.Tty`) or exec inspect data
 * (`ProcessConfig.tty`): a TTY means raw, no TTY multiplexed; undefined if neither is present.
 */
export function streamKindFromInspect(
  inspectData: InspectLike | null | undefined,
): StreamKind | undefined {
  const tty = inspectData?.ProcessConfig?.tty ?? inspectData?.Config?.Tty;
  if (typeof tty !== 'boolean') return undefined;
  return tty ? 'raw' : 'multiplexed';
}
