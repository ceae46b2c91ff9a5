/**
 * Attestations: a replica's signed statement that it re-executed the bundle at a height and
 * obtained the sealed result. HolonetSync (issue 21); docs/sync.md, Attestation.
 *
 *   attestation = {chainId, height, sealHash, entryHash, replicaTimeMs, replica} ‖ signature
 *   signature   = ML-DSA-87 over canonicalBytes(body), context `QFS/attest/v1`
 *   hash        = SHA-256(canonicalBytes(body))
 *
 * `replicaTimeMs` is the replica's own clock when it cosigned (the sequencer reconciles its clock
 * with these readings); `replica` is the replica key's address. A replica signs at most one seal
 * per height (the shell enforces it with a durable record before signing).
 * @module
 */
import {
  addressFromPublicKey,
  bytesToHex,
  canonicalBytes,
  hexToBytes,
  sha256Hex,
} from '../../codec';
import { ML_DSA_87, SignatureContext, sign, verify, type KeyPair } from '../../crypto';
import { CHAIN_ID_PATTERN } from '../../ledger';
import { SyncMalformedError } from './errors';
import { addressField, decimalField, hashField, hexField, objectWith } from './wire-shape';

/** What a replica signs. */
export type AttestationBody = {
  readonly chainId: string;
  readonly height: bigint;
  /** SHA-256 of the sequencer's seal at that height (what the anchor stores). */
  readonly sealHash: string;
  /** The CoherenceLedger entry hash the replica recomputed (the seal's headHash). */
  readonly entryHash: string;
  /** The replica's clock when it signed, in ms. */
  readonly replicaTimeMs: bigint;
  /** The replica key's address. */
  readonly replica: string;
};

/** A signed attestation. */
export type Attestation = AttestationBody & { readonly signature: string };

const KEYS = ['chainId', 'height', 'sealHash', 'entryHash', 'replicaTimeMs', 'replica'] as const;

/** The canonical bytes the signature covers (and the hash is taken over). */
export function attestationSigningBytes(body: AttestationBody): Uint8Array {
  return canonicalBytes({
    chainId: body.chainId,
    height: body.height,
    sealHash: body.sealHash,
    entryHash: body.entryHash,
    replicaTimeMs: body.replicaTimeMs,
    replica: body.replica,
  });
}

/** The attestation's hash: SHA-256 of its signed bytes. */
export function attestationHash(body: AttestationBody): string {
  return sha256Hex(attestationSigningBytes(body));
}

/**
 * Signs an attestation with the replica key (deterministic: the same body gives the same bytes).
 * @param body - what the replica vouches for; `replica` must be the key's address
 */
export function signAttestation(body: Omit<AttestationBody, 'replica'>, key: KeyPair): Attestation {
  const full: AttestationBody = { ...body, replica: key.address };
  const signature = sign(
    key.secretKey,
    attestationSigningBytes(full),
    SignatureContext.ATTESTATION,
  );
  return Object.freeze({ ...full, signature: bytesToHex(signature) });
}

/**
 * Why an attestation does not verify under `publicKey`, or null when it does: the key must be the
 * one the `replica` address names, and the signature must verify under `QFS/attest/v1`.
 */
export function attestationIssue(attestation: Attestation, publicKey: Uint8Array): string | null {
  if (publicKey.length !== ML_DSA_87.publicKeyBytes) return 'malformed public key';
  if (addressFromPublicKey(publicKey) !== attestation.replica)
    return 'the public key is not the replica address';
  const valid = verify(
    publicKey,
    attestationSigningBytes(attestation),
    hexToBytes(attestation.signature),
    SignatureContext.ATTESTATION,
  );
  return valid ? null : 'the signature does not verify';
}

/** The JSON form (integers as decimal strings). */
export function attestationJson(a: Attestation): Record<string, string> {
  return {
    chainId: a.chainId,
    height: a.height.toString(),
    sealHash: a.sealHash,
    entryHash: a.entryHash,
    replicaTimeMs: a.replicaTimeMs.toString(),
    replica: a.replica,
    signature: a.signature,
  };
}

/**
 * Reads an attestation from its JSON form, checking every field's shape (not the signature).
 * @throws {SyncMalformedError} naming the field
 */
export function parseAttestation(json: unknown): Attestation {
  const what = 'attestation';
  const o = objectWith(json, [...KEYS, 'signature'], what);
  if (typeof o.chainId !== 'string' || !CHAIN_ID_PATTERN.test(o.chainId))
    throw new SyncMalformedError({ what, field: 'chainId', reason: 'not a chain id' });
  return Object.freeze({
    chainId: o.chainId,
    height: decimalField(o.height, what, 'height'),
    sealHash: hashField(o.sealHash, what, 'sealHash'),
    entryHash: hashField(o.entryHash, what, 'entryHash'),
    replicaTimeMs: decimalField(o.replicaTimeMs, what, 'replicaTimeMs'),
    replica: addressField(o.replica, what, 'replica'),
    signature: hexField(o.signature, ML_DSA_87.signatureBytes, what, 'signature'),
  });
}
