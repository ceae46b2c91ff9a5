/**
 * ML-DSA-87 (FIPS 204) keys, signing and verification. DESIGN.md §4 Post-quantum cryptography.
 *
 * What is signed. Every QFS signature binds a {@link SignatureContext}. The context travels inside
 * the signed message, in FIPS 204's own framing:
 *
 *   D = 0x00 ‖ len(ctx) ‖ ctx ‖ M          (len(ctx) one byte, ctx ASCII, M the message bytes)
 *   σ = ML-DSA-87.Sign(sk, D, ctx = "")     (pure ML-DSA, empty FIPS 204 context, deterministic)
 *
 * so a standard FIPS 204 verifier checks a QFS signature as `ML-DSA.Verify(pk, D, σ, ctx = "")`.
 * The context is not passed as the FIPS 204 `ctx` parameter because the native backend (pqclean
 * 0.8) exposes only the empty-context verification; carrying it in D gives both backends the same
 * bytes to check, with the same domain separation (D is prefix-free: its length byte fixes where
 * ctx ends). See docs/decisions.md.
 *
 * Signing is deterministic (FIPS 204's rnd = {0}^32: the same key and message give the same
 * signature bytes, so a replay reproduces the ledger byte for byte).
 *
 * This file is part of the checked core (zero-sim.config.json): it reads no environment and loads
 * no native code. `sign` and `verify` take their backend as a parameter; its default is what the
 * shell provides (backend.ts and sign-backend.ts install a provider when they are loaded: QFS's
 * native addon where it is built and passes its known-answer checks, selected by
 * `QFS_PQC_BACKEND`), and noble (noble.ts) when no shell is loaded.
 * @module
 */
import { ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { addressFromPublicKey, hexToBytes } from '../codec';
import { isSignatureContext, type SignatureContext } from './contexts';
import { CryptoInvalidInputError } from './errors';
import { nobleBackend, nobleSigner, type SignBackend, type VerifyBackend } from './noble';

/** ML-DSA-87 sizes in bytes. */
export const ML_DSA_87 = Object.freeze({
  seedBytes: 32,
  publicKeyBytes: 2592,
  secretKeyBytes: 4896,
  signatureBytes: 4627,
});

/** An ML-DSA-87 key pair and the address it controls. */
export type KeyPair = {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
  /** EIP-55 address of the public key: the key id in the KeyLedger. */
  readonly address: string;
};

const encoder = new TextEncoder();

let verifyBackendOf: () => VerifyBackend = () => nobleBackend;
let signBackendOf: () => SignBackend = () => nobleSigner;

/**
 * Installs where the default verification backend comes from (the shell does, at start-up).
 * @param provider - called for every `verify` without an explicit backend
 */
export function provideVerifyBackend(provider: () => VerifyBackend): void {
  verifyBackendOf = provider;
}

/**
 * Installs where the default signer comes from (the shell does, at start-up).
 * @param provider - called for every `sign` without an explicit backend
 */
export function provideSignBackend(provider: () => SignBackend): void {
  signBackendOf = provider;
}

/**
 * Derives a key pair deterministically from a 32-byte seed (FIPS 204 ML-DSA.KeyGen_internal).
 * @param seed - 32 bytes of secret entropy
 * @returns the key pair and its address
 * @throws {CryptoInvalidInputError} when the seed is not 32 bytes
 * @example
 * const keyPair = generateKeyPair(randomBytes(32));
 */
export function generateKeyPair(seed: Uint8Array): KeyPair {
  checkBytes('seed', seed, ML_DSA_87.seedBytes);
  const { publicKey, secretKey } = ml_dsa87.keygen(Uint8Array.from(seed));
  return Object.freeze({ publicKey, secretKey, address: addressFromPublicKey(publicKey) });
}

/**
 * Signs `message` under `context`, deterministically.
 * @param secretKey - the 4896-byte secret key
 * @param message - the bytes to sign (for QFS objects: their canonical bytes)
 * @param context - what is signed
 * @param backend - the signer (default: the one the shell provides; every signer gives noble's bytes)
 * @returns the 4627-byte signature
 * @throws {CryptoInvalidInputError} when the key length or the context is wrong
 * @example
 * const signature = sign(keyPair.secretKey, canonicalBytes(body), SignatureContext.DRV);
 */
export function sign(
  secretKey: Uint8Array,
  message: Uint8Array,
  context: SignatureContext,
  backend: SignBackend = signBackendOf(),
): Uint8Array {
  checkBytes('secretKey', secretKey, ML_DSA_87.secretKeyBytes);
  checkBytes('message', message);
  return backend.sign(secretKey, contextMessage(context, message));
}

/**
 * Verifies a signature of `message` under `context` with the selected backend.
 * @param publicKey - the 2592-byte public key
 * @param message - the signed bytes
 * @param signature - the 4627-byte signature
 * @param context - what the signature must be for
 * @param backend - the verifier (default: the one the shell provides; all give the same verdicts)
 * @returns true for a valid signature, false for any invalid one
 * @throws {CryptoInvalidInputError} when a length or the context is malformed
 * @example
 * verify(publicKey, canonicalBytes(body), signature, SignatureContext.DRV); // true
 */
export function verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  context: SignatureContext,
  backend: VerifyBackend = verifyBackendOf(),
): boolean {
  checkVerifyInput(publicKey, message, signature, context);
  return backend.verify(publicKey, contextMessage(context, message), signature);
}

