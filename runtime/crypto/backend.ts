/**
 * Verification backends for ML-DSA-87 (the shell part: native loading and selection by the
 * environment; the interface and noble are in the core, noble.ts): `@noble/post-quantum` (the
 * reference, always present) and native. Native is QFS's verifier (native-build.ts: PQClean's C with a per-thread cache of
 * expanded public keys, built by `npm ci`) when it is built for this machine, else the optional
 * `pqclean` package's own addon. The backend is selected once at start-up: native when it loads and
 * passes a known-answer self-test, noble otherwise, with one log line saying why. Both verify the
 * same bytes (`D`, see ml-dsa.ts) and the tests prove they accept and reject exactly the same
 * signatures. DESIGN.md §4.
 *
 * Environment: `QFS_PQC_BACKEND` = `auto` (default) | `native` | `noble` chooses the preference
 * of the default selection; `native` fails loudly instead of falling back. `QFS_PQC_KEY_CACHE`
 * (0..4096, default 256) is how many expanded keys each thread of QFS's verifier keeps.
 * @module
 */
import { ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { CryptoBackendUnavailableError, CryptoInvalidInputError } from './errors';
import { provideVerifyBackend } from './ml-dsa';
import { usableAddon } from './native-build';
import { nobleBackend, type VerifyBackend, type VerifyBackendName } from './noble';

export { nobleBackend, type VerifyBackend, type VerifyBackendName };

/** Which backend to select: `auto` prefers native and falls back to noble. */
export type BackendPreference = 'auto' | VerifyBackendName;

/** Loads the native module (or throws). Tests pass their own to simulate a missing build. */
export type NativeModuleLoader = () => unknown;

/** How many expanded keys each thread of QFS's verifier keeps by default (~68 KB each). */
export const KEY_CACHE_DEFAULT = 256;
/** The most it may keep (the addon's own limit). */
export const KEY_CACHE_MAX = 4096;

/**
 * The default loader: QFS's verifier when it is built for this CPU (native-build.ts; the module
 * then names its variant as `build`), otherwise `require('pqclean')`.
 */
export function loadNativeModule(): unknown {
  const addon = usableAddon();
  if (addon !== null) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return { ...(require(addon.file) as object), build: addon.variant };
    } catch {
      // A build that does not load is no worse than none: pqclean's own addon is next.
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('pqclean') as unknown;
}

type PqcleanSigner = {
  readonly publicKeySize: number;
  readonly signatureSize: number;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
};
type PqcleanSignClass = new (algorithm: string) => PqcleanSigner;

/** QFS's verifier addon (native/ml-dsa-87-verify.c). */
type QfsVerifier = {
  createCache(keys: number): unknown;
  verify(
    cache: unknown,
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
  ): boolean;
  cacheStats(cache: unknown): { hits: number; misses: number };
  build?: unknown;
};

/** True for a function implemented in native code (an addon's), not JavaScript or WebAssembly. */
export const isNativeFunction = (f: unknown): boolean =>
  typeof f === 'function' && Function.prototype.toString.call(f).includes('[native code]');

/**
 * Loads the native module, turning any failure into CRYPTO_BACKEND_UNAVAILABLE.
 * @param load - the loader
 * @param what - what is loaded, for the reason ("cannot load <what> (<first line of the error>)")
 */
export function loadNative(load: NativeModuleLoader, what: string): unknown {
  try {
    return load();
  } catch (err) {
    const reason = `cannot load ${what} (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
    throw new CryptoBackendUnavailableError({ backend: 'native', reason }, { cause: err });
  }
}

/**
 * Builds the native backend from the loaded module: QFS's verifier (it has `createCache`) or
 * the `pqclean` package, checking that it is native code (not pqclean's own WebAssembly fallback)
 * and that it passes a known-answer self-test.
 * @param load - how to load the module (default {@link loadNativeModule})
 * @param keyCache - how many expanded keys the backend keeps, with QFS's verifier (default
 *   `QFS_PQC_KEY_CACHE`, else 256); each backend has its own cache, and a backend lives in one thread
 * @returns the native backend
 * @throws {CryptoBackendUnavailableError} when the module is missing, is not native, or fails the
 *   self-test
 * @throws {CryptoInvalidInputError} when `keyCache` is not an integer in [0, 4096]
 */
export function createNativeBackend(
  load: NativeModuleLoader = loadNativeModule,
  keyCache: number = keyCacheFromEnv(process.env.QFS_PQC_KEY_CACHE),
): VerifyBackend {
  checkKeyCache(keyCache);
  const loaded = loadNative(load, 'pqclean');
  const backend =
    typeof (loaded as Partial<QfsVerifier> | null)?.createCache === 'function'
      ? qfsVerifierBackend(loaded as QfsVerifier, keyCache)
      : pqcleanBackend(loaded);
  selfTest(backend);
  return backend;
}

function qfsVerifierBackend(addon: QfsVerifier, keyCache: number): VerifyBackend {
  if (!isNativeFunction(addon.verify)) {
    const reason = 'the QFS verifier module is not native code';
    throw new CryptoBackendUnavailableError({ backend: 'native', reason });
  }
  const cache = addon.createCache(keyCache);
  const build = typeof addon.build === 'string' ? `, ${addon.build}` : '';
  return Object.freeze({
    name: 'native',
    implementation: `QFS verifier (PQClean ml-dsa-87 clean, native addon${build}, cache of ${keyCache} expanded keys)`,
    verify: (publicKey: Uint8Array, signedBytes: Uint8Array, signature: Uint8Array) =>
      addon.verify(cache, publicKey, signedBytes, signature) === true,
    cacheStats: () => {
      const { hits, misses } = addon.cacheStats(cache);
      return { hits, misses };
    },
  });
}

function pqcleanBackend(loaded: unknown): VerifyBackend {
  const Sign = (loaded as { Sign?: unknown } | null)?.Sign;
  if (typeof Sign !== 'function') {
    const reason = 'pqclean has no Sign class';
    throw new CryptoBackendUnavailableError({ backend: 'native', reason });
  }
  if (!isNativeFunction(Sign)) {
    const reason = 'pqclean loaded its WebAssembly fallback, not the native addon';
    throw new CryptoBackendUnavailableError({ backend: 'native', reason });
  }
  const signer = new (Sign as PqcleanSignClass)('ml-dsa-87');
  if (signer.publicKeySize !== 2592 || signer.signatureSize !== 4627) {
    const reason = 'pqclean ml-dsa-87 has unexpected sizes';
    throw new CryptoBackendUnavailableError({ backend: 'native', reason });
  }
  return Object.freeze({
    name: 'native',
    implementation: 'pqclean (PQClean ml-dsa-87 clean, native addon)',
    verify: (publicKey: Uint8Array, signedBytes: Uint8Array, signature: Uint8Array) =>
      signer.verify(publicKey, signedBytes, signature) === true,
  });
}

function checkKeyCache(keys: number): void {
  if (!Number.isSafeInteger(keys) || keys < 0 || keys > KEY_CACHE_MAX) {
    const reason = `not an integer in [0, ${KEY_CACHE_MAX}]: ${String(keys).slice(0, 40)}`;
    throw new CryptoInvalidInputError({ field: 'keyCache', reason });
  }
}

/**
 * Parses a `QFS_PQC_KEY_CACHE` value (unset or empty: the default). A bad value is a configuration
 * error, never a reason to fall back to noble quietly.
 * @throws {CryptoInvalidInputError} for anything but an integer in [0, 4096]
 */
export function keyCacheFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return KEY_CACHE_DEFAULT;
  if (!/^\d{1,4}$/.test(value) || Number(value) > KEY_CACHE_MAX) {
    const reason = `not an integer in [0, ${KEY_CACHE_MAX}]: "${value.slice(0, 40)}"`;
    throw new CryptoInvalidInputError({ field: 'QFS_PQC_KEY_CACHE', reason });
  }
  return Number(value);
}

/** Known-answer self-test: the backend accepts a noble signature and rejects a flipped one. */
function selfTest(backend: VerifyBackend): void {
  const { publicKey, secretKey } = ml_dsa87.keygen(new Uint8Array(32).fill(0x51));
  const message = new TextEncoder().encode('QFS backend self-test');
  const signature = ml_dsa87.sign(message, secretKey, { extraEntropy: false });
  const flipped = Uint8Array.from(signature);
  flipped[100] = (flipped[100] as number) ^ 1;
  if (
    !backend.verify(publicKey, message, signature) ||
    backend.verify(publicKey, message, flipped)
  ) {
    const reason = 'known-answer self-test failed';
    throw new CryptoBackendUnavailableError({ backend: backend.name, reason });
  }
}

/** Options of {@link selectVerifyBackend}. */
export type SelectBackendOptions = {
  readonly preference?: BackendPreference;
  readonly loadNative?: NativeModuleLoader;
  /** Receives the fallback line (default: stderr). */
  readonly log?: (line: string) => void;
};

/**
 * Selects a verification backend: `noble` → noble; `native` → native or throw; `auto` → native
 * if available, otherwise noble with a log line naming the reason.
 * @param options - preference, loader and logger
 * @returns the backend
 * @throws {CryptoBackendUnavailableError} when `native` is required and unavailable
 */
export function selectVerifyBackend(options: SelectBackendOptions = {}): VerifyBackend {
  const preference = options.preference ?? 'auto';
  if (preference === 'noble') return nobleBackend;
  try {
    return createNativeBackend(options.loadNative);
  } catch (err) {
    if (preference === 'native' || !(err instanceof CryptoBackendUnavailableError)) throw err;
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    log(`qfs: ${err.message}; falling back to @noble/post-quantum for ML-DSA verification`);
    return nobleBackend;
  }
}

/**
 * Parses a `QFS_PQC_BACKEND` value.
 * @throws {CryptoBackendUnavailableError} for an unknown value
 */
export function backendPreferenceFromEnv(value: string | undefined): BackendPreference {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'native' || value === 'noble') return value;
  const reason = `QFS_PQC_BACKEND must be auto, native or noble, got "${value.slice(0, 40)}"`;
  throw new CryptoBackendUnavailableError({ backend: value.slice(0, 40), reason });
}

let current: VerifyBackend | undefined;

/**
 * The process-wide backend, selected on first use from `QFS_PQC_BACKEND` (start-up code may call
 * {@link setVerifyBackend} first to choose and log through its own logger).
 */
export function getVerifyBackend(): VerifyBackend {
  current ??= selectVerifyBackend({
    preference: backendPreferenceFromEnv(process.env.QFS_PQC_BACKEND),
  });
  return current;
}

/** Sets the process-wide backend (start-up, tests). */
export function setVerifyBackend(backend: VerifyBackend): void {
  current = backend;
}

// The shell gives the core its default verifier: the one selected here, on first use.
provideVerifyBackend(getVerifyBackend);
