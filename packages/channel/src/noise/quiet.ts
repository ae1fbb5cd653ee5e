// Node's key imports (createSecretKey, createPublicKey, createPrivateKey) first ask whether
// their argument is a KeyObject and then a CryptoKey, each by a brand check that throws and
// catches a TypeError for anything else. Capturing those stack traces costs more than the
// import itself (createPublicKey of a raw X25519 key: 17 µs, 6 µs without). Nobody sees
// them, so they are switched off for the call. A real failure of the import still throws,
// without a stack (callers wrap it as the `cause` of their own error).

/** Runs a key import with stack traces off; returns what it returns. */
export function withoutStackTraces<T>(importKey: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return importKey();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
