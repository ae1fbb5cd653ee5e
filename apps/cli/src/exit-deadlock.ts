// Node can deadlock in process.exit() while a V8 thread is building compiled code: that thread
// waits for a garbage collection the exiting main thread never runs (nodejs/node#54918,
// #64274). It hung `sluice connect --key-file` and `sluice serve` after transfers: gdb showed
// the main thread in NodePlatform::Shutdown() joining a worker parked in
// CollectionBarrier::AwaitCollectionBackground, inside a concurrent Sparkplug job once and a
// Maglev one (building its code object) once. scripts/stress/exit-deadlock.mjs, 3 × 40
// `connect --key-file` exits of 64 MiB under load: 5 of 240 hung as Node ships, none with
// both kinds of code built on the main thread, which these V8 flags do.
// They are set before anything is hot enough to compile: changed while a Maglev job is in
// flight, V8 fails a check and aborts (a first version set them 20 ms in, and one process of a
// benchmark died of "Check failed: !deopt_data.is_null()").

/** The V8 flags that keep compiled code from being built off the main thread. */
export const MAIN_THREAD_CODE_FLAGS =
  '--no-concurrent-sparkplug --no-maglev-build-code-on-background --no-maglev-deopt-data-on-background';

/** What avoidExitDeadlock() acts on (the process's own, unless a test says otherwise). */
export interface ExitDeadlockHost {
  nodeVersion: string;
  setFlags: (flags: string) => void;
}

const processHost: ExitDeadlockHost = {
  nodeVersion: process.versions.node,
  setFlags: (flags) => {
    const v8 = process.getBuiltinModule?.('node:v8') as typeof import('node:v8') | undefined;
    v8?.setFlagsFromString(flags);
  },
};

/**
 * Sets MAIN_THREAD_CODE_FLAGS, at once (1.4 ms, for loading node:v8). Only on Node 24, whose
 * V8 has these flags (V8 prints an error for a flag it does not know).
 */
export function avoidExitDeadlock(host: ExitDeadlockHost = processHost): void {
  if (!host.nodeVersion.startsWith('24.')) return;
  host.setFlags(MAIN_THREAD_CODE_FLAGS);
}
