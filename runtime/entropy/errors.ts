/**
 * Entropy errors. The `DRV_ENTROPY_*` codes reject a DRV packet whose entropy record does not
 * recompute: each code names the one check that failed (record shape, source marking, beacon,
 * round time, QRNG hash, seal anchor, VDF parameters, VDF input, VDF proof, seed), with the packet
 * sequence and the offending values. The `ENTROPY_*` codes are the node's: a bad policy, a bad VDF
 * request, a provider that could not be reached, no verified round to derive a seed from.
 * @module
 */
import { BaseError, ErrorCode, type ErrorDetails } from '../errors';

/** What every packet-entropy error carries: the packet and the check that failed. */
export type EntropyCheckDetails = ErrorDetails & { readonly sequence: bigint };

/** The entropy record has the wrong shape: a missing field, a wrong type, a wrong length. */
export class DrvEntropyMalformedError extends BaseError {
  override readonly name = 'Entropy.DrvEntropyMalformedError';
  readonly code = ErrorCode.DRV_ENTROPY_MALFORMED;
  constructor(details: EntropyCheckDetails & { field: string; reason: string }) {
    super(
      `DRV packet ${details.sequence}: entropy ${details.field} malformed (${details.reason})`,
      details,
    );
  }
}

/**
 * The record's `source` is not what the chain's policy and the round's age call for: a chain with
 * an entropy policy accepts only beacon-derived seeds, and a packet is marked stale exactly when
 * its round is older than the policy's bound (a fresh round marked stale would let the sequencer
 * mix in randomness of its own choosing).
 */
export class DrvEntropySourceMismatchError extends BaseError {
  override readonly name = 'Entropy.DrvEntropySourceMismatchError';
  readonly code = ErrorCode.DRV_ENTROPY_SOURCE_MISMATCH;
  constructor(details: EntropyCheckDetails & { expected: string; actual: string }) {
    super(
      `DRV packet ${details.sequence}: entropy source ${details.actual}, expected ${details.expected}`,
      details,
    );
  }
}

/** The record names a beacon chain the genesis does not trust. */
export class DrvEntropyUnknownBeaconError extends BaseError {
  override readonly name = 'Entropy.DrvEntropyUnknownBeaconError';
  readonly code = ErrorCode.DRV_ENTROPY_UNKNOWN_BEACON;
  constructor(details: EntropyCheckDetails & { chainHash: string }) {
    super(
      `DRV packet ${details.sequence}: beacon chain ${details.chainHash} is not in the genesis`,
      details,
    );
  }
}

/** The beacon round is published after the packet's timestamp (beyond the clock-skew bound). */
export class DrvEntropyRoundFromFutureError extends BaseError {
  override readonly name = 'Entropy.DrvEntropyRoundFromFutureError';
  readonly code = ErrorCode.DRV_ENTROPY_ROUND_FROM_FUTURE;
  constructor(
    details: EntropyCheckDetails & {
      round: bigint;
      roundTimeMs: bigint;
      ttsTimestamp: bigint;
      clockSkewMaxMs: bigint;
    },
  ) {
    super(
      `DRV packet ${details.sequence}: beacon round ${details.round} (at ${details.roundTimeMs} ms) is after the packet's timestamp ${details.ttsTimestamp}`,
      details,
    );
  }
}

/** The beacon round is older than the previous packet's (rounds never go back). */
export class DrvEntropyRoundRegressedError extends BaseError {
  override readonly name = 'Entropy.DrvEntropyRoundRegressedError';
  readonly code = ErrorCode.DRV_ENTROPY_ROUND_REGRESSED;
  constructor(
    details: EntropyCheckDetails & {
      round: bigint;
      roundTimeMs: bigint;
      previousRound: bigint;
      previousRoundTimeMs: bigint;
    },
  ) {
    super(
      `DRV packet ${details.sequence}: beacon round ${details.round} is older than the previous packet's round ${details.previousRound}`,
      details,
    );
  }
}

/** The round is older than the policy's bound but the record claims a fresh round. */
export class DrvEntropyRoundStaleError extends BaseError {
  override readonly name = 'Entropy.DrvEntropyRoundStaleError';
  readonly code = ErrorCode.DRV_ENTROPY_ROUND_STALE;
  constructor(
    details: EntropyCheckDetails & {
      round: bigint;
      ageMs: bigint;
      roundAgeMaxMs: bigint;
    },
  ) {
    super(
      `DRV packet ${details.sequence}: beacon round ${details.round} is ${details.ageMs} ms old (bound ${details.roundAgeMaxMs} ms) but not marked stale`,
      details,
    );
  }
}

