// A JavaScript caller's misspelt option would silently do nothing (TypeScript already refuses
// it at compile time): it is refused instead, with a TypeError that names it and the options
// that exist. One helper, so every package words it the same way.

/**
 * Throws a `TypeError` when `options` is not an object, or has a key `known` lacks, naming
 * the keys and where (`where`, e.g. `"new Pump()"`). `undefined` passes.
 */
export function assertKnownOptions(
  options: unknown,
  known: readonly string[],
  where: string,
): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object, got ${String(options)}`);
  }
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    const names = unknown.map((key) => `'${key}'`).join(', ');
    throw new TypeError(
      `${where}: unknown option${unknown.length > 1 ? 's' : ''} ${names} (known: ${known.join(', ')})`,
    );
  }
}
