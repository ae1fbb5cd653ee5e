// Raw or multiplexed? Engines from API 1.42 say so in the upgraded reply's Content-Type; older
// ones (like 20.10) do not, and the answer comes from whether a TTY was allocated.
import { MULTIPLEXED_CONTENT_TYPE, RAW_CONTENT_TYPE } from './constants.js';

/** How an attach, exec or logs stream is encoded. */
export type StreamKind = 'multiplexed' | 'raw';

/** API version from which an upgraded reply's Content-Type tells the kind. */
export const CONTENT_TYPE_MIN_API_VERSION = '1.42';

function atLeast(version: string, minimum: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [minMajor = 0, minMinor = 0] = minimum.split('.').map(Number);
  return major > minMajor || (major === minMajor && minor >= minMinor);
}

/**
 * The kind announced by the Content-Type of an upgraded attach/exec reply, or undefined.
 *
 * `multiplexed-stream` is only ever sent by engines that mean it. `raw-stream` is trusted only
 * when `apiVersion` (the engine's, or the one in the request path) is given and at least 1.42:
 * older engines (e.g. Docker 20.10, API 1.41) answer `raw-stream` to every upgrade, TTY or
 * not — fall back to {@link streamKindFromInspect} then.
 */
export function streamKindFromContentType(
  contentType: string | readonly string[] | null | undefined,
  apiVersion?: string,
): StreamKind | undefined {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  if (typeof value !== 'string') return undefined;
  const mediaType = value.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === MULTIPLEXED_CONTENT_TYPE) return 'multiplexed';
  if (mediaType === RAW_CONTENT_TYPE) {
    return apiVersion !== undefined && atLeast(apiVersion, CONTENT_TYPE_MIN_API_VERSION)
      ? 'raw'
      : undefined;
  }
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
