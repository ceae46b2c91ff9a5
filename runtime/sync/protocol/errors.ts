/**
 * Errors of the HolonetSync protocol's pure part: a message (sealed bundle, attestation,
 * certificate, evidence) that does not have its format.
 * @module
 */
import { BaseError, ErrorCode } from '../../errors';

/** A sync message is not well formed (shape, types, limits); `details.field` names where. */
export class SyncMalformedError extends BaseError {
  override readonly name = 'Sync.SyncMalformedError';
  readonly code = ErrorCode.SYNC_MALFORMED;
  constructor(details: { what: string; field: string; reason: string }) {
    super(`malformed ${details.what}: ${details.field}: ${details.reason}`, details);
  }
}
