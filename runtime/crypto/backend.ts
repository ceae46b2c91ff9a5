/**
 * Verification backends for ML-DSA-87: `@noble/post-quantum` (the reference, always present) and
 * PQClean built natively through the optional `pqclean` package (about 10× faster; built again for
 * x86-64-v3 where the CPU allows, native-build.ts). The backend
 * is selected once at start-up: native when it loads and passes a known-answer self-test, noble
 * otherwise, with one log line saying why. Both verify the same bytes (`D`, see ml-dsa.ts) and
 * the tests prove they accept and reject exactly the same signatures. DESIGN.md §4.
 *
 * Environment: `QFS_PQC_BACKEND` = `auto` (default) | `native` | `noble` chooses the preference
 * of the default selection; `native` fails loudly instead of falling back.
 * @module
 */
import { ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { CryptoBackendUnavailableError } from './errors';
import { TUNED_MARCH, usableTunedAddon } from './native-build';

/** The name of a verification backend. */
export type VerifyBackendName = 'native' | 'noble';
/** Which backend to select: `auto` prefers native and falls back to noble. */
export type BackendPreference = 'auto' | VerifyBackendName;

/**
 * A verification backend. Inputs are already shape-checked (ml-dsa.ts); `signedBytes` is the
 * framed message D.
 */
export type VerifyBackend = {
  readonly name: VerifyBackendName;
  /** Human-readable implementation, for logs and benchmarks. */
  readonly implementation: string;
  verify(publicKey: Uint8Array, signedBytes: Uint8Array, signature: Uint8Array): boolean;
  /** Asynchronous verification; native runs it on libuv's thread pool. */
  verifyAsync(
    publicKey: Uint8Array,
    signedBytes: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean>;
};

/** Loads the `pqclean` module (or throws). Tests pass their own to simulate a missing build. */
export type NativeModuleLoader = () => unknown;

/** The noble backend: pure ML-DSA-87 verification with the empty FIPS 204 context. */
export const nobleBackend: VerifyBackend = Object.freeze({
  name: 'noble',
  implementation: '@noble/post-quantum ml_dsa87',
  verify: nobleVerify,
  verifyAsync: async (publicKey: Uint8Array, signedBytes: Uint8Array, signature: Uint8Array) =>
    nobleVerify(publicKey, signedBytes, signature),
});

function nobleVerify(
  publicKey: Uint8Array,
  signedBytes: Uint8Array,
  signature: Uint8Array,
): boolean {
  return ml_dsa87.verify(signature, signedBytes, publicKey);
}

/**
 * The default loader: the x86-64-v3 build of pqclean's addon when it is built and this CPU runs it
 * (native-build.ts; the module then names its `build`), otherwise `require('pqclean')`.
 */
export function loadPqclean(): unknown {
  const tuned = usableTunedAddon();
  if (tuned !== null) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return { ...(require(tuned) as object), build: TUNED_MARCH };
    } catch {
      // A build that does not load is no worse than none: pqclean's own is next.
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('pqclean') as unknown;
}

type PqcleanSigner = {
  readonly publicKeySize: number;
  readonly signatureSize: number;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  verify(
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
    callback: (err: Error | null, ok: boolean) => void,
  ): void;
};
type PqcleanSignClass = new (algorithm: string) => PqcleanSigner;

/**
 * Builds the native backend from the `pqclean` module, checking that it is the native addon (not
 * pqclean's own WebAssembly fallback) and that it passes a known-answer self-test.
 * @param load - how to load `pqclean` (default `require('pqclean')`)
 * @returns the native backend
 * @throws {CryptoBackendUnavailableError} when the module is missing, is not native, or fails the
 *   self-test
 */
export function createNativeBackend(load: NativeModuleLoader = loadPqclean): VerifyBackend {
  let loaded: unknown;
  try {
    loaded = load();
  } catch (err) {
    const reason = `cannot load pqclean (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
    throw new CryptoBackendUnavailableError({ backend: 'native', reason }, { cause: err });
  }
  const Sign = (loaded as { Sign?: unknown } | null)?.Sign;
  if (typeof Sign !== 'function') {
    throw new CryptoBackendUnavailableError({
      backend: 'native',
      reason: 'pqclean has no Sign class',
    });
  }
  if (!Function.prototype.toString.call(Sign).includes('[native code]')) {
    const reason = 'pqclean loaded its WebAssembly fallback, not the native addon';
    throw new CryptoBackendUnavailableError({ backend: 'native', reason });
  }
  const signer = new (Sign as PqcleanSignClass)('ml-dsa-87');
  if (signer.publicKeySize !== 2592 || signer.signatureSize !== 4627) {
    const reason = 'pqclean ml-dsa-87 has unexpected sizes';
    throw new CryptoBackendUnavailableError({ backend: 'native', reason });
  }
  const build = (loaded as { build?: unknown }).build;
  const backend: VerifyBackend = Object.freeze({
    name: 'native',
    implementation: `pqclean (PQClean ml-dsa-87 clean, native addon${typeof build === 'string' ? `, built for ${build}` : ''})`,
    verify: (publicKey: Uint8Array, signedBytes: Uint8Array, signature: Uint8Array) =>
      signer.verify(publicKey, signedBytes, signature) === true,
    verifyAsync: (publicKey: Uint8Array, signedBytes: Uint8Array, signature: Uint8Array) =>
      new Promise<boolean>((resolve, reject) => {
        signer.verify(publicKey, signedBytes, signature, (err, ok) =>
          err ? reject(err) : resolve(ok === true),
        );
      }),
  });
  selfTest(backend);
  return backend;
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