/** The beacon signature does not verify for the round under the chain's public key. */
export class DrvEntropyBeaconSignatureError extends BaseError {
  override readonly name = 'Entropy.DrvEntropyBeaconSignatureError';
  readonly code = ErrorCode.DRV_ENTROPY_BEACON_SIGNATURE;
  constructor(
    details: EntropyCheckDetails & { chainHash: string; round: bigint; signature: string },
  ) {
    super(
      `DRV packet ${details.sequence}: beacon signature does not verify for round ${details.round}`,
      details,
    );
  }
}

/** The QRNG record's hash is not the SHA-256 of its bytes. */
export class DrvEntropyQrngHashError extends BaseError {
  override readonly name = 'Entropy.DrvEntropyQrngHashError';
  readonly code = ErrorCode.DRV_ENTROPY_QRNG_HASH;
  constructor(details: EntropyCheckDetails & { expected: string; actual: string }) {
    super(
      `DRV packet ${details.sequence}: QRNG bytes hash to ${details.expected}, the record says ${details.actual}`,
      details,
    );
  }
}

/**
 * The seal the VDF input is bound to is not an earlier seal of this ledger: its height is not
 * below the packet's, it goes back behind the previous packet's anchor, or (when the caller knows
 * the seals) its hash is not the stored seal's.
 */
export class DrvEntropyAnchorError extends BaseError {
  override readonly name = 'Entropy.DrvEntropyAnchorError';
  readonly code = ErrorCode.DRV_ENTROPY_ANCHOR;
  constructor(details: EntropyCheckDetails & { reason: string }) {
    super(`DRV packet ${details.sequence}: entropy anchor invalid (${details.reason})`, details);
  }
}

/** The VDF's modulus or delay T is not the genesis policy's. */
export class DrvEntropyVdfParamsError extends BaseError {
  override readonly name = 'Entropy.DrvEntropyVdfParamsError';
  readonly code = ErrorCode.DRV_ENTROPY_VDF_PARAMS;
  constructor(details: EntropyCheckDetails & { field: string; expected: string; actual: string }) {
    super(
      `DRV packet ${details.sequence}: VDF ${details.field} ${details.actual}, the genesis requires ${details.expected}`,
      details,
    );
  }
}

/** The VDF input is not the hash of the beacon round, the QRNG record and the anchor. */
export class DrvEntropyVdfInputError extends BaseError {
  override readonly name = 'Entropy.DrvEntropyVdfInputError';
  readonly code = ErrorCode.DRV_ENTROPY_VDF_INPUT;
  constructor(details: EntropyCheckDetails & { expected: string; actual: string }) {
    super(
      `DRV packet ${details.sequence}: VDF input ${details.actual}, recomputed ${details.expected}`,
      details,
    );
  }
}

/** The Wesolowski proof does not verify: the VDF output or the proof was changed. */
export class DrvEntropyVdfProofError extends BaseError {
  override readonly name = 'Entropy.DrvEntropyVdfProofError';
  readonly code = ErrorCode.DRV_ENTROPY_VDF_PROOF;
  constructor(details: EntropyCheckDetails & { input: string; t: bigint }) {
    super(
      `DRV packet ${details.sequence}: VDF proof does not verify (output or proof altered)`,
      details,
    );
  }
}

/** The packet's seed is not the one derived from the VDF output, the height and the anchor. */
export class DrvEntropySeedMismatchError extends BaseError {
  override readonly name = 'Entropy.DrvEntropySeedMismatchError';
  readonly code = ErrorCode.DRV_ENTROPY_SEED_MISMATCH;
  constructor(details: EntropyCheckDetails & { expected: string; actual: string }) {
    super(
      `DRV packet ${details.sequence}: seed ${details.actual} is not the derived seed ${details.expected}`,
      details,
    );
  }
}

/** An entropy policy (genesis `entropy` section) is invalid. */
export class EntropyPolicyInvalidError extends BaseError {
  override readonly name = 'Entropy.EntropyPolicyInvalidError';
  readonly code = ErrorCode.ENTROPY_POLICY_INVALID;
  constructor(details: { field: string; reason: string }) {
    super(`entropy policy ${details.field}: ${details.reason}`, details);
  }
}

/** A VDF request or a VDF/beacon value given to a verifier has the wrong type or length. */
export class EntropyVdfInputInvalidError extends BaseError {
  override readonly name = 'Entropy.EntropyVdfInputInvalidError';
  readonly code = ErrorCode.ENTROPY_VDF_INPUT_INVALID;
  constructor(details: { field: string; reason: string }) {
    super(`${details.field}: ${details.reason}`, details);
  }
}
