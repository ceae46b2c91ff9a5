/**
 * Signature contexts: every QFS signature names what it signs, so that a signature of one kind
 * never verifies as another (a transaction signature is not a seal signature). DESIGN.md §4
 * Post-quantum cryptography. Append only: a context string is never reused for another meaning;
 * a new format gets a new version (`…/v2`).
 * @module
 */

/** The registered signature contexts (ASCII, at most 255 bytes, the FIPS 204 limit). */
export const SignatureContext = {
  /** A user transaction. */
  TX: 'QFS/tx/v1',
  /** A DRV packet (opens a bundle). */
  DRV: 'QFS/drv/v1',
  /** A CoherenceLedger finality seal. */
  COHERENCE_SEAL: 'QFS/seal/coherence/v1',
  /** A KeyLedger finality seal. */
  KEY_SEAL: 'QFS/seal/key/v1',
  /** A KeyLedger event (registration proof of possession, rotation, revocation, capabilities). */
  KEY_EVENT: 'QFS/keyledger/v1',
  /** UtilityOracle guidance. */
  GUIDANCE: 'QFS/guidance/v1',
  /** A CIR-302/412 halt record. */
  HALT: 'QFS/halt/v1',
  /** A recorded operator command (resume after a halt). */
  OPERATOR: 'QFS/operator/v1',
  /** A replica/witness attestation (HolonetSync). */
  ATTESTATION: 'QFS/attest/v1',
  /** A replica's CIR-511 dissonance record: why it refused to cosign a bundle (HolonetSync). */
  DISSONANCE: 'QFS/dissonance/v1',
} as const;
export type SignatureContext = (typeof SignatureContext)[keyof typeof SignatureContext];

const CONTEXT_VALUES: ReadonlySet<string> = new Set(Object.values(SignatureContext));

/** True when `value` is a registered signature context. */
export function isSignatureContext(value: unknown): value is SignatureContext {
  return typeof value === 'string' && CONTEXT_VALUES.has(value);
}
