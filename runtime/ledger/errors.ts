/**
 * Ledger errors: one class per DRV packet and KeyLedger failure, each carrying the offending
 * values (`details`). KeyLedger errors also carry `position`, the sequence of the entry that
 * failed, so a replay names where a ledger was edited, reordered or truncated.
 * @module
 */
import { BaseError, ErrorCode, type ErrorDetails } from '../errors';

/** A DRV packet field has the wrong type, format or size. */
export class DrvMalformedError extends BaseError {
  override readonly name = 'Ledger.DrvMalformedError';
  readonly code = ErrorCode.DRV_MALFORMED;
  constructor(details: { field: string; reason: string }) {
    super(`malformed DRV packet field ${details.field}: ${details.reason}`, details);
  }
}

/** The packet's version is not the one this runtime validates. */
export class DrvBadVersionError extends BaseError {
  override readonly name = 'Ledger.DrvBadVersionError';
  readonly code = ErrorCode.DRV_BAD_VERSION;
  constructor(details: { expected: string; actual: string }) {
    super(`DRV packet version ${details.actual}, expected ${details.expected}`, details);
  }
}

/** The packet belongs to another chain. */
export class DrvWrongChainError extends BaseError {
  override readonly name = 'Ledger.DrvWrongChainError';
  readonly code = ErrorCode.DRV_WRONG_CHAIN;
  constructor(details: { expected: string; actual: string }) {
    super(`DRV packet for chain ${details.actual}, expected ${details.expected}`, details);
  }
}

/** The packet's sequence is not the previous sequence + 1 (0 at genesis). */
export class DrvBadSequenceError extends BaseError {
  override readonly name = 'Ledger.DrvBadSequenceError';
  readonly code = ErrorCode.DRV_BAD_SEQUENCE;
  constructor(details: { expected: bigint; actual: bigint }) {
    super(`DRV packet sequence ${details.actual}, expected ${details.expected}`, details);
  }
}

/** The packet's timestamp is outside [0, max]. */
export class DrvTimestampOutOfRangeError extends BaseError {
  override readonly name = 'Ledger.DrvTimestampOutOfRangeError';
  readonly code = ErrorCode.DRV_TIMESTAMP_OUT_OF_RANGE;
  constructor(details: { sequence: bigint; ttsTimestamp: bigint; min: bigint; max: bigint }) {
    super(
      `DRV packet ${details.sequence}: ttsTimestamp ${details.ttsTimestamp} out of range`,
      details,
    );
  }
}

/** The packet's timestamp is not strictly greater than the previous packet's. */
export class DrvTimestampNotIncreasingError extends BaseError {
  override readonly name = 'Ledger.DrvTimestampNotIncreasingError';
  readonly code = ErrorCode.DRV_TIMESTAMP_NOT_INCREASING;
  constructor(details: { sequence: bigint; previous: bigint; actual: bigint }) {
    super(
      `DRV packet ${details.sequence}: ttsTimestamp ${details.actual} not after ${details.previous}`,
      details,
    );
  }
}

/** The packet's timestamp jumps further past the previous one than the configured limit. */
export class DrvTimestampJumpError extends BaseError {
  override readonly name = 'Ledger.DrvTimestampJumpError';
  readonly code = ErrorCode.DRV_TIMESTAMP_JUMP;
  constructor(details: { sequence: bigint; previous: bigint; actual: bigint; jumpMaxMs: bigint }) {
    super(
      `DRV packet ${details.sequence}: ttsTimestamp jumps more than ${details.jumpMaxMs} ms`,
      details,
    );
  }
}

/** The seed is not 32 bytes of lowercase hex. */
export class DrvBadSeedError extends BaseError {
  override readonly name = 'Ledger.DrvBadSeedError';
  readonly code = ErrorCode.DRV_BAD_SEED;
  constructor(details: { sequence: bigint; seed: string }) {
    super(`DRV packet ${details.sequence}: seed is not 32 bytes of lowercase hex`, details);
  }
}

/** `previousHash` is not the hash of the previous packet (64 zeros at genesis). */
export class DrvPreviousHashMismatchError extends BaseError {
  override readonly name = 'Ledger.DrvPreviousHashMismatchError';
  readonly code = ErrorCode.DRV_PREVIOUS_HASH_MISMATCH;
  constructor(details: { sequence: bigint; expected: string; actual: string }) {
    super(`DRV packet ${details.sequence}: previousHash does not link to its predecessor`, details);
  }
}

