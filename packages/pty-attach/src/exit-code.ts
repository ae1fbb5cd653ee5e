// The CLI's exit codes for a container that failed to start: 127 when the command is not
// found, 126 when it cannot be run, 125 for anything else.

/** Exit code for a start failure with the engine's `message`. */
export function startFailureExitCode(message: string): number {
  if (/executable file not found|no such file or directory/i.test(message)) return 127;
  if (/permission denied|is a directory|not a directory|cannot execute/i.test(message)) return 126;
  return 125;
}
