/**
 * Signing backends for ML-DSA-87. Every QFS signature is deterministic (FIPS 204's rnd = {0}^32):
 * a replay rebuilds the ledger byte for byte, so a signer must give exactly noble's bytes.
 *
 * `@noble/post-quantum` is the reference and always present. QFS's native addon
 * (native/ml-dsa-87.c: PQClean's signing with rnd = {0}^32) signs 10–13× faster, and is used when
 * it is built for this machine and signs a known answer byte for byte as noble does. pqclean's own
 * addon signs with fresh randomness, so it never signs here. Since both signers give the same
 * bytes, a missing native signer is never an error: noble signs, whatever `QFS_PQC_BACKEND` says,
 * and `QFS_PQC_BACKEND=noble` makes noble sign too. DESIGN.md §4; docs/decisions.md.
 * @module
 */
import { ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { equalBytes } from '../codec';
import {
  backendPreferenceFromEnv,
  isNativeFunction,
  loadNative,
  loadNativeModule,
  type BackendPreference,
  type NativeModuleLoader,
} from './backend';
import { CryptoBackendUnavailableError } from './errors';
import { provideSignBackend } from './ml-dsa';
import { nobleSigner, type SignBackend } from './noble';

export { nobleSigner, type SignBackend };

type QfsSigner = { sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array };

/**
 * The native signer from the loaded module: QFS's addon, checked to be native code and to sign a
 * known answer exactly as noble does.
 * @param load - how to load the module (default: the verification backend's loader)
 * @throws {CryptoBackendUnavailableError} when the module does not load, cannot sign
 *   deterministically (pqclean's own addon), is not native code, or signs other bytes than noble
 */
export function createNativeSigner(load: NativeModuleLoader = loadNativeModule): SignBackend {
  const addon = loadNative(load, 'the native module') as Partial<QfsSigner> | null;
  if (typeof addon?.sign !== 'function') {
    const reason = 'the native module has no deterministic signer (QFS addon not built)';
    throw new CryptoBackendUnavailableError({ backend: 'native', reason });
  }
  if (!isNativeFunction(addon.sign)) {
    const reason = 'the QFS signer is not native code';
    throw new CryptoBackendUnavailableError({ backend: 'native', reason });
  }
  const qfs = addon as QfsSigner;
  const signer: SignBackend = Object.freeze({
    name: 'native',
    implementation: 'QFS signer (PQClean ml-dsa-87 clean, native addon, deterministic)',
    sign: (secretKey: Uint8Array, signedBytes: Uint8Array) => qfs.sign(secretKey, signedBytes),
  });
  knownAnswer(signer);
  return signer;
}

/** Throws unless `signer` signs a fixed message under a fixed key exactly as noble does. */
function knownAnswer(signer: SignBackend): void {
  const { secretKey } = ml_dsa87.keygen(new Uint8Array(32).fill(0x53));
  const message = new TextEncoder().encode('QFS signer known answer');
  const expected = nobleSigner.sign(secretKey, message);
  const actual = signer.sign(secretKey, message);
  if (!(actual instanceof Uint8Array) || !equalBytes(actual, expected)) {
    const reason = 'its signature of the known answer differs from noble';
    throw new CryptoBackendUnavailableError({ backend: signer.name, reason });
  }
}

/**
 * Selects a signer: noble for `noble`, otherwise the native signer when it is available and noble
 * when it is not (quietly: the bytes are the same).
 * @param preference - the `QFS_PQC_BACKEND` preference
 * @param load - how to load the native module
 */
export function selectSignBackend(
  preference: BackendPreference = 'auto',
  load: NativeModuleLoader = loadNativeModule,
): SignBackend {
  if (preference === 'noble') return nobleSigner;
  try {
    return createNativeSigner(load);
  } catch (err) {
    if (err instanceof CryptoBackendUnavailableError) return nobleSigner;
    throw err;
  }
}

let current: SignBackend | undefined;

/** The process-wide signer, selected on first use from `QFS_PQC_BACKEND`. */
export function getSignBackend(): SignBackend {
  current ??= selectSignBackend(backendPreferenceFromEnv(process.env.QFS_PQC_BACKEND));
  return current;
}

/** Sets the process-wide signer (tests). */
export function setSignBackend(backend: SignBackend): void {
  current = backend;
}

// The shell gives the core its default signer: the one selected here, on first use.
provideSignBackend(getSignBackend);
