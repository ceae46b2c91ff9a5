/**
 * Errors of HolonetSync's shell: a replica's refusal to cosign, a bundle it cannot judge yet, an
 * attestation the sequencer does not accept, and writes sent to a replica.
 * @module
 */
import { BaseError, ErrorCode, type ErrorDetails } from '../errors';

/** The replica refuses to cosign the bundle (re-execution differs, clock, equivocation, halted). */
export class SyncRefusedError extends BaseError {
  override readonly name = 'Sync.SyncRefusedError';
  readonly code = ErrorCode.SYNC_REFUSED;
  constructor(reason: string, details: ErrorDetails) {
    super(`refused to cosign: ${reason}`, details);
  }
}

/** The replica cannot judge this height yet (it is behind; it catches up by itself). */
export class SyncNotReadyError extends BaseError {
  override readonly name = 'Sync.SyncNotReadyError';
  readonly code = ErrorCode.SYNC_NOT_READY;
  constructor(details: { height: bigint | number; replicaHeight: bigint | number }) {
    super(`not at height ${details.height} yet (next is ${details.replicaHeight})`, details);
  }
}

/** An attestation or record the sequencer does not accept (not a member, bad signature, other seal). */
export class SyncAttestationInvalidError extends BaseError {
  override readonly name = 'Sync.SyncAttestationInvalidError';
  readonly code = ErrorCode.SYNC_ATTESTATION_INVALID;
  constructor(reason: string, details: ErrorDetails) {
    super(`attestation not accepted: ${reason}`, details);
  }
}

/** A replica takes no transactions: they go to the sequencer it follows. */
export class NodeReadOnlyError extends BaseError {
  override readonly name = 'Sync.NodeReadOnlyError';
  readonly code = ErrorCode.NODE_READ_ONLY;
  constructor(details: { sequencer: string }) {
    super('this node is a replica: send transactions to its sequencer', details);
  }
}
