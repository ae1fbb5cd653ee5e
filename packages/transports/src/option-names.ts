// Unknown options are refused by name (issue 13 item 7): TypeScript already refuses them at
// compile time, so this is for JavaScript callers and the seed's spellings. Each option type
// has its list of names beside it, typed so that the compiler keeps list and type in step.
import type { TransportStreamOptions } from './stream-options.js';

/** Every option name of `T`, each mapped to true (a missing or extra name fails to compile). */
export type OptionNames<T> = { readonly [K in keyof Required<T>]: true };

/** The names of `TransportStreamOptions`. */
export const STREAM_OPTION_NAMES: OptionNames<TransportStreamOptions> = {
  readTimeoutMs: true,
  writeTimeoutMs: true,
  maxBufferSize: true,
};

/** Option names of `options` not in `names`. */
export function unknownOptions(options: object, names: object): string[] {
  return Object.keys(options).filter((name) => !Object.hasOwn(names, name));
}

/**
 * Throws a `TypeError` naming every option of `options` that `fn` does not know (and one when
 * `options` is not an object at all).
 */
export function checkOptions<T extends object>(
  fn: string,
  options: T | undefined,
  names: OptionNames<T>,
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `${fn}: options must be an object, got ${options === null ? 'null' : typeof options}`,
    );
  }
  const unknown = unknownOptions(options, names);
  if (unknown.length > 0) {
    const list = unknown.map((name) => JSON.stringify(name)).join(', ');
    throw new TypeError(
      `${fn}: unknown option${unknown.length > 1 ? 's' : ''} ${list} (known: ${Object.keys(names).join(', ')})`,
    );
  }
}
