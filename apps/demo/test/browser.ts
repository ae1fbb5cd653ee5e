// The real Chromium of the browser tests (installed by scripts/engines/chromium.sh), driven
// by playwright-core. Missing: the tests skip loudly, or fail under CI=true.
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRealPart, type RealPart } from '@sluice/test-env';
import { type BrowserContext, chromium } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Flags for a headless Chromium on a shared, offline test machine. */
export const CHROMIUM_ARGS: string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let cached: Promise<RealPart<string>> | undefined;

/** The Chromium executable, or why there is none. */
export function chromiumPath(): Promise<RealPart<string>> {
  cached ??= findRealPart('Chromium (scripts/engines/chromium.sh installs it)', async () => {
    for (const candidate of CANDIDATES) {
      if (!candidate) continue;
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {}
    }
    throw new Error(`no executable at ${CANDIDATES.filter(Boolean).join(', ')}`);
  });
  return cached;
}

/** A headless Chromium with a fresh profile; `close()` removes the profile too. */
export async function launchBrowser(
  executablePath: string,
  viewport = { width: 1000, height: 640 },
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'sluice-demo-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