/**
 * The bytes ML-DSA actually signs: `D = 0x00 ‖ len(ctx) ‖ ctx ‖ M`.
 * @param context - a registered context
 * @param message - the message bytes
 * @returns D
 * @throws {CryptoInvalidInputError} when the context is not registered
 */
export function contextMessage(context: SignatureContext, message: Uint8Array): Uint8Array {
  checkContext(context);
  const ctx = encoder.encode(context);
  const out = new Uint8Array(2 + ctx.length + message.length);
  out[0] = 0;
  out[1] = ctx.length;
  out.set(ctx, 2);
  out.set(message, 2 + ctx.length);
  return out;
}

/**
 * Checks the shape of a verification input (types, lengths, context); a valid shape says nothing
 * about the signature.
 * @throws {CryptoInvalidInputError} naming the malformed field
 */
export function checkVerifyInput(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  context: SignatureContext,
  index?: number,
): void {
  checkBytes('publicKey', publicKey, ML_DSA_87.publicKeyBytes, index);
  checkBytes('message', message, undefined, index);
  checkBytes('signature', signature, ML_DSA_87.signatureBytes, index);
  checkContext(context, index);
}

function checkBytes(field: string, value: unknown, length?: number, index?: number): void {
  const at = index === undefined ? {} : { index };
  if (!(value instanceof Uint8Array)) {
    throw new CryptoInvalidInputError({ field, reason: 'not a Uint8Array', ...at });
  }
  if (length !== undefined && value.length !== length) {
    const reason = `expected ${length} bytes, got ${value.length}`;
    throw new CryptoInvalidInputError({ field, reason, ...at });
  }
}

function checkContext(context: unknown, index?: number): void {
  if (isSignatureContext(context)) return;
  const at = index === undefined ? {} : { index };
  const shown = typeof context === 'string' ? context.slice(0, 80) : typeof context;
  const reason =
    typeof context === 'string' && encoder.encode(context).length > 255
      ? 'longer than 255 bytes'
      : `not a registered signature context (${shown})`;
  throw new CryptoInvalidInputError({ field: 'context', reason, ...at });
}

/**
 * Decoded public keys by their hex: every transaction needs its sender's 2,592-byte key as bytes,
 * and senders recur. A bounded memo of a pure function, cleared when full. Callers must not mutate
 * the returned array.
 */
const publicKeys = new Map<string, Uint8Array>();
const PUBLIC_KEY_CACHE_MAX = 4096;

/**
 * The bytes of a public key given as lowercase hex (validated on first use, then memoised).
 * @throws {CodecBadHexError} when the hex is not 2,592 bytes of lowercase hex
 */
export function publicKeyFromHex(hex: string): Uint8Array {
  const known = publicKeys.get(hex);
  if (known !== undefined) return known;
  const bytes = hexToBytes(hex, ML_DSA_87.publicKeyBytes);
  if (publicKeys.size >= PUBLIC_KEY_CACHE_MAX) publicKeys.clear();
  publicKeys.set(hex, bytes);
  return bytes;
}
