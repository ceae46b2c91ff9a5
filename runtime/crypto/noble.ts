/**
 * The backend interfaces of ML-DSA-87 and their reference implementations, `@noble/post-quantum`:
 * pure TypeScript, deterministic, part of the checked core (zero-sim.config.json). The native
 * backends, the environment that selects them and the worker pools are the shell around it
 * (backend.ts, sign-backend.ts, native-build.ts, verify-pool.ts, sign-pool.ts). DESIGN.md §4.
 * @module
 */
import { ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';

/** The name of a verification or signing backend. */
export type VerifyBackendName = 'native' | 'noble';

/**
 * A verification backend. Inputs are already shape-checked (ml-dsa.ts); `signedBytes` is the
 * framed message D. Synchronous: parallelism comes from the VerifyPool's worker threads.
 */
export type VerifyBackend = {
  readonly name: VerifyBackendName;
  /** Human-readable implementation, for logs and benchmarks. */
  readonly implementation: string;
  verify(publicKey: Uint8Array, signedBytes: Uint8Array, signature: Uint8Array): boolean;
  /** Expanded-key cache counters since the backend was made (backends with a cache). */
  cacheStats?(): KeyCacheStats;
};

/** How often a verification found its key expanded already (hits) or expanded it (misses). */
export type KeyCacheStats = { readonly hits: number; readonly misses: number };

/** A signing backend. Inputs are already shape-checked (ml-dsa.ts); `signedBytes` is D. */
export type SignBackend = {
  readonly name: VerifyBackendName;
  /** Human-readable implementation, for logs and benchmarks. */
  readonly implementation: string;
  sign(secretKey: Uint8Array, signedBytes: Uint8Array): Uint8Array;
};

/** The noble backend: pure ML-DSA-87 verification with the empty FIPS 204 context. */
export const nobleBackend: VerifyBackend = Object.freeze({
  name: 'noble',
  implementation: '@noble/post-quantum ml_dsa87',
  verify: (publicKey: Uint8Array, signedBytes: Uint8Array, signature: Uint8Array) =>
    ml_dsa87.verify(signature, signedBytes, publicKey),
});

/** The noble signer: deterministic pure ML-DSA-87 with the empty FIPS 204 context. */
export const nobleSigner: SignBackend = Object.freeze({
  name: 'noble',
  implementation: '@noble/post-quantum ml_dsa87',
  sign: (secretKey: Uint8Array, signedBytes: Uint8Array) =>
    ml_dsa87.sign(signedBytes, secretKey, { extraEntropy: false }),
});
