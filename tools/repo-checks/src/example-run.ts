// Runs a compiled README example as its own node process, from its package's folder, so its
// imports resolve to the built packages exactly as a user's would.
import { spawn } from 'node:child_process';
import type { CompiledExample } from './example-typecheck.js';

/** How a run ended. */
export interface ExampleRun {
  ok: boolean;
  /** What went wrong (exit status or timeout) and the process's output. */
  report: string;
}

/** Runs the example's JavaScript; it must exit 0 within `timeoutMs`. */
export function runExample(compiled: CompiledExample, timeoutMs: number): Promise<ExampleRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', compiled.js], {
      cwd: compiled.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      if (output.length < 64 * 1024) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const where = `${compiled.example.readme}:${compiled.example.fenceLine}`;
      if (timedOut) {
        resolve({
          ok: false,
          report:
            `${where}: still running after ${timeoutMs} ms (an example must end on its own: ` +
            `close what it opens, e.g. with \`await using\`)\n${output}`,
        });
      } else if (code !== 0) {
        resolve({
          ok: false,
          report:
            `${where}: exited with ${code ?? signal} (an example that needs something outside ` +
            `the process is marked <!-- example: needs <what> --> and not run)\n${output}`,
        });
      } else resolve({ ok: true, report: output });
    });
  });
}
