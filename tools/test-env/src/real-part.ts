// Gate for tests that need a real part (a Docker engine, sshd, Chromium). Where the part is
// missing, a developer's run skips those tests with a loud message; under CI=true the
// missing part is an error, so nothing skips in CI.

/** The outcome of looking for a real part. */
export type RealPart<T> = { available: true; value: T } | { available: false; reason: string };

/** True when running under CI (CI=true or CI=1). */
export function underCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * Runs `probe`; on failure, throws under CI and otherwise warns loudly and reports the part
 * unavailable, so the caller can `describe.skipIf(!part.available)`.
 */
export async function findRealPart<T>(name: string, probe: () => Promise<T>): Promise<RealPart<T>> {
  try {
    return { available: true, value: await probe() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (underCi()) {
      throw new Error(`${name} is required under CI=true but is not available: ${reason}`, {
        cause: error,
      });
    }
    const bar = '!'.repeat(78);
    console.warn(
      `\n${bar}\n!! SKIPPING tests that need ${name}: ${reason}\n!! (run 'npm test' as root with apt-get to have it set up; under CI=true this fails)\n${bar}\n`,
    );
    return { available: false, reason };
  }
}
