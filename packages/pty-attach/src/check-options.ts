// Options a JavaScript caller misspells would silently do nothing: they are refused instead,
// with a TypeError that names them (TypeScript already refuses them at compile time).

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

/** Throws a `TypeError` naming the first key of `options` not in `allowed`. */
export function checkOptions(
  options: object | undefined,
  allowed: readonly string[],
  fn: string,
): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${fn}: options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${fn}: unknown option "${key}" (known: ${allowed.join(', ')})`);
    }
  }
}