/** `payloadHash` does not commit to the bundle's transactions and guidance. */
export class DrvPayloadHashMismatchError extends BaseError {
  override readonly name = 'Ledger.DrvPayloadHashMismatchError';
  readonly code = ErrorCode.DRV_PAYLOAD_HASH_MISMATCH;
  constructor(details: { sequence: bigint; expected: string; actual: string }) {
    super(`DRV packet ${details.sequence}: payloadHash does not match the bundle`, details);
  }
}

/** The signer is unknown, inactive or lacks the `sequencer` capability. */
export class DrvSignerUnauthorizedError extends BaseError {
  override readonly name = 'Ledger.DrvSignerUnauthorizedError';
  readonly code = ErrorCode.DRV_SIGNER_UNAUTHORIZED;
  constructor(details: { sequence: bigint; signer: string; reason: string }) {
    super(
      `DRV packet ${details.sequence}: signer ${details.signer} not authorised (${details.reason})`,
      details,
    );
  }
}

/** The signature is malformed or does not verify. */
export class DrvSignatureInvalidError extends BaseError {
  override readonly name = 'Ledger.DrvSignatureInvalidError';
  readonly code = ErrorCode.DRV_SIGNATURE_INVALID;
  constructor(details: { sequence: bigint; signer: string; reason: string }) {
    super(`DRV packet ${details.sequence}: signature invalid (${details.reason})`, details);
  }
}

/** Common shape of KeyLedger errors: `position` is the sequence of the failing entry. */
export abstract class KeyLedgerError extends BaseError {
  readonly position: bigint;
  constructor(message: string, details: ErrorDetails & { position: bigint }) {
    super(`KeyLedger entry ${details.position}: ${message}`, details);
    this.position = details.position;
  }
}

/** An entry or event has the wrong shape (types, formats, sizes, unknown type or capability). */
export class KeyLedgerMalformedError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerMalformedError';
  readonly code = ErrorCode.KEYLEDGER_MALFORMED;
  constructor(details: { position: bigint; field: string; reason: string }) {
    super(`malformed ${details.field}: ${details.reason}`, details);
  }
}

/** The entry names another chain than the ledger's genesis. */
export class KeyLedgerWrongChainError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerWrongChainError';
  readonly code = ErrorCode.KEYLEDGER_WRONG_CHAIN;
  constructor(details: { position: bigint; expected: string; actual: string }) {
    super(`chain ${details.actual}, expected ${details.expected}`, details);
  }
}

/** The entry's sequence is not its position (an entry was dropped, inserted or swapped). */
export class KeyLedgerBadSequenceError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerBadSequenceError';
  readonly code = ErrorCode.KEYLEDGER_BAD_SEQUENCE;
  constructor(details: { position: bigint; expected: bigint; actual: bigint }) {
    super(`sequence ${details.actual}, expected ${details.expected}`, details);
  }
}

/** The timestamp is out of range or earlier than the previous entry's. */
export class KeyLedgerBadTimestampError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerBadTimestampError';
  readonly code = ErrorCode.KEYLEDGER_BAD_TIMESTAMP;
  constructor(details: { position: bigint; previous: bigint; actual: bigint; max: bigint }) {
    super(`timestamp ${details.actual} before ${details.previous} or out of range`, details);
  }
}

/** `previousHash` is not the previous entry's hash. */
export class KeyLedgerChainBrokenError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerChainBrokenError';
  readonly code = ErrorCode.KEYLEDGER_CHAIN_BROKEN;
  constructor(details: { position: bigint; expected: string; actual: string }) {
    super('previousHash does not link to its predecessor', details);
  }
}

/** The recorded `entryHash` or `pqcCid` is not the one recomputed from the entry. */
export class KeyLedgerHashMismatchError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerHashMismatchError';
  readonly code = ErrorCode.KEYLEDGER_HASH_MISMATCH;
  constructor(details: { position: bigint; field: string; expected: string; actual: string }) {
    super(`${details.field} does not match the entry`, details);
  }
}

