/**
 * `@sluice/stream-core/testing`: test doubles other packages need too (in-memory stream
 * pairs, chunk-splitting sources, partial-write and slow sinks).
 * @packageDocumentation
 */
export {};
