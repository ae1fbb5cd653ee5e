// The CLI's signal proxy for non-TTY sessions: signals the attaching process receives go to
// the container instead of ending the process (all but SIGCHLD, SIGPIPE, SIGURG; Node can
// only listen to the catchable ones, and SIGUSR1 belongs to its inspector).
const PROXIED: readonly NodeJS.Signals[] = [
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGTERM',
  'SIGUSR2',
  'SIGALRM',
  'SIGWINCH',
  'SIGCONT',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
];

/** Forwards signals to `send` until the returned function is called. */
export function proxySignals(send: (signal: NodeJS.Signals) => unknown): () => void {
  const handlers = PROXIED.map((signal) => {
    const handler = (): void => {
      send(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
