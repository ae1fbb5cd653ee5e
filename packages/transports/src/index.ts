/**
 * `@sluice/transports`. See the README for what it does and how to use it.
 * @packageDocumentation
 */
export {};
