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
