// Fixed randomness for tests that need exact bytes on the wire: Node's X25519 key
// generation and 32-byte randomBytes() calls answer from queues the test gives, in order.
// Node's built-in module objects are patched and re-synced to their ESM named exports
// (`syncBuiltinESMExports`), so code importing `{ randomBytes }` sees the same functions.
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** Makes the next X25519 key pairs and 32-byte random values the given ones; returns undo. */
export function fixRandomness(privateKeys: Uint8Array[], random32: Uint8Array[]): () => void {
  const keys = [...privateKeys];
  const randoms = [...random32];
  const { generateKeyPairSync, randomBytes } = crypto;
  crypto.generateKeyPairSync = ((type: string, ...rest: unknown[]) => {
    const next = type === 'x25519' ? keys.shift() : undefined;
    if (!next) return (generateKeyPairSync as (...a: unknown[]) => unknown)(type, ...rest);
    const privateKey = crypto.createPrivateKey({
      key: Buffer.concat([PKCS8_PREFIX, next]),
      format: 'der',
      type: 'pkcs8',
    });
    return { privateKey, publicKey: crypto.createPublicKey(privateKey) };
  }) as typeof crypto.generateKeyPairSync;
  crypto.randomBytes = ((size: number, ...rest: unknown[]) => {
    const next = size === 32 && rest.length === 0 ? randoms.shift() : undefined;
    if (!next) return (randomBytes as (...a: unknown[]) => unknown)(size, ...rest);
    return Buffer.from(next);
  }) as typeof crypto.randomBytes;
  syncBuiltinESMExports();
  return () => {
    crypto.generateKeyPairSync = generateKeyPairSync;
    crypto.randomBytes = randomBytes;
    syncBuiltinESMExports();
  };
}