/** A genesis entry is not first, the first entry is not a genesis, or the genesis is invalid. */
export class KeyLedgerGenesisError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerGenesisError';
  readonly code = ErrorCode.KEYLEDGER_GENESIS;
  constructor(details: { position: bigint; reason: string }) {
    super(`genesis: ${details.reason}`, details);
  }
}

/** A required signature does not verify. */
export class KeyLedgerSignatureInvalidError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerSignatureInvalidError';
  readonly code = ErrorCode.KEYLEDGER_SIGNATURE_INVALID;
  constructor(details: { position: bigint; signer: string }) {
    super(`signature of ${details.signer} does not verify`, details);
  }
}

/** The entry names a key the ledger does not know. */
export class KeyLedgerUnknownKeyError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerUnknownKeyError';
  readonly code = ErrorCode.KEYLEDGER_UNKNOWN_KEY;
  constructor(details: { position: bigint; keyId: string }) {
    super(`unknown key ${details.keyId}`, details);
  }
}

/** The key is already registered (in any status: an address is never reused). */
export class KeyLedgerDuplicateKeyError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerDuplicateKeyError';
  readonly code = ErrorCode.KEYLEDGER_DUPLICATE_KEY;
  constructor(details: { position: bigint; keyId: string; status: string }) {
    super(`key ${details.keyId} already registered (${details.status})`, details);
  }
}

/** The key is revoked: it can do nothing and nothing can be done to it. */
export class KeyLedgerKeyRevokedError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerKeyRevokedError';
  readonly code = ErrorCode.KEYLEDGER_KEY_REVOKED;
  constructor(details: { position: bigint; keyId: string; role: string }) {
    super(`key ${details.keyId} (${details.role}) is revoked`, details);
  }
}

/** The key was rotated away (retired): it can no longer sign or hold capabilities. */
export class KeyLedgerKeyRetiredError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerKeyRetiredError';
  readonly code = ErrorCode.KEYLEDGER_KEY_RETIRED;
  constructor(details: {
    position: bigint;
    keyId: string;
    role: string;
    rotatedTo: string | null;
  }) {
    super(`key ${details.keyId} (${details.role}) is retired`, details);
  }
}

/** The signers are not the ones the event requires (the key itself, an admin, old and new). */
export class KeyLedgerUnauthorizedError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerUnauthorizedError';
  readonly code = ErrorCode.KEYLEDGER_UNAUTHORIZED;
  constructor(details: { position: bigint; signer: string; reason: string }) {
    super(`${details.signer} not authorised: ${details.reason}`, details);
  }
}

/** The capability to grant is already held. */
export class KeyLedgerCapabilityHeldError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerCapabilityHeldError';
  readonly code = ErrorCode.KEYLEDGER_CAPABILITY_HELD;
  constructor(details: { position: bigint; keyId: string; capability: string }) {
    super(`${details.keyId} already holds ${details.capability}`, details);
  }
}

/** The capability to withdraw is not held. */
export class KeyLedgerCapabilityMissingError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerCapabilityMissingError';
  readonly code = ErrorCode.KEYLEDGER_CAPABILITY_MISSING;
  constructor(details: { position: bigint; keyId: string; capability: string }) {
    super(`${details.keyId} does not hold ${details.capability}`, details);
  }
}

/** The event would leave no active `admin` key (nobody could grant or withdraw again). */
export class KeyLedgerLastAdminError extends KeyLedgerError {
  override readonly name = 'Ledger.KeyLedgerLastAdminError';
  readonly code = ErrorCode.KEYLEDGER_LAST_ADMIN;
  constructor(details: { position: bigint; keyId: string }) {
    super(`${details.keyId} is the last active admin`, details);
  }
}

/** A seal does not match its entries (see `verifySeal`, which returns this as data instead). */
export class KeyLedgerSealMismatchError extends BaseError {
  override readonly name = 'Ledger.KeyLedgerSealMismatchError';
  readonly code = ErrorCode.KEYLEDGER_SEAL_MISMATCH;
  constructor(details: {
    check: string;
    position: number | null;
    expected: string;
    actual: string;
  }) {
    super(
      `key seal mismatch (${details.check}): expected ${details.expected}, got ${details.actual}`,
      details,
    );
  }
}
