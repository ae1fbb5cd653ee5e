/**
 * `@sluice/cli`: the `sluice` command. The programmatic entry runs it with given arguments.
 *
 * @example
 * ```ts
 * import { main } from '@sluice/cli';
 * process.exitCode = await main(['--version']);
 * ```
 * @packageDocumentation
 */
export type { CliIo } from './io.js';
export { main } from './main.js';
