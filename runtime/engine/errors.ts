/**
 * Errors of the deterministic engine. Transaction-level failures are not errors: they become
 * failed receipts with a code (see `receipts.ts`). What is thrown here is either bad genesis input
 * or a bundle that cannot be executed at all.
 * @module
 */
import { BaseError, ErrorCode } from '../errors';

/** The genesis document is not valid: `field` names the offending path. */
export class GenesisInvalidError extends BaseError {
  override readonly name = 'Engine.GenesisInvalidError';
  readonly code = ErrorCode.GENESIS_INVALID;
  constructor(field: string, reason: string, cause?: unknown) {
    super(`genesis ${field}: ${reason}`, { field, reason }, cause === undefined ? {} : { cause });
  }
}

/** The bundle input is unusable (too many transactions, wrong chain, malformed packet). */
export class BundleRejectedError extends BaseError {
  override readonly name = 'Engine.BundleRejectedError';
  readonly code = ErrorCode.BUNDLE_REJECTED;
  constructor(reason: string, details: Readonly<Record<string, string | bigint | number>>) {
    super(`bundle rejected: ${reason}`, { reason, ...details });
  }
}
