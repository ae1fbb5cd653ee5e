// `sluice serve` as a background process for tests: started, its printed address read, and
// stopped (by its own pid) when the test is done.
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SLUICE } from './harness.js';

/** A running `sluice serve`. */
export interface Served {
  /** The address it printed. */
  url: string;
  /** What it wrote to stderr so far. */
  stderr: () => string;
  /** Resolves once its stderr shows `text` (rejects after `timeoutMs`). */
  waitForStderr: (text: string, timeoutMs?: number) => Promise<void>;
  /** Stops it. */
  stop: () => Promise<void>;
}

/** Whether `promise` settles within `ms`. */
async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts `sluice serve args…` and resolves once it prints where it listens. */
export function serve(args: string[]): Promise<Served> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [SLUICE, 'serve', ...args]);
  let err = '';
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer): void => {
      out += c.toString();
      const m = /^listening on (\S+)\n/.exec(out);
      if (!m) return;
      child.stdout.off('data', onData);
      resolve({
        url: m[1] as string,
        stderr: () => err,
        waitForStderr: (text, timeoutMs = 10_000) =>
          new Promise<void>((done, fail) => {
            if (err.includes(text)) return done();
            const timer = setTimeout(() => {
              child.stderr.off('data', check);
              fail(new Error(`sluice serve did not print ${JSON.stringify(text)}; stderr: ${err}`));
            }, timeoutMs);
            const check = (): void => {
              if (!err.includes(text)) return;
              clearTimeout(timer);
              child.stderr.off('data', check);
              done();
            };
            child.stderr.on('data', check);
          }),
        stop: async () => {
          // SIGTERM, as a service manager stops it. A serve that outlives it, or whose
          // stdio stays open after it exits, fails the test saying which, instead of
          // hanging the suite's hook.
          child.kill('SIGTERM');
          if (!(await within(exited, 15_000))) {
            child.kill('SIGKILL');
            throw new Error(
              `sluice serve ${args.join(' ')} did not exit within 15 s of SIGTERM; stderr: ${err}`,
            );
          }
          if (!(await within(closed, 5_000))) {
            throw new Error(
              `sluice serve ${args.join(' ')} exited, but its stdout or stderr stayed open (held by a process it started?); stderr: ${err}`,
            );
          }
        },
      });
    };
    child.stdout.on('data', onData);
    child.once('close', (code) => reject(new Error(`sluice serve exited with ${code}: ${err}`)));
  });
}

/** A CA and a certificate for 127.0.0.1 signed by it, made with openssl in `dir`. */
export function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca-key.pem');
  const key = join(dir, 'key.pem');
  const csr = join(dir, 'req.csr');
  const cert = join(dir, 'cert.pem');
  const ext = join(dir, 'ext.cnf');
  const openssl = (args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' });
  };
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    ca,
    '-days',
    '1',
    '-subj',
    '/CN=sluice test CA',
  ]);
  openssl([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    csr,
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    cert,
    '-days',
    '1',
    '-extfile',
    ext,
  ]);
  return { ca, cert, key };
}
