// Options a JavaScript caller misspells would silently do nothing: they are refused instead,
// with a TypeError that names them (TypeScript already refuses them at compile time), by
// stream-core's `assertKnownOptions`. These are the names each entry point knows.

/** Option names every session takes. */
export const SESSION_OPTION_KEYS: readonly string[] = [
  'stdin',
  'stdout',
  'stderr',
  'interactive',
  'detachKeys',
  'size',
  'rawMode',
  'endOutputs',
  'onWarning',
  'signal',
  'timeouts',
];

/** Refuses what cannot be an engine (an `Engine` or a dockerode instance), naming `where`. */
export function assertEngine(engine: unknown, where: string): void {
  if ((typeof engine !== 'object' && typeof engine !== 'function') || engine === null) {
    throw new TypeError(
      `${where}: the engine must be an Engine from resolveEngine() or a dockerode instance, not ${engine === null ? 'null' : typeof engine}`,
    );
  }
}
