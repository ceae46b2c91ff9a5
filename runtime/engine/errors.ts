/**
 * Errors of the deterministic engine.
 * @module
 */
import { BaseError, ErrorCode, type ErrorDetails } from '../errors';

/** The inputs of a reward split are unusable (no recipients, too many, a weight out of range). */
export class AllocationInputError extends BaseError {
  override readonly name = 'Engine.AllocationInputError';
  readonly code = ErrorCode.ALLOCATION_INPUT;
  constructor(reason: string, details: ErrorDetails) {
    super(`allocation input rejected: ${reason}`, details);
  }
}
